/**
 * Importing a payout export into a campaign, in four steps: preview (what the backend read:
 * encoding, delimiter, first rows), column mapping (prefilled from the backend's suggestion),
 * a dry run (good rows, bad rows with their line and reason, rows imported before) and the
 * import itself. Nothing is stored before the last step; the backend deduplicates by import key,
 * so importing the same file twice reports "already imported" instead of adding rows.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import {
  toApiError,
  useBackend,
  type Campaign,
  type ColumnMapping,
  type RevenueImportPreview,
  type RevenueImportReport,
  type RevenueImportRequest,
} from '../backend';
import { invalidateMoney, queryKeys } from '../queries';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { CurrencyList, KindOptions } from './MoneyOptions';
import { formatCount } from '../lib/analytics';
import { rowCount } from '../lib/money';

export const IMPORT_FIELDS = [
  { field: 'amount', label: 'Amount', required: true },
  { field: 'date', label: 'Date', required: true },
  { field: 'currency', label: 'Currency', required: false },
  { field: 'kind', label: 'Kind', required: false },
  { field: 'note', label: 'Note', required: false },
  { field: 'external_id', label: 'Transaction id', required: false },
] as const;
type TargetField = (typeof IMPORT_FIELDS)[number]['field'];

type Mapping = Record<TargetField, string>;

const DELIMITERS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };


function mappingFrom(suggested: ColumnMapping[]): Mapping {
  const m: Mapping = { amount: '', date: '', currency: '', kind: '', note: '', external_id: '' };
  for (const s of suggested) if (s.field in m) m[s.field as TargetField] = s.column;
  return m;
}

/** Inline problems of a mapping: required fields and a column used twice. */
export function mappingErrors(m: Mapping): Partial<Record<TargetField, string>> {
  const errors: Partial<Record<TargetField, string>> = {};
  for (const f of IMPORT_FIELDS) {
    if (f.required && m[f.field] === '') errors[f.field] = `Choose the column that holds the ${f.label.toLowerCase()}.`;
  }
  for (const f of IMPORT_FIELDS) {
    const col = m[f.field];
    const first = IMPORT_FIELDS.find((g) => m[g.field] === col);
    if (col !== '' && first && first.field !== f.field) errors[f.field] = `“${col}” is already mapped to ${first.label.toLowerCase()}.`;
  }
  return errors;
}

type Step = 'preview' | 'map' | 'check' | 'done';
const STEPS: { step: Step; label: string }[] = [
  { step: 'preview', label: 'Preview' },
  { step: 'map', label: 'Map columns' },
  { step: 'check', label: 'Check' },
  { step: 'done', label: 'Import' },
];

type Props = { campaign: Campaign; path: string; onClose: () => void };

export function RevenueImport({ campaign, path, onClose }: Props) {
  const backend = useBackend();
  const preview = useQuery({
    queryKey: queryKeys.revenueImportPreview(path),
    queryFn: () => backend.revenueImportPreview(path),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const fileName = path.split(/[\\/]/).pop() ?? path;
  return (
    <Dialog title={`Import payouts into ${campaign.name}`} description={<span className="path">{fileName}</span>} size="wide"
      onClose={onClose} testId="revenue-import">
      {preview.isPending ? (
        <p className="state-message" role="status">
          Reading {fileName}…
        </p>
      ) : preview.isError ? (
        <>
          <ErrorBanner message={`Could not read the file: ${toApiError(preview.error).message}`} />
          <footer className="dialog-footer">
            <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
              Close
            </button>
          </footer>
        </>
      ) : (
        <ImportSteps campaign={campaign} path={path} preview={preview.data} onClose={onClose} />
      )}
    </Dialog>
  );
}

function ImportSteps({ campaign, path, preview, onClose }: Props & { preview: RevenueImportPreview }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('preview');
  const [mapping, setMapping] = useState<Mapping>(() => mappingFrom(preview.suggested));
  const [currency, setCurrency] = useState(campaign.currency ?? '');
  const [kind, setKind] = useState('payout');
  const [showErrors, setShowErrors] = useState(false);
  const [dry, setDry] = useState<RevenueImportReport | null>(null);
  const [result, setResult] = useState<RevenueImportReport | null>(null);

  const request = (dryRun: boolean): RevenueImportRequest => ({
    campaign_id: campaign.id,
    path,
    mapping: IMPORT_FIELDS.filter((f) => mapping[f.field] !== '').map((f) => ({ column: mapping[f.field], field: f.field })),
    currency: mapping.currency === '' && currency.trim() !== '' ? currency.trim() : null,
    kind: mapping.kind === '' ? kind : null,
    dry_run: dryRun,
  });

  const check = useMutation({
    mutationFn: () => backend.revenueImport(request(true)),
    onSuccess: (r) => {
      setDry(r);
      setStep('check');
    },
  });
  const run = useMutation({
    mutationFn: () => backend.revenueImport(request(false)),
    onSuccess: async (r) => {
      setResult(r);
      setStep('done');
      await invalidateMoney(queryClient);
    },
  });

  const errors = mappingErrors(mapping);
  const noCurrency = mapping.currency === '' && currency.trim() === '';
  const submitCheck = () => {
    setShowErrors(true);
    if (Object.keys(errors).length > 0 || noCurrency) return;
    check.mutate();
  };

  const current = STEPS.findIndex((s) => s.step === step);
  return (
    <div className="payout-steps">
      <ol className="payout-step-list" aria-label="Import steps">
        {STEPS.map((s, i) => (
          <li key={s.step} className={i === current ? 'is-current' : i < current ? 'is-done' : undefined}
            aria-current={i === current ? 'step' : undefined}>
            <span className="step-number" aria-hidden="true">{i + 1}</span> {s.label}
          </li>
        ))}
      </ol>

      {step === 'preview' && (
        <section aria-label="Preview" data-testid="import-preview">
          <p className="payout-facts" data-testid="import-facts">
            {rowCount(preview.total_rows)} · {preview.encoding} · separated by {DELIMITERS[preview.delimiter] ?? `“${preview.delimiter}”`}
          </p>
          <PreviewTable preview={preview} />
          <footer className="dialog-footer">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setStep('map')} data-testid="import-next" data-autofocus>
              Next: map columns
            </button>
          </footer>
        </section>
      )}

      {step === 'map' && (
        <section aria-label="Map columns" data-testid="import-mapping">
          <p className="muted">Which column holds what? The guesses come from the column names; amount and date are needed.</p>
          {check.isError && <ErrorBanner message={toApiError(check.error).message} />}
          <div className="mapping-grid">
            {IMPORT_FIELDS.map((f) => (
              <Field key={f.field} label={f.label} name={`map-${f.field}`} required={f.required}
                error={showErrors ? errors[f.field] : undefined}>
                {({ id, describedBy, invalid }) => (
                  <select id={id} className="select" data-testid={`map-${f.field}`} value={mapping[f.field]}
                    aria-invalid={invalid} aria-describedby={describedBy} aria-required={f.required}
                    onChange={(e) => setMapping((m) => ({ ...m, [f.field]: e.target.value }))}>
                    <option value="">{f.required ? 'Choose a column…' : '— not in the file —'}</option>
                    {preview.headers.map((h) => (
                      <option key={h} value={h}>
                        {h}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
            {mapping.currency === '' && (
              <Field label="Currency of every row" name="import-currency" required
                error={showErrors && noCurrency ? 'Give the currency of the whole file, or map a currency column.' : undefined}>
                {({ id, describedBy, invalid }) => (
                  <>
                    <input id={id} type="text" maxLength={3} list={`${id}-list`} data-testid="import-currency" value={currency}
                      onChange={(e) => setCurrency(e.target.value.toUpperCase())} aria-invalid={invalid} aria-describedby={describedBy}
                      autoComplete="off" spellCheck={false} />
                    <CurrencyList id={`${id}-list`} />
                  </>
                )}
              </Field>
            )}
            {mapping.kind === '' && (
              <Field label="Kind of every row" name="import-kind">
                {({ id }) => (
                  <select id={id} className="select" data-testid="import-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                    <KindOptions />
                  </select>
                )}
              </Field>
            )}
          </div>
          <footer className="dialog-footer">
            <button type="button" className="btn btn-ghost" onClick={() => setStep('preview')}>
              Back
            </button>
            <button type="button" className="btn btn-primary" onClick={submitCheck} disabled={check.isPending} data-testid="import-check">
              {check.isPending ? 'Checking…' : 'Check rows'}
            </button>
          </footer>
        </section>
      )}

      {step === 'check' && dry && (
        <section aria-label="Check" data-testid="import-check-summary">
          <ImportSummary report={dry} />
          {run.isError && <ErrorBanner message={toApiError(run.error).message} />}
          <footer className="dialog-footer">
            <button type="button" className="btn btn-ghost" onClick={() => setStep('map')}>
              Back to mapping
            </button>
            <button type="button" className="btn btn-primary" onClick={() => run.mutate()} disabled={run.isPending || dry.imported === 0}
              data-testid="import-run" data-autofocus>
              {run.isPending ? 'Importing…' : dry.imported === 0 ? 'Nothing new to import' : `Import ${rowCount(dry.imported)}`}
            </button>
          </footer>
        </section>
      )}

      {step === 'done' && result && (
        <section aria-label="Result" data-testid="import-result">
          <ImportSummary report={result} />
          <footer className="dialog-footer">
            <button type="button" className="btn btn-primary" onClick={onClose} data-testid="import-close" data-autofocus>
              Done
            </button>
          </footer>
        </section>
      )}
    </div>
  );
}

function PreviewTable({ preview }: { preview: RevenueImportPreview }) {
  const shown = preview.rows.slice(0, 8);
  return (
    <div className="table-wrap payout-preview-table">
      <table className="table table-compact">
        <caption className="sr-only">First rows of the file</caption>
        <thead>
          <tr>
            {preview.headers.map((h, i) => (
              <th scope="col" key={`${h}-${i}`}>
                {h || <span className="muted">(no name)</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>
              {preview.headers.map((_, j) => (
                <td key={j}>{r[j] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {preview.total_rows > shown.length && (
        <p className="field-hint">First {shown.length} of {rowCount(preview.total_rows)}.</p>
      )}
    </div>
  );
}

/** The dry run's and the import's numbers, and each bad row with its line and reason. */
export function ImportSummary({ report }: { report: RevenueImportReport }) {
  const headingId = useId();
  const bad = report.rejected.length;
  return (
    <div className="payout-summary" data-testid="import-summary">
      <ul className="payout-counts" role="status">
        <li data-testid="import-good">
          {report.dry_run ? `${rowCount(report.imported)} ready to import` : `${rowCount(report.imported)} imported`}
        </li>
        {report.duplicates > 0 && <li data-testid="import-duplicates">{formatCount(report.duplicates)} already imported</li>}
        {bad > 0 && (
          <li className="payout-bad" data-testid="import-bad">
            {rowCount(bad)} with problems{report.dry_run ? ' (skipped)' : ' skipped'}
          </li>
        )}
      </ul>
      {bad > 0 && (
        <>
          <h4 id={headingId}>Rows with problems</h4>
          <div className="table-wrap">
            <table className="table table-compact" aria-labelledby={headingId} data-testid="import-rejected">
              <thead>
                <tr>
                  <th scope="col" className="num">Line</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((p) => (
                  <tr key={`${p.line}-${p.code}`} data-testid="import-rejected-row">
                    <td className="num">{p.line}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
