/**
 * Revenue, cost, net and ROI per currency. Currencies are never added up unless the creator set
 * exchange rates covering all of them; then one more "All in <base>" row appears.
 */
import type { RevenueSummary } from '../backend';
import { formatMoney } from '../lib/format';
import { formatRoi } from '../lib/money';

/** The test ids a money table's rows carry, so each screen keeps its own. */
export interface MoneyTableIds {
  table?: string;
  row: string;
  roi: string;
  converted: string;
  convertedRoi?: string;
}

const MONEY_IDS: MoneyTableIds = { table: 'money-totals', row: 'money-total', roi: 'money-roi', converted: 'money-total-converted', convertedRoi: 'money-roi-converted' };

/** One row per currency and, when rates cover them all, an "All in <base>" row. Shared by the Money dialog and Analytics. */
export function MoneyTable({ summary, caption, className, testIds: ids, noCostTitle }: {
  summary: RevenueSummary;
  caption: string;
  className?: string;
  testIds: MoneyTableIds;
  noCostTitle: string;
}) {
  const c = summary.converted;
  return (
    <table className={`table ${className ?? ''}`.trim()} data-testid={ids.table}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Currency</th>
          <th scope="col" className="num">Revenue</th>
          <th scope="col" className="num">Cost</th>
          <th scope="col" className="num">Net</th>
          <th scope="col" className="num" title="(revenue − cost) ÷ cost">ROI</th>
        </tr>
      </thead>
      <tbody>
        {summary.currencies.map((m) => (
          <tr key={m.currency} data-testid={ids.row} data-currency={m.currency}>
            <th scope="row">{m.currency}</th>
            <td className="num">{formatMoney(m.revenue, m.currency)}</td>
            <td className="num">{formatMoney(m.cost, m.currency)}</td>
            <td className="num">{formatMoney(m.net, m.currency)}</td>
            <td className="num" data-testid={ids.roi} title={m.roi === null ? noCostTitle : undefined}>
              {formatRoi(m.roi)}
            </td>
          </tr>
        ))}
        {c && summary.currencies.length > 1 && (
          <tr className="money-converted" data-testid={ids.converted} data-currency={c.base}>
            <th scope="row">All in {c.base}</th>
            <td className="num">{formatMoney(c.revenue, c.base)}</td>
            <td className="num">{formatMoney(c.cost, c.base)}</td>
            <td className="num">{formatMoney(c.net, c.base)}</td>
            <td className="num" data-testid={ids.convertedRoi}>
              {formatRoi(c.roi)}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function MoneyTotals({ summary }: { summary: RevenueSummary }) {
  if (summary.currencies.length === 0) {
    return (
      <p className="muted" data-testid="money-totals-empty">
        No revenue or costs yet. ROI appears once there is a cost to compare with.
      </p>
    );
  }
  const c = summary.converted;
  return (
    <div className="table-wrap">
      <MoneyTable summary={summary} caption="Totals per currency" className="money-totals" testIds={MONEY_IDS}
        noCostTitle="No cost recorded in this currency" />
      {summary.currencies.length > 1 && !c && (
        <p className="field-hint" data-testid="money-no-rates">
          {summary.missing_rates.length > 0
            ? `No exchange rate for ${summary.missing_rates.join(', ')}: currencies are shown separately. Add rates in Settings → Exchange rates.`
            : 'Currencies are shown separately. Set exchange rates in Settings to see one total.'}
        </p>
      )}
    </div>
  );
}
