import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// `findBy…` waits 1 s by default. CI runs these suites on 2 cores next to a Rust build, where a
// lazily loaded chunk (the charts) can take longer than that to arrive; a real regression still
// fails, only later.
configure({ asyncUtilTimeout: 5_000 });

// Testing Library only auto-cleans when test globals are on; we import explicitly.
afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.location.hash = '';
});

// jsdom has <dialog> but not its modal API; enough of it for our Dialog component.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

if (typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// RECORD_REQUESTS=<file>: the memory backend appends each request it has no answer for (a
// scenario's analytics, best times …, or a post_validate), one JSON a line; `node
// scripts/add-requests.mjs <file>` adds them to their seeds for `make fixtures` to answer.
const recordTo = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.RECORD_REQUESTS;
if (recordTo) {
  const fs = (await import(/* @vite-ignore */ `node:${'fs'}`)) as { appendFileSync(path: string, data: string): void };
  (globalThis as { __recordMiss?: (r: unknown) => void }).__recordMiss = (r) => fs.appendFileSync(recordTo, `${JSON.stringify(r)}\n`);
}
