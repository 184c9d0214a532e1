/**
 * The campaign form's pure logic: values ⇄ API payloads, and which field an
 * API error belongs to. Kept out of the component so it is easy to test.
 */
import type { ApiError, Campaign, CampaignInput, CampaignPatch } from '../backend';
import { isValidDate } from '../lib/format';

export type FormValues = {
  name: string;
  goal: string;
  starts: string;
  ends: string;
  timezone: string;
  sponsored: boolean;
  budget: string;
  currency: string;
  notes: string;
};

export type TextField = Exclude<keyof FormValues, 'sponsored'>;
/** Fields that can carry a server-side error message. */
export type ErrorField = 'name' | 'starts' | 'ends' | 'timezone' | 'budget' | 'currency';

export function emptyValues(defaultTimezone: string): FormValues {
  return { name: '', goal: '', starts: '', ends: '', timezone: defaultTimezone, sponsored: false, budget: '', currency: '', notes: '' };
}

export function valuesFromCampaign(c: Campaign): FormValues {
  return {
    name: c.name,
    goal: c.goal ?? '',
    starts: c.starts_on ?? '',
    ends: c.ends_on ?? '',
    timezone: c.timezone,
    sponsored: c.sponsored,
    budget: c.budget ?? '',
    currency: c.currency ?? '',
    notes: c.notes ?? '',
  };
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export function toInput(v: FormValues): CampaignInput {
  return {
    name: v.name.trim(),
    goal: orNull(v.goal),
    starts_on: orNull(v.starts),
    ends_on: orNull(v.ends),
    timezone: orNull(v.timezone), // null = the app's default time zone
    sponsored: v.sponsored,
    budget: orNull(v.budget),
    currency: orNull(v.currency.toUpperCase()),
    notes: orNull(v.notes),
  };
}

/**
 * Only changed fields are sent: null = leave unchanged, "" = clear. The
 * version the form was loaded with lets the backend detect a conflict.
 */
export function toPatch(original: Campaign, v: FormValues): CampaignPatch {
  const changed = (next: string, prev: string | null): string | null =>
    next.trim() === (prev ?? '') ? null : next.trim();
  return {
    name: changed(v.name, original.name),
    goal: changed(v.goal, original.goal),
    starts_on: changed(v.starts, original.starts_on),
    ends_on: changed(v.ends, original.ends_on),
    timezone: changed(v.timezone, original.timezone),
    sponsored: v.sponsored === original.sponsored ? null : v.sponsored,
    budget: changed(v.budget, original.budget),
    currency: changed(v.currency.toUpperCase(), original.currency),
    notes: changed(v.notes, original.notes),
    expected_version: original.version,
  };
}

/** Where to show an API error; null means "not a field problem": use the banner. */
export function fieldForError(err: ApiError, v: FormValues): ErrorField | null {
  switch (err.code) {
    case 'invalid_name':
      return 'name';
    case 'invalid_timezone':
      return 'timezone';
    case 'invalid_date': {
      const start = v.starts.trim();
      return start !== '' && !isValidDate(start) ? 'starts' : 'ends';
    }
    case 'invalid_date_range':
      return 'ends';
    case 'invalid_budget':
      return 'budget';
    case 'invalid_currency':
      return 'currency';
    default:
      return null;
  }
}
