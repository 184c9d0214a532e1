/**
 * The import panel (bottom right): live progress with Cancel while a job runs,
 * then a summary with the problems listed by file. It does not take focus.
 */
import { baseName } from '../lib/media';
import { failureMessage, stageLabel, summaryText, type ImportState } from '../lib/importJob';
import { Icon } from './Icon';
import { useImport } from './ImportProvider';

export function ImportPanel() {
  const { state, cancel, dismiss } = useImport();
  if (state.phase === 'idle') return null;
  const running = state.phase === 'running';
  const { report, progress } = state;
  const problems = report.failed.length + report.skipped.length;
  const title = running
    ? state.cancelling
      ? 'Cancelling import…'
      : 'Importing'
    : state.cancelled
      ? 'Import cancelled'
      : state.errors.length > 0 && report.imported.length === 0
        ? 'Import failed'
        : 'Import finished';

  return (
    <section className="import-panel" data-testid="import-panel" data-phase={state.phase} aria-label="Import">
      <header className="import-panel-header">
        <span className={`import-panel-icon ${running ? 'is-running' : report.failed.length > 0 || state.errors.length > 0 ? 'is-warning' : 'is-done'}`}>
          <Icon name={running ? 'upload' : report.failed.length > 0 || state.errors.length > 0 ? 'warning' : 'check'} />
        </span>
        <h2 className="import-panel-title">{title}</h2>
        {running ? (
          <button type="button" className="btn btn-small" data-testid="import-cancel" onClick={cancel} disabled={state.cancelling}>
            {state.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-ghost btn-icon" data-testid="import-dismiss" onClick={dismiss} aria-label="Dismiss import summary">
            <Icon name="close" />
          </button>
        )}
      </header>

      {running && <Progress progress={progress} queued={state.queued} />}

      <div aria-live="polite" className="import-panel-live">
        {!running && (
          <p className="import-summary" data-testid="import-summary" data-imported={report.imported.length}
            data-skipped={report.skipped.length} data-failed={report.failed.length}>
            {summaryText(report)}
          </p>
        )}
      </div>

      {!running &&
        state.errors.map((message, i) => (
          <p key={i} className="import-error" role="alert">
            {message}
          </p>
        ))}

      {!running && problems > 0 && (
        <details className="import-problems" data-testid="import-problems" open={report.imported.length === 0 && problems <= 3}>
          <summary>
            <Icon name="chevron" className="import-problems-chevron" />
            {problems === 1 ? 'Show 1 file not imported' : `Show ${problems} files not imported`}
          </summary>
          <ul className="import-problem-list">
            {report.failed.map((f, i) => (
              <li key={`f${i}`} className="import-problem" data-testid="import-failure" data-code={f.code} title={f.path}>
                <span className="import-problem-name">{baseName(f.path)}</span>
                <span className="import-problem-human">{failureMessage(f.code)}</span>
                {f.message && <span className="import-problem-detail">{f.message}</span>}
              </li>
            ))}
            {report.skipped.map((s, i) => (
              <li key={`s${i}`} className="import-problem is-skipped" data-testid="import-skipped" title={s.path}>
                <span className="import-problem-name">{baseName(s.path)}</span>
                <span className="import-problem-human">Skipped: {s.reason}.</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Progress({ progress, queued }: { progress: ImportState['progress']; queued: number }) {
  const total = progress?.total ?? 0;
  const done = progress?.done ?? 0;
  const known = progress !== null && total > 0;
  // The current file's own fraction (when the backend reports one) moves the bar between files.
  const partial = known && done < total ? Math.min(1, Math.max(0, progress.fraction ?? 0)) : 0;
  const percent = known ? Math.round(((done + partial) / total) * 100) : 0;
  return (
    <div className="import-progress">
      <div
        className={`progress ${known ? '' : 'is-indeterminate'}`}
        role="progressbar"
        data-testid="import-progress"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={known ? total : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={known ? `${done} of ${total} files` : 'Preparing'}
      >
        <div className="progress-fill" style={{ width: known ? `${percent}%` : undefined }} />
      </div>
      <p className="import-progress-text">
        <span className="import-count">{known ? `${done} of ${total}` : 'Preparing…'}</span>
        {progress && (
          <span className="import-current" data-testid="import-current" title={progress.item}>
            {progress.item} — {stageLabel(progress.stage)}
          </span>
        )}
      </p>
      {queued > 0 && <p className="import-queued muted">{queued === 1 ? '1 more import waiting' : `${queued} more imports waiting`}</p>}
    </div>
  );
}
