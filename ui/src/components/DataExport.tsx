/**
 * CSV exports of everything the app stores about publishing and money, for spreadsheets and
 * other tools. Each asks where to save with the native dialog; the backend writes the file
 * atomically and says how many rows it wrote.
 */
import { useBackend, type ExportKind } from '../backend';
import { rowCount } from '../lib/money';
import { ErrorBanner } from './ErrorBanner';
import { useSaveFile } from './useSaveFile';

const EXPORTS: { kind: ExportKind; label: string; what: string }[] = [
  { kind: 'posts', label: 'Posts', what: 'captions, campaigns, states' },
  { kind: 'targets', label: 'Targets', what: 'one row per post and account, with links and states' },
  { kind: 'metrics', label: 'Metrics', what: 'every metrics snapshot: views, likes, comments, shares, saves' },
  { kind: 'revenue', label: 'Revenue', what: 'revenue and cost entries of every campaign' },
];

export function DataExport() {
  const backend = useBackend();
  const file = useSaveFile();
  return (
    <section className="card" aria-labelledby="settings-data" data-testid="data-export">
      <h2 id="settings-data">Data</h2>
      <p className="muted">Export as CSV (UTF-8, comma-separated; text that looks like a formula is defused).</p>
      <ul className="export-buttons">
        {EXPORTS.map((e) => (
          <li key={e.kind}>
            <button type="button" className="btn" disabled={file.pendingLabel !== null} data-testid={`export-${e.kind}`}
              title={e.what} aria-describedby="settings-data-what"
              onClick={() =>
                file.save({
                  label: e.label,
                  request: { title: `Export ${e.label.toLowerCase()}`, defaultName: `${e.kind}.csv`, format: 'csv' },
                  write: async (path) => rowCount((await backend.exportCsv(e.kind, path)).rows),
                })
              }>
              {file.pendingLabel === e.label ? 'Exporting…' : `Export ${e.label.toLowerCase()}`}
            </button>
          </li>
        ))}
      </ul>
      <p id="settings-data-what" className="field-hint">
        Posts: captions and states · Targets: one row per post and account · Metrics: every snapshot · Revenue: every entry.
      </p>
      {file.error && <ErrorBanner message={`The export was not saved: ${file.error}`} onDismiss={file.dismiss} />}
      {file.saved && (
        <div className="banner banner-info" role="status" data-testid="export-saved">
          <span className="banner-message">
            {file.saved.label} exported to <span className="path">{file.saved.path}</span> ({file.saved.detail}).
          </span>
        </div>
      )}
    </section>
  );
}
