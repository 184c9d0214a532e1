/**
 * New / edit campaign form. Validation is the backend's job: the form sends
 * what the user typed and places the returned error next to the right field
 * by its `code` (never by message text).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError, useBackend, type ApiError, type Campaign } from '../backend';
import { queryKeys, useAppInfo, useTimezones } from '../queries';
import {
  emptyValues,
  fieldForError,
  toInput,
  toPatch,
  valuesFromCampaign,
  type ErrorField,
  type FormValues,
  type TextField,
} from './campaignFormModel';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'INR', 'BRL'];

type Props = {
  /** The campaign to edit; omit to create a new one. */
  campaign?: Campaign;
  onSaved: (campaign: Campaign) => void;
  onCancel: () => void;
};

type ServerError = { field: ErrorField | null; error: ApiError };

export function CampaignForm({ campaign, onSaved, onCancel }: Props) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const appInfo = useAppInfo();
  const timezones = useTimezones();
  const defaultTz = appInfo.data?.default_timezone ?? '';
  const [values, setValues] = useState<FormValues>(() =>
    campaign ? valuesFromCampaign(campaign) : emptyValues(defaultTz),
  );
  const [serverError, setServerError] = useState<ServerError | null>(null);
  const tzTouched = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  // The default time zone may arrive after the form opened.
  useEffect(() => {
    if (!campaign && !tzTouched.current && defaultTz) setValues((v) => (v.timezone ? v : { ...v, timezone: defaultTz }));
  }, [campaign, defaultTz]);

  const save = useMutation({
    mutationFn: (v: FormValues) =>
      campaign ? backend.campaignUpdate(campaign.id, toPatch(campaign, v)) : backend.campaignCreate(toInput(v)),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.campaigns });
      onSaved(saved);
    },
    onError: (err, v) => {
      const error = toApiError(err);
      setServerError({ field: fieldForError(error, v), error });
      if (error.code === 'conflict' || error.code === 'not_found') {
        void queryClient.invalidateQueries({ queryKey: queryKeys.campaigns });
      }
    },
  });

  // Move focus to the field the backend complained about (or back to Save).
  const pending = save.isPending;
  useEffect(() => {
    if (!serverError || pending) return; // disabled controls cannot take focus
    const selector = serverError.field ? `[data-field="${serverError.field}"]` : '[data-testid="campaign-save"]';
    formRef.current?.querySelector<HTMLElement>(selector)?.focus();
  }, [serverError, pending]);

  const errorFor = (field: ErrorField) => (serverError?.field === field ? serverError.error.message : undefined);

  const set = (field: TextField) => (e: { target: { value: string } }) => {
    const value = field === 'currency' ? e.target.value.toUpperCase() : e.target.value;
    if (field === 'timezone') tzTouched.current = true;
    setValues((v) => ({ ...v, [field]: value }));
    if (serverError?.field === field || (field === 'starts' && serverError?.field === 'ends')) setServerError(null);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    setServerError(null);
    save.mutate(values);
  };

  const banner = serverError && serverError.field === null ? serverError.error : null;

  return (
    <form ref={formRef} className="form" onSubmit={onSubmit} noValidate aria-busy={pending}>
      {banner && (
        <ErrorBanner
          message={banner.code === 'conflict' ? `${banner.message} Close this form and open it again to see the latest version.` : banner.message}
        />
      )}
      <fieldset className="form-grid" disabled={pending}>
        <Field label="Name" name="name" required error={errorFor('name')} className="span-2">
          {({ id, describedBy, invalid }) => (
            <input id={id} data-testid="campaign-name" data-field="name" data-autofocus type="text" value={values.name}
              onChange={set('name')} aria-required="true" aria-invalid={invalid} aria-describedby={describedBy} autoComplete="off" />
          )}
        </Field>
        <Field label="Goal" name="goal" className="span-2" hint="What does success look like?">
          {({ id, describedBy }) => (
            <input id={id} data-testid="campaign-goal" type="text" value={values.goal} onChange={set('goal')} aria-describedby={describedBy} autoComplete="off" />
          )}
        </Field>
        <Field label="Start date" name="starts" error={errorFor('starts')}>
          {({ id, describedBy, invalid }) => (
            <input id={id} data-testid="campaign-starts" data-field="starts" type="date" placeholder="YYYY-MM-DD" value={values.starts}
              onChange={set('starts')} aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Field>
        <Field label="End date" name="ends" error={errorFor('ends')}>
          {({ id, describedBy, invalid }) => (
            <input id={id} data-testid="campaign-ends" data-field="ends" type="date" placeholder="YYYY-MM-DD" value={values.ends}
              onChange={set('ends')} aria-invalid={invalid} aria-describedby={describedBy} />
          )}
        </Field>
        <Field label="Time zone" name="timezone" error={errorFor('timezone')} className="span-2"
          hint={defaultTz ? `Dates are interpreted in this zone. Default: ${defaultTz}.` : undefined}>
          {({ id, describedBy, invalid }) => (
            <>
              <input id={id} data-testid="campaign-timezone" data-field="timezone" type="text" list={`${id}-list`}
                value={values.timezone} onChange={set('timezone')} aria-invalid={invalid} aria-describedby={describedBy}
                autoComplete="off" spellCheck={false} placeholder={defaultTz || 'Region/City'} />
              <datalist id={`${id}-list`}>
                {(timezones.data ?? []).map((tz) => (
                  <option key={tz} value={tz} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <div className="field span-2 checkbox-field">
          <label>
            <input type="checkbox" data-testid="campaign-sponsored" checked={values.sponsored}
              onChange={(e) => setValues((v) => ({ ...v, sponsored: e.target.checked }))} />
            Sponsored
          </label>
        </div>
        <Field label="Budget" name="budget" error={errorFor('budget')} hint="Amount, e.g. 1500.00">
          {({ id, describedBy, invalid }) => (
            <input id={id} data-testid="campaign-budget" data-field="budget" type="text" inputMode="decimal" value={values.budget}
              onChange={set('budget')} aria-invalid={invalid} aria-describedby={describedBy} autoComplete="off" placeholder="0.00" />
          )}
        </Field>
        <Field label="Currency" name="currency" error={errorFor('currency')} hint="ISO code, e.g. EUR">
          {({ id, describedBy, invalid }) => (
            <>
              <input id={id} data-testid="campaign-currency" data-field="currency" type="text" list={`${id}-list`} maxLength={3}
                value={values.currency} onChange={set('currency')} aria-invalid={invalid} aria-describedby={describedBy}
                autoComplete="off" spellCheck={false} />
              <datalist id={`${id}-list`}>
                {CURRENCIES.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Notes" name="notes" className="span-2">
          {({ id }) => <textarea id={id} data-testid="campaign-notes" rows={3} value={values.notes} onChange={set('notes')} />}
        </Field>
      </fieldset>
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" data-testid="campaign-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" data-testid="campaign-save" disabled={pending} aria-disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </button>
      </footer>
    </form>
  );
}
