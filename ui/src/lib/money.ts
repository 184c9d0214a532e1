/** Money display shared by the campaign Money view, the import flow and Settings. */
import { dayKey } from './calendar';

export const REVENUE_KINDS = ['sponsorship', 'affiliate', 'payout', 'other', 'cost'] as const;
export type RevenueKind = (typeof REVENUE_KINDS)[number];

export const KIND_LABELS: Record<RevenueKind, string> = {
  sponsorship: 'Sponsorship',
  affiliate: 'Affiliate',
  payout: 'Platform payout',
  other: 'Other income',
  cost: 'Cost',
};

export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

/** Common codes offered in pickers; any ISO 4217 code can be typed. */
export const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'INR', 'BRL'];

const roiFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** 1.5 → "+150%"; null (no cost, or currencies that cannot be combined) → "—". */
export function formatRoi(roi: number | null): string {
  return roi === null || !Number.isFinite(roi) ? '—' : roiFormat.format(roi);
}

const countFormat = new Intl.NumberFormat();

/** "1 row" / "1,204 rows". */
export function rowCount(n: number): string {
  return `${countFormat.format(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** Today as YYYY-MM-DD on this machine (the form's default; the backend has its own). */
export function todayLocal(now: Date = new Date()): string {
  return dayKey(now);
}

/** A file name from a campaign name: "Spring launch!" → "spring-launch". */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'campaign';
}
