/**
 * Exchange rates: with a base currency and a rate for every other currency a campaign earned
 * or spent in, totals and ROI are also shown as one converted sum. Without them currencies are
 * always kept apart. Shapes are checked here so errors sit at their row; the backend checks
 * the codes against ISO 4217 and the rates again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toApiError, useBackend, type RevenueRates } from '../backend';
import { invalidateMoney, queryKeys, useRates } from '../queries';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

const CODE_RE = /^[A-Z]{3}$/;

type Row = { key: number; code: string; rate: string };

export function RatesSettings() {
  const rates = useRates();
  return (
    <section className="card" aria-labelledby="settings-rates" data-testid="rates-settings">
      <h2 id="settings-rates">Exchange rates</h2>
      <p className="muted">
        Revenue in different currencies is never added up on a guess. Set what one unit of each currency is worth in your base
        currency to see converted totals and one ROI.
      </p>
      {rates.isPending ? (
        <p role="status">Loading…</p>
      ) : rates.isError ? (
        <ErrorBanner message={toApiError(rates.error).message} onRetry={() => void rates.refetch()} />
      ) : (
        <RatesForm initial={rates.data} />
      )}
    </section>
  );
}

let nextKey = 0;
const rowsOf = (r: RevenueRates | null): Row[] =>
  Object.entries(r?.rates ?? {}).map(([code, rate]) => ({ key: nextKey++, code, rate: rate === undefined ? '' : String(rate) }));

type Errors = { base?: string; rows: Record<number, string> };

export function validateRates(base: string, rows: Row[]): Errors {
  const errors: Errors = { rows: {} };
  const b = base.trim().toUpperCase();
  if (!CODE_RE.test(b)) errors.base = 'A three-letter ISO 4217 code, e.g. EUR.';
  const seen = new Set<string>();
  for (const r of rows) {
    const code = r.code.trim().toUpperCase();
    const rate = Number(r.rate.trim().replace(',', '.'));
    if (!CODE_RE.test(code)) errors.rows[r.key] = 'Currency: a three-letter code, e.g. USD.';
    else if (code === b) errors.rows[r.key] = `${code} is the base currency; it needs no rate.`;
    else if (seen.has(code)) errors.rows[r.key] = `${code} is listed twice.`;
    else if (r.rate.trim() === '' || !Number.isFinite(rate) || rate <= 0) errors.rows[r.key] = 'Rate: a positive number, e.g. 0.92.';
    seen.add(code);
  }
  return errors;
}

function RatesForm({ initial }: { initial: RevenueRates | null }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [base, setBase] = useState(initial?.base ?? '');
  const [rows, setRows] = useState<Row[]>(() => rowsOf(initial));
  const [errors, setErrors] = useState<Errors>({ rows: {} });
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (r: RevenueRates) => backend.revenueRatesSet(r),
    onSuccess: async (r) => {
      queryClient.setQueryData(queryKeys.rates, r);
      // Converted totals depend on the rates.
      await invalidateMoney(queryClient);
      setBase(r.base);
      setRows(rowsOf(r));
      setSaved(true);
    },
  });

  const edit = () => setSaved(false);
  const setRow = (key: number, patch: Partial<Row>) => {
    edit();
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateRates(base, rows);
    setErrors(found);
    if (found.base || Object.keys(found.rows).length > 0) {
      const first = found.base ? '[data-testid="rates-base"]' : `[data-row-key="${Object.keys(found.rows)[0]}"] input`;
      (e.currentTarget as HTMLFormElement).querySelector<HTMLElement>(first)?.focus();
      return;
    }
    const clean: Record<string, number> = {};
    for (const r of rows) clean[r.code.trim().toUpperCase()] = Number(r.rate.trim().replace(',', '.'));
    save.mutate({ base: base.trim().toUpperCase(), rates: clean });
  };

  const b = base.trim().toUpperCase() || 'base';
  return (
    <form className="rates-form" onSubmit={submit} noValidate data-testid="rates-form">
      {save.isError && <ErrorBanner message={toApiError(save.error).message} />}
      <Field label="Base currency" name="rates-base" error={errors.base} className="rates-base" hint="Totals are converted into this currency.">
        {({ id, describedBy, invalid }) => (
          <input id={id} type="text" maxLength={3} data-testid="rates-base" value={base} autoComplete="off" spellCheck={false}
            aria-invalid={invalid} aria-describedby={describedBy}
            onChange={(e) => {
              edit();
              setBase(e.target.value.toUpperCase());
            }} />
        )}
      </Field>
      <fieldset className="plain-fieldset">
        <legend>Rates</legend>
        {rows.length === 0 ? (
          <p className="muted" data-testid="rates-empty">No rates yet.</p>
        ) : (
          <ul className="rate-rows">
            {rows.map((r, i) => {
              const err = errors.rows[r.key];
              const errId = `rate-error-${r.key}`;
              return (
                <li key={r.key} className="rate-row" data-testid="rate-row" data-row-key={r.key}>
                  <input type="text" maxLength={3} aria-label={`Currency ${i + 1}`} value={r.code} data-testid="rate-code" placeholder="USD"
                    autoComplete="off" spellCheck={false} aria-invalid={Boolean(err)} aria-describedby={err ? errId : undefined}
                    onChange={(e) => setRow(r.key, { code: e.target.value.toUpperCase() })} />
                  <input type="text" inputMode="decimal" aria-label={`1 ${r.code || 'unit'} in ${b}`} value={r.rate} data-testid="rate-value"
                    placeholder="0.92" autoComplete="off" aria-invalid={Boolean(err)} aria-describedby={err ? errId : undefined}
                    onChange={(e) => setRow(r.key, { rate: e.target.value })} />
                  <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove the ${r.code || 'empty'} rate`}
                    onClick={() => {
                      edit();
                      setRows((rs) => rs.filter((x) => x.key !== r.key));
                    }}>
                    Remove
                  </button>
                  {err && (
                    <p id={errId} className="field-error" data-testid="rate-error">
                      {err}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <p className="field-hint">Each rate is what 1 unit of that currency is worth in {b}.</p>
      </fieldset>
      <div className="compliance-actions">
        <button type="button" className="btn" data-testid="rates-add"
          onClick={() => {
            edit();
            setRows((rs) => [...rs, { key: nextKey++, code: '', rate: '' }]);
          }}>
          Add a currency
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="rates-save">
          {save.isPending ? 'Saving…' : 'Save rates'}
        </button>
        <span className="muted" role="status" data-testid="rates-status">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
