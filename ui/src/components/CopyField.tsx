/**
 * A read-only value to paste elsewhere (a redirect URI, a sign-in link) with a Copy button.
 * When the clipboard is not available the text is selected instead, so Ctrl+C finishes the job.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

type Props = {
  label: string;
  value: string;
  /** Test id of the text; the button gets `<testId>-copy`. */
  testId: string;
  hint?: ReactNode;
  copyLabel?: string;
  className?: string;
};

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyField({ label, value, testId, hint, copyLabel = 'Copy', className = '' }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      inputRef.current?.focus();
      inputRef.current?.select();
      setState('failed');
    }
  };

  return (
    <div className={`field copy-field ${className}`}>
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input ref={inputRef} id={id} type="text" readOnly value={value} className="copy-value" spellCheck={false}
          onFocus={(e) => e.currentTarget.select()} aria-describedby={hint ? hintId : undefined} data-testid={testId} />
        <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid={`${testId}-copy`}
          aria-label={`${copyLabel}: ${label}`}>
          {state === 'copied' ? 'Copied' : copyLabel}
        </button>
      </div>
      <span className="sr-only" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Selected: press Ctrl+C to copy.' : ''}
      </span>
      {state === 'failed' ? (
        <p className="field-hint">Selected — press Ctrl+C (⌘C) to copy.</p>
      ) : (
        hint && (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        )
      )}
    </div>
  );
}
