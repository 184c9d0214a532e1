/**
 * A campaign's money: totals and ROI per currency, every revenue and cost entry, adding one,
 * deleting one (confirmed, with Undo), importing a payout export, and the sponsor report as HTML
 * or CSV.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toApiError, useBackend, type Campaign, type RevenueEntry } from '../backend';
import { formatDate, formatMoney } from '../lib/format';
import { formatBytes } from '../lib/media';
import { kindLabel, rowCount, slug } from '../lib/money';
import { invalidateMoney, useRevenueList, useRevenueSummary } from '../queries';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorBanner } from './ErrorBanner';
import { MoneyTotals } from './MoneyTotals';
import { RevenueForm } from './RevenueForm';
import { RevenueImport } from './RevenueImport';
import { useSaveFile } from './useSaveFile';

const describe = (e: RevenueEntry) => `${kindLabel(e.kind).toLowerCase()} of ${formatMoney(e.amount, e.currency)} on ${formatDate(e.occurred_on)}`;

export function CampaignMoney({ campaign }: { campaign: Campaign }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const entries = useRevenueList(campaign.id);
  const summary = useRevenueSummary(campaign.id);
  const [deleting, setDeleting] = useState<RevenueEntry | null>(null);
  const [undoable, setUndoable] = useState<RevenueEntry | null>(null);
  const [importPath, setImportPath] = useState<string | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const report = useSaveFile();

  const invalidate = () => invalidateMoney(queryClient);

  const remove = useMutation({
    mutationFn: (e: RevenueEntry) => backend.revenueDelete(e.id),
    onSuccess: async (_, e) => {
      await invalidate();
      setDeleting(null);
      setUndoable(e);
    },
  });

  // Undo adds the entry again (deletes are soft and final in the backend; a copy is the honest undo).
  const undo = useMutation({
    mutationFn: (e: RevenueEntry) =>
      backend.revenueAdd({ campaign_id: e.campaign_id, kind: e.kind, amount: e.amount, currency: e.currency, occurred_on: e.occurred_on, note: e.note }),
    onSuccess: async () => {
      setUndoable(null);
      await invalidate();
    },
  });

  const startImport = async () => {
    setPickError(null);
    try {
      const path = await backend.pickFile('revenue_csv');
      if (path) setImportPath(path);
    } catch (err) {
      setPickError(toApiError(err).message);
    }
  };

  const base = `${slug(campaign.name)}-report`;
  const saveHtml = () =>
    report.save({
      label: 'html',
      request: { title: 'Save the campaign report', defaultName: `${base}.html`, format: 'html' },
      write: async (path) => formatBytes((await backend.reportHtml(campaign.id, path)).bytes),
    });
  const saveCsv = () =>
    report.save({
      label: 'csv',
      request: { title: 'Save the report numbers', defaultName: `${base}.csv`, format: 'csv' },
      write: async (path) => rowCount((await backend.reportCsv(campaign.id, path)).rows),
    });

  const list = entries.data ?? [];
  return (
    <div className="money" data-testid="campaign-money">
      <div className="money-toolbar">
        <button type="button" className="btn" onClick={() => void startImport()} data-testid="revenue-import-start">
          Import CSV…
        </button>
        <span className="money-toolbar-spacer" />
        <button type="button" className="btn" onClick={saveHtml} disabled={report.pendingLabel !== null} data-testid="report-html">
          {report.pendingLabel === 'html' ? 'Saving report…' : 'Report (HTML)'}
        </button>
        <button type="button" className="btn" onClick={saveCsv} disabled={report.pendingLabel !== null} data-testid="report-csv">
          {report.pendingLabel === 'csv' ? 'Saving…' : 'Report (CSV)'}
        </button>
      </div>
      {pickError && <ErrorBanner message={pickError} onDismiss={() => setPickError(null)} />}
      {report.error && <ErrorBanner message={`The report was not saved: ${report.error}`} onDismiss={report.dismiss} />}
      {report.saved && (
        <div className="banner banner-info" role="status" data-testid="report-saved">
          <span className="banner-message">
            Report saved to <span className="path">{report.saved.path}</span> ({report.saved.detail}).
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={report.dismiss}>
              Dismiss
            </button>
          </span>
        </div>
      )}

      <section aria-labelledby="money-totals-title" className="money-section">
        <h3 id="money-totals-title">Totals</h3>
        {summary.isPending ? (
          <p role="status">Loading totals…</p>
        ) : summary.isError ? (
          <ErrorBanner message={`Could not load the totals: ${toApiError(summary.error).message}`} onRetry={() => void summary.refetch()} />
        ) : (
          <MoneyTotals summary={summary.data} />
        )}
      </section>

      <RevenueForm campaign={campaign} onAdded={() => setUndoable(null)} />

      <section aria-labelledby="money-entries-title" className="money-section">
        <h3 id="money-entries-title">Entries</h3>
        {undoable && (
          <div className="banner banner-info" role="status" data-testid="revenue-undo">
            <span className="banner-message">Deleted the {describe(undoable)}.</span>
            <span className="banner-actions">
              <button type="button" className="btn btn-small" onClick={() => undo.mutate(undoable)} disabled={undo.isPending}
                data-testid="revenue-undo-button">
                {undo.isPending ? 'Restoring…' : 'Undo'}
              </button>
            </span>
          </div>
        )}
        {undo.isError && <ErrorBanner message={`Could not restore the entry: ${toApiError(undo.error).message}`} />}
        {entries.isPending ? (
          <p role="status">Loading entries…</p>
        ) : entries.isError ? (
          <ErrorBanner message={`Could not load the entries: ${toApiError(entries.error).message}`} onRetry={() => void entries.refetch()} />
        ) : list.length === 0 ? (
          <p className="muted" data-testid="revenue-empty">
            Nothing recorded yet. Add sponsorship fees, affiliate income, platform payouts and what the campaign cost, or import a payout export.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table money-entries" data-testid="revenue-entries">
              <caption className="sr-only">Revenue and cost entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">Amount</th>
                  <th scope="col">Note</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr key={e.id} data-testid="revenue-row" data-kind={e.kind}>
                    <td className="nowrap">{formatDate(e.occurred_on)}</td>
                    <td className="nowrap">
                      {kindLabel(e.kind)}
                      {e.imported && <span className="badge badge-neutral">Imported</span>}
                    </td>
                    <td className={`num nowrap ${e.kind === 'cost' ? 'money-cost' : ''}`}>
                      {e.kind === 'cost' ? '−' : ''}
                      {formatMoney(e.amount, e.currency)}
                    </td>
                    <td className="money-note-cell">{e.note ?? <span className="muted">—</span>}</td>
                    <td className="cell-actions">
                      <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setDeleting(e)} data-testid="revenue-delete"
                        aria-label={`Delete the ${describe(e)}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {deleting && (
        <ConfirmDialog
          title="Delete this entry?"
          confirmLabel="Delete"
          pendingLabel="Deleting…"
          confirmTestId="revenue-delete-confirm"
          pending={remove.isPending}
          error={remove.isError ? toApiError(remove.error).message : null}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => {
            setDeleting(null);
            remove.reset();
          }}
        >
          The {describe(deleting)} will no longer count in the totals.
        </ConfirmDialog>
      )}
      {importPath && <RevenueImport campaign={campaign} path={importPath} onClose={() => setImportPath(null)} />}
    </div>
  );
}
