/** Display helpers and the one date check shared by the form and the memory backend. */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written as YYYY-MM-DD. */
export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2025-03-01" → "1 Mar 2025" (locale-dependent); unparseable input is shown as-is. */
export function formatDate(value: string): string {
  if (!isValidDate(value)) return value;
  return dateFormat.format(new Date(`${value}T00:00:00Z`));
}

export function formatDateRange(starts: string | null, ends: string | null): string {
  if (starts && ends) return `${formatDate(starts)} – ${formatDate(ends)}`;
  if (starts) return `From ${formatDate(starts)}`;
  if (ends) return `Until ${formatDate(ends)}`;
  return 'No dates';
}

/** "1500.00" + "EUR" → "€1,500.00"; falls back to "1500.00 EUR" for unknown codes. */
export function formatMoney(amount: string, currency: string | null): string {
  if (!currency) return amount;
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}
