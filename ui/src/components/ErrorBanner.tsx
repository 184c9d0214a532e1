type Props = {
  message: string;
  onDismiss?: () => void;
  onRetry?: () => void;
};

/** Errors that are not about one form field. Announced by screen readers (role=alert). */
export function ErrorBanner({ message, onDismiss, onRetry }: Props) {
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <span className="banner-message">{message}</span>
      <span className="banner-actions">
        {onRetry && (
          <button type="button" className="btn btn-small" onClick={onRetry}>
            Retry
          </button>
        )}
        {onDismiss && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </span>
    </div>
  );
}
