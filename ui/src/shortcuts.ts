/**
 * Global keyboard shortcuts: Alt+1..7 or Ctrl+1..7 switch screens. Digits are
 * read from `event.code` too, so layouts where Alt+digit types a symbol work.
 */
import { useEffect } from 'react';
import { SCREENS, navigate } from './router';

function digitOf(e: KeyboardEvent): number | null {
  const m = /^Digit([1-9])$/.exec(e.code) ?? /^([1-9])$/.exec(e.key);
  return m?.[1] ? Number(m[1]) : null;
}

/** True when a keystroke would type into something (so plain-letter shortcuts must not fire). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.shiftKey || e.metaKey) return;
      if (e.altKey === e.ctrlKey) return; // exactly one of Alt / Ctrl
      const digit = digitOf(e);
      const screen = digit === null ? undefined : SCREENS[digit - 1];
      if (!screen) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      navigate(screen.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
