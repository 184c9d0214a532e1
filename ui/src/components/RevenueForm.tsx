/**
 * Adds one revenue or cost entry to a campaign. Like the campaign form, validation is the
 * backend's job: the error comes back with a stable code and is placed at its field.
 *
 * The currency starts as the one of the campaign's most recent entry (the list is newest first),
 * else the campaign's budget currency, else empty. It follows the list until the user edits it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError, useBackend, type ApiError, type Campaign, type ErrorCode, type RevenueEntry } from '../backend';
import { todayLocal } from '../lib/money';
import { invalidateMoney, useRevenueList } from '../queries';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { CurrencyList, KindOptions } from './MoneyOptions';

type FieldName = 'kind' | 'amount' | 'currency' | 'date' | 'note';

/** Which field each code of `revenue_add` is about; anything else is shown above the form. */
const FIELD_FOR: Partial<Record<ErrorCode, FieldName>> = {
  invalid_kind: 'kind',
  invalid_amount: 'amount',
  invalid_currency: 'currency',
  invalid_date: 'date',
  invalid_input: 'note', // only a note over 2,000 characters
};

type Values = Record<FieldName, string>;

type Props = {
  campaign: Campaign;
  onAdded?: (entry: RevenueEntry) => void;
};

export function RevenueForm({ campaign, onAdded }: Props) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const entries = useRevenueList(campaign.id);
  const [values, setValues] = useState<Values>(() => ({
    kind: 'sponsorship',
    amount: '',
    currency: '',
    date: todayLocal(),
    note: '',
  }));
  // Until the user types a currency, it is the suggested one (which may arrive with the entries).
  const [currencyEdited, setCurrencyEdited] = useState(false);
  const currency = currencyEdited ? values.currency : (entries.data?.[0]?.currency ?? campaign.currency ?? '');
  const [error, setError] = useState<{ field: FieldName | null; error: ApiError } | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const add = useMutation({
    mutationFn: (v: Values) =>
      backend.revenueAdd({
        campaign_id: campaign.id,
        kind: v.kind,
        amount: v.amount,
        currency: v.currency,
        occurred_on: v.date.trim() === '' ? null : v.date,
        note: v.note.trim() === '' ? null : v.note,
      }),
    onSuccess: async (entry) => {
      await invalidateMoney(queryClient);
      setValues((v) => ({ ...v, amount: '', note: '' }));
      setAdded(entry.kind === 'cost' ? 'Cost added.' : 'Revenue added.');
      onAdded?.(entry);
      formRef.current?.querySelector<HTMLElement>('[data-field="amount"]')?.focus();
    },
    onError: (err) => {
      const e = toApiError(err);
      setError({ field: FIELD_FOR[e.code] ?? null, error: e });
    },
  });

  const pending = add.isPending;
  useEffect(() => {
    if (!error?.field || pending) return;
    formRef.current?.querySelector<HTMLElement>(`[data-field="${error.field}"]`)?.focus();
  }, [error, pending]);

  const errorFor = (f: FieldName) => (error?.field === f ? error.error.message : undefined);
  const set = (f: FieldName) => (e: { target: { value: string } }) => {
    const value = f === 'currency' ? e.target.value.toUpperCase() : e.target.value;
    setValues((v) => ({ ...v, [f]: value }));
    if (f === 'currency') setCurrencyEdited(true);
    setAdded(null);
    if (error?.field === f) setError(null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    setError(null);
    setAdded(null);
    add.mutate({ ...values, currency });
  };

  return (
    <form ref={formRef} className="money-form" onSubmit={submit} noValidate aria-busy={pending} aria-labelledby="money-add-title"
      data-testid="revenue-form">
      <h3 id="money-add-title">Add an entry</h3>
      {error && error.field === null && <ErrorBanner message={error.error.message} />}
      <fieldset className="money-form-grid" disabled={pending}>
        <Field label="Kind" name="revenue-kind" error={errorFor('kind')}>
          {({ id, describedBy, invalid }) => (
            <select id={id} className="select" data-field="kind" data-testid="revenue-kind" value={values.kind} onChange={set('kind')}
              aria-invalid={invalid} aria-describedby={describedBy}>
              <KindOptions />
            </select>
          )}
        </Field>
        <Field label="Amount" name="revenue-amount" error={errorFor('amount')} required hint="Positive; costs are their own kind.">
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" inputMode="decimal" data-field="amount" data-testid="revenue-amount" value={values.amount}
              onChange={set('amount')} aria-required="true" aria-invalid={invalid} aria-describedby={describedBy} autoComplete="off"
              placeholder="0.00" />
          )}
        </Field>
        <Field label="Currency" name="revenue-currency" error={errorFor('currency')} required hint="ISO code, e.g. EUR">
          {({ id, describedBy, invalid }) => (
            <>
              <input id={id} type="text" list={`${id}-list`} maxLength={3} data-field="currency" data-testid="revenue-currency"
                value={currency} onChange={set('currency')} aria-required="true" aria-invalid={invalid}
                aria-describedby={describedBy} autoComplete="off" spellCheck={false} />
              <CurrencyList id={`${id}-list`} />
            </>
          )}
        </Field>
        <Field label="Date" name="revenue-date" error={errorFor('date')} hint="Empty: today in the campaign's time zone.">
          {({ id, describedBy, invalid }) => (
            <input id={id} type="date" data-field="date" data-testid="revenue-date" value={values.date} onChange={set('date')}
              aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Field>
        <Field label="Note" name="revenue-note" error={errorFor('note')} className="money-note">
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" data-field="note" data-testid="revenue-note" value={values.note} onChange={set('note')}
              aria-invalid={invalid} aria-describedby={describedBy} autoComplete="off" placeholder="e.g. Brand deal, invoice 2026-014" />
          )}
        </Field>
      </fieldset>
      <div className="money-form-actions">
        <button type="submit" className="btn btn-primary" data-testid="revenue-add" disabled={pending}>
          {pending ? 'Adding…' : 'Add'}
        </button>
        <span className="muted" role="status" data-testid="revenue-added">
          {added ?? ''}
        </span>
      </div>
    </form>
  );
}
