/** A render's live progress: stage, bar, percent, elapsed time and what is left. */
import { formatDuration } from '../lib/media';
import { formatEta, renderPercent, renderStageLabel, type RenderJob } from '../lib/renderJob';

type Props = { job: RenderJob; compact?: boolean };

export function RenderProgressView({ job, compact = false }: Props) {
  const p = job.progress;
  const percent = renderPercent(p);
  const stage = job.cancelling ? 'Cancelling' : renderStageLabel(p?.stage);
  const eta = formatEta(p?.eta_s ?? null);
  const prefix = compact ? 'render-row' : 'render';
  // One bar per stage (keyed), so it never animates backwards from the previous stage's 100%.
  const bar = (
    <div
      key={p?.stage ?? 'starting'}
      className={`progress ${percent === null ? 'is-indeterminate' : ''}`}
      role="progressbar"
      aria-label="Render progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={percent === null ? stage : `${stage}, ${percent}%`}
      data-testid={`${prefix}-progress`}
    >
      <div className="progress-fill" style={{ width: percent === null ? undefined : `${percent}%` }} />
    </div>
  );

  if (compact) {
    return (
      <div className="render-progress is-compact">
        {bar}
        <p className="render-progress-meta">
          <span data-testid="render-row-stage">{stage}</span>
          {percent !== null && <span>{percent}%</span>}
          {eta && <span>{eta}</span>}
        </p>
      </div>
    );
  }
  return (
    <div className="render-progress">
      <p className="render-stage" data-testid="render-stage" aria-live="polite">
        {stage}
        {job.cancelling ? '…' : ''}
      </p>
      {bar}
      <p className="render-progress-meta">
        <span className="render-percent" data-testid="render-percent">
          {percent === null ? '–' : `${percent}%`}
        </span>
        <span data-testid="render-elapsed">Elapsed {formatDuration(p?.elapsed_s ?? 0)}</span>
        <span className="render-eta" data-testid="render-eta">
          {eta ?? 'Estimating time left…'}
        </span>
      </p>
    </div>
  );
}
