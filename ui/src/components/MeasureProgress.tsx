import type { ProgressEvent } from '../backend/types';

/** The progress bar and Cancel button shown while videos are measured for a score. */
export function MeasureProgress({ progress, cancelling, onCancel, testid }: {
  progress: ProgressEvent | null;
  cancelling: boolean;
  onCancel: () => void;
  /** Prefix of the test ids: `${testid}-progress`, `${testid}-cancel`. */
  testid: string;
}) {
  const percent = progress?.fraction == null ? null : Math.round(progress.fraction * 100);
  return (
    <>
      <div className={`progress ${percent === null ? 'is-indeterminate' : ''}`} role="progressbar" aria-label="Measuring progress"
        aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? undefined} data-testid={`${testid}-progress`}>
        <div className="progress-fill" style={{ width: percent === null ? undefined : `${percent}%` }} />
      </div>
      <div className="score-measuring-actions">
        <span className="muted" data-testid={`${testid}-label`}>{label(progress, percent)}</span>
        <button type="button" className="btn btn-small" onClick={onCancel} disabled={cancelling} data-testid={`${testid}-cancel`}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** "Video 2 of 3 · 45%" while several videos are measured in turn, else just the percentage. */
function label(progress: ProgressEvent | null, percent: number | null): string {
  const pct = percent === null ? '' : `${percent}%`;
  if (!progress || progress.total < 2) return pct;
  const step = `Video ${Math.min(progress.done + 1, progress.total)} of ${progress.total}`;
  return pct ? `${step} · ${pct}` : step;
}
