/**
 * A tiny typed hash router: seven flat screens don't need more. Hash URLs
 * work the same under Tauri's custom protocol, `vite preview` and `vite`.
 */
import { useSyncExternalStore } from 'react';

export const SCREENS = [
  { id: 'home', label: 'Home' },
  { id: 'library', label: 'Library' },
  { id: 'campaigns', label: 'Campaigns' },
  { id: 'calendar', label: 'Calendar' },
  { id: 'analytics', label: 'Analytics' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'settings', label: 'Settings' },
] as const;

export type Screen = (typeof SCREENS)[number]['id'];

const IDS: ReadonlySet<string> = new Set(SCREENS.map((s) => s.id));

export function isScreen(value: string): value is Screen {
  return IDS.has(value);
}

export function screenFromHash(hash: string): Screen {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isScreen(id) ? id : 'home';
}

export function hrefFor(screen: Screen): string {
  return `#/${screen}`;
}

export function navigate(screen: Screen): void {
  if (screenFromHash(window.location.hash) !== screen) window.location.hash = hrefFor(screen);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useScreen(): Screen {
  return useSyncExternalStore(
    subscribe,
    () => screenFromHash(window.location.hash),
    () => 'home' as const,
  );
}
