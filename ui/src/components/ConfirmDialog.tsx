import type { ReactNode } from 'react';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  confirmTestId?: string;
};

/** A small destructive-action confirmation. Cancel has focus first, so Enter is safe. */
export function ConfirmDialog(p: Props) {
  return (
    <Dialog title={p.title} onClose={p.onCancel} size="small" description={p.children}>
      {p.error && <ErrorBanner message={p.error} />}
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={p.onCancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={p.onConfirm} disabled={p.pending} data-testid={p.confirmTestId}>
          {p.pending ? p.pendingLabel : p.confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}
