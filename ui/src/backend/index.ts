/**
 * Picks the backend at startup: Tauri's when running inside the app,
 * otherwise (Vitest, Playwright's e2e build, `npm run dev` in a browser)
 * the in-memory fake. Both are loaded with dynamic imports; in the e2e build
 * the Tauri branch is dead code and `@tauri-apps/api` is not bundled at all.
 */
import type { MemoryBackend, MemorySeed } from './memory';
import type { Backend } from './types';

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
    /** Optional seed for the in-memory backend (Playwright sets it with addInitScript). */
    __VIRAL_STUDIO_SEED__?: MemorySeed;
    /** In-memory backend only: simulates OS file drags over the window (Playwright, dev). */
    __VIRAL_STUDIO_TEST__?: MemoryBackend['simulateFileDrag'];
  }
}

/**
 * The demo's answers were computed by studio-api for the scenario's instant, so the demo lives at
 * that instant: the page's clock starts there and runs on (dev only; tests pin their own clocks).
 */
function pinClock(at: string): void {
  const offset = Date.parse(at) - Date.now();
  const Real = Date;
  const now = () => Real.now() + offset;
  function Pinned(this: unknown, ...args: unknown[]) {
    if (!new.target) return new Real(now()).toString();
    return args.length === 0 ? new Real(now()) : new (Real as unknown as new (...a: unknown[]) => Date)(...args);
  }
  Object.setPrototypeOf(Pinned, Real);
  Pinned.prototype = Real.prototype;
  (Pinned as unknown as { now: () => number }).now = now;
  globalThis.Date = Pinned as unknown as DateConstructor;
}

export function insideTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

export async function createBackend(): Promise<Backend> {
  if (import.meta.env.MODE !== 'e2e' && insideTauri()) {
    const { tauriBackend } = await import('./tauri');
    return tauriBackend;
  }
  const { createMemoryBackend } = await import('./memory');
  // A plain-browser dev session gets the demo scenario; builds start empty (tests seed them), and
  // DEV keeps the demo's megabyte of answers out of the bundle the app embeds.
  let seed = window.__VIRAL_STUDIO_SEED__;
  if (!seed && import.meta.env.DEV) {
    const [{ default: demo }, { default: answers }] = await Promise.all([import('./fixtures/seeds/demo.json'), import('./fixtures/demo.json')]);
    pinClock(demo.now);
    seed = { ...(demo as unknown as MemorySeed), answers: answers as MemorySeed['answers'] };
  }
  const backend = createMemoryBackend(seed ?? {});
  window.__VIRAL_STUDIO_TEST__ = backend.simulateFileDrag;
  return backend;
}

export { BackendProvider, useBackend } from './context';
export { BackendError, toApiError } from './errors';
export type * from './types';
