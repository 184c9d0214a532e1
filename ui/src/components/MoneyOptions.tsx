/**
 * Choices shared by the money forms (adding an entry, importing a payout export): the kinds of
 * entry, and the common currencies offered under a free-text currency field.
 */
import { COMMON_CURRENCIES, KIND_LABELS, REVENUE_KINDS } from '../lib/money';

/** `<option>`s for a kind `<select>`. */
export function KindOptions() {
  return (
    <>
      {REVENUE_KINDS.map((k) => (
        <option key={k} value={k}>
          {KIND_LABELS[k]}
        </option>
      ))}
    </>
  );
}

/** Suggestions for a currency input (`list={id}`); any ISO-4217 code can still be typed. */
export function CurrencyList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {COMMON_CURRENCIES.map((c) => (
        <option key={c} value={c} />
      ))}
    </datalist>
  );
}
