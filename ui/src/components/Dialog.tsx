/**
 * A modal built on the native <dialog>: the browser provides the focus trap,
 * inert background and Escape (the `cancel` event), which we route to
 * `onClose` so React state stays the source of truth. Mount it to open it.
 */
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';

type Props = {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Text under the title, linked as the dialog's description. */
  description?: ReactNode;
  size?: 'small' | 'large' | 'wide';
  testId?: string;
};

export function Dialog({ title, onClose, children, description, size = 'large', testId }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      data-testid={testId}
      onCancel={(e) => {
        // React passes a nested dialog's (non-bubbling) cancel up its component tree: not ours.
        if (e.target !== e.currentTarget) return;
        e.preventDefault();
        onCloseRef.current();
      }}
      onClose={(e) => {
        // Ignore the (async) close event of our own close() in the effect cleanup,
        // e.g. StrictMode's remount, and a nested dialog's; react only when the browser closed this one.
        if (e.target !== e.currentTarget) return;
        if (!ref.current?.open) onCloseRef.current();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        {description && (
          <p id={descId} className="muted">
            {description}
          </p>
        )}
      </header>
      {children}
    </dialog>
  );
}
