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

export function insideTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

export async function createBackend(): Promise<Backend> {
  if (import.meta.env.MODE !== 'e2e' && insideTauri()) {
    const { tauriBackend } = await import('./tauri');
    return tauriBackend;
  }
  const { createMemoryBackend } = await import('./memory');
  const { demoAccounts, demoAssets, demoCampaigns, demoHistory, demoNotifications, demoPosts, demoPublishedPosts, demoRenders, demoRevenue, demoScheduler, demoSlots, demoSnapshots } =
    await import('./memoryData');
  const seed = window.__VIRAL_STUDIO_SEED__;
  const demo = !seed && import.meta.env.MODE !== 'e2e';
  const history = demo ? demoHistory() : [];
  const posts = demo ? [...demoPosts(), ...demoPublishedPosts(history)] : [];
  // A plain-browser dev session gets demo data; the e2e build starts empty.
  const backend = createMemoryBackend(
    seed ??
      (import.meta.env.MODE === 'e2e'
        ? {}
        : {
            campaigns: demoCampaigns(), assets: demoAssets(), renders: demoRenders(), accounts: demoAccounts(), posts, slots: demoSlots(),
            scheduler: demoScheduler(), notifications: demoNotifications(), history, snapshots: demoSnapshots(history, posts), revenue: demoRevenue(),
            latencyMs: 250, connectStepMs: 2_500,
          }),
  );
  window.__VIRAL_STUDIO_TEST__ = backend.simulateFileDrag;
  return backend;
}

export { BackendProvider, useBackend } from './context';
export { BackendError, toApiError } from './errors';
export type * from './types';
