import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RevenueEntry, RevenueSummary } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import { formatRoi } from '../lib/money';
import { campaign, renderWithBackend } from '../test/render';
import { CampaignMoney } from './CampaignMoney';
import { MoneyTotals } from './MoneyTotals';
import { RatesSettings } from './RatesSettings';
import { mappingErrors, RevenueImport } from './RevenueImport';

const SPRING = campaign({ id: 'c-spring', name: 'Spring', currency: 'EUR', budget: '500.00' });

const entry = (over: Partial<RevenueEntry>): RevenueEntry => ({
  id: `r-${Math.random()}`,
  campaign_id: SPRING.id,
  kind: 'sponsorship',
  amount: '100.00',
  currency: 'EUR',
  occurred_on: '2026-03-01',
  note: null,
  imported: false,
  created_at: '2026-03-01T00:00:00Z',
  version: 1,
  ...over,
});

function setup(seed: MemorySeed = {}, c = SPRING) {
  const backend = createMemoryBackend({ campaigns: [c], ...seed });
  const user = userEvent.setup();
  renderWithBackend(<CampaignMoney campaign={c} />, backend);
  return { backend, user };
}

/** Spring without a budget, so without a budget currency. */
const NO_BUDGET = { ...SPRING, currency: null, budget: null };

describe('formatRoi', () => {
  it('signs percentages and shows a dash without a cost', () => {
    expect(formatRoi(1.5)).toBe('+150%');
    expect(formatRoi(-0.25)).toBe('-25%');
    expect(formatRoi(0)).toBe('0%');
    expect(formatRoi(null)).toBe('—');
  });
});

describe('CampaignMoney', () => {
  it('has an empty state for entries and totals', async () => {
    setup();
    expect(await screen.findByTestId('revenue-empty')).toBeInTheDocument();
    expect(await screen.findByTestId('money-totals-empty')).toBeInTheDocument();
  });

  it('places backend errors at their field and focuses it', async () => {
    const { user, backend } = setup();
    await user.type(screen.getByLabelText(/^Amount/), '-5');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    const error = await screen.findByTestId('error-revenue-amount');
    expect(error).toHaveTextContent('An amount cannot be negative');
    const amount = screen.getByLabelText(/^Amount/);
    expect(amount).toHaveAttribute('aria-invalid', 'true');
    expect(amount).toHaveAccessibleDescription(error.textContent ?? '');
    await waitFor(() => expect(amount).toHaveFocus());

    await user.clear(amount);
    await user.type(amount, '5');
    await user.clear(screen.getByLabelText(/^Currency/));
    await user.type(screen.getByLabelText(/^Currency/), 'XYZ');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByTestId('error-revenue-currency')).toHaveTextContent('"XYZ" is not an ISO 4217 currency code');
    expect(screen.queryByTestId('error-revenue-amount')).not.toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
    expect(backend.dumpRevenue()).toHaveLength(0);
  });

  it('starts the currency from the most recent entry; the user can still change it', async () => {
    const { user, backend } = setup(
      {
        revenue: [
          // Entered last, but dated before the JPY payout: the list (newest first) puts JPY on top.
          entry({ currency: 'USD', occurred_on: '2026-03-02', created_at: '2026-03-09T00:00:00Z' }),
          entry({ kind: 'payout', amount: '3000', currency: 'JPY', occurred_on: '2026-03-05', created_at: '2026-03-05T00:00:00Z' }),
        ],
      },
      NO_BUDGET,
    );
    await waitFor(() => expect(screen.getByLabelText(/^Currency/)).toHaveValue('JPY'));
    await user.clear(screen.getByLabelText(/^Currency/));
    await user.type(screen.getByLabelText(/^Currency/), 'gbp');
    await user.type(screen.getByLabelText(/^Amount/), '12');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Revenue added.')).toBeInTheDocument();
    expect(backend.dumpRevenue().map((e) => e.currency)).toEqual(['USD', 'JPY', 'GBP']);
    // What the user chose stays for the next entry.
    expect(screen.getByLabelText(/^Currency/)).toHaveValue('GBP');
  });

  it('an entry’s currency wins over the budget currency', async () => {
    setup({ revenue: [entry({ currency: 'CHF' })] });
    await waitFor(() => expect(screen.getByLabelText(/^Currency/)).toHaveValue('CHF'));
  });

  it('without entries the currency is the budget currency, or empty without a budget', async () => {
    setup();
    expect(await screen.findByTestId('revenue-empty')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Currency/)).toHaveValue('EUR');
    cleanup();
    setup({}, NO_BUDGET);
    expect(await screen.findByTestId('revenue-empty')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Currency/)).toHaveValue('');
  });

  it('shows a campaign-level failure above the form, not at a field', async () => {
    const { user, backend } = setup();
    backend.failNext('revenueAdd', 'database_busy', 'The database is busy.');
    await user.type(screen.getByLabelText(/^Amount/), '5');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('The database is busy.');
  });

  it('lists entries with Intl amounts in their currency and a signed ROI', async () => {
    setup({
      revenue: [
        entry({ amount: '2500.00', note: 'Brand deal' }),
        entry({ kind: 'cost', amount: '1000.00', occurred_on: '2026-03-02' }),
        entry({ kind: 'payout', amount: '3000', currency: 'JPY', occurred_on: '2026-03-03' }),
      ],
    });
    const rows = await screen.findAllByTestId('revenue-row');
    expect(rows.map((r) => r.dataset.kind)).toEqual(['payout', 'cost', 'sponsorship']);
    expect(rows[0]).toHaveTextContent('¥3,000');
    expect(rows[1]).toHaveTextContent('−€1,000.00');
    const totals = await screen.findByTestId('money-totals');
    const eur = within(totals).getAllByTestId('money-total').find((r) => r.dataset.currency === 'EUR');
    expect(eur && within(eur).getByTestId('money-roi')).toHaveTextContent('+150%');
    const jpy = within(totals).getAllByTestId('money-total').find((r) => r.dataset.currency === 'JPY');
    expect(jpy && within(jpy).getByTestId('money-roi')).toHaveTextContent('—');
    expect(screen.getByTestId('money-no-rates')).toBeInTheDocument();
  });

  it('deletes after confirming and undoes by adding the entry again', async () => {
    const { user, backend } = setup({ revenue: [entry({ amount: '42.00', note: 'Tip' })] });
    await user.click(await screen.findByRole('button', { name: /Delete the sponsorship of €42\.00/ }));
    await user.click(screen.getByTestId('revenue-delete-confirm'));
    expect(await screen.findByTestId('revenue-empty')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByTestId('revenue-row')).toHaveTextContent('Tip');
    expect(backend.dumpRevenue().map((e) => [e.amount, e.deleted])).toEqual([['42.00', true], ['42.00', false]]);
  });
});

describe('MoneyTotals', () => {
  it('adds an "All in" row only when rates converted every currency', () => {
    const summary: RevenueSummary = {
      currencies: [
        { currency: 'EUR', revenue: '2500.00', cost: '1000.00', net: '1500.00', roi: 1.5, entries: 2 },
        { currency: 'USD', revenue: '100.00', cost: '0.00', net: '100.00', roi: null, entries: 1 },
      ],
      converted: { base: 'EUR', revenue: '2590.00', cost: '1000.00', net: '1590.00', roi: 1.59 },
      missing_rates: [],
      roi: 1.59,
    };
    renderWithBackend(<MoneyTotals summary={summary} />);
    expect(screen.getByTestId('money-total-converted')).toHaveTextContent('All in EUR');
    expect(screen.getByTestId('money-roi-converted')).toHaveTextContent('+159%');
    expect(screen.queryByTestId('money-no-rates')).not.toBeInTheDocument();
  });

  it('names the currencies that lack a rate', () => {
    renderWithBackend(
      <MoneyTotals summary={{
        currencies: [
          { currency: 'EUR', revenue: '1.00', cost: '0.00', net: '1.00', roi: null, entries: 1 },
          { currency: 'GBP', revenue: '1.00', cost: '0.00', net: '1.00', roi: null, entries: 1 },
        ],
        converted: null,
        missing_rates: ['GBP'],
        roi: null,
      }} />,
    );
    expect(screen.getByTestId('money-no-rates')).toHaveTextContent('No exchange rate for GBP');
  });
});

describe('RevenueImport mapping step', () => {
  const FILE = '/in/p.csv';
  const CSV = 'Paid;Sum;Cur\n2026-03-01;10,50;EUR\n2026-03-02;oops;EUR\n';

  it('prefills the suggestion, flags a missing required field at its select, and asks for the file currency', async () => {
    const backend = createMemoryBackend({ campaigns: [{ ...SPRING, currency: null }], files: { [FILE]: CSV } });
    const user = userEvent.setup();
    renderWithBackend(<RevenueImport campaign={{ ...SPRING, currency: null }} path={FILE} onClose={() => {}} />, backend);
    expect(await screen.findByTestId('import-facts')).toHaveTextContent('2 rows · UTF-8 · separated by semicolon');
    await user.click(screen.getByRole('button', { name: 'Next: map columns' }));
    expect(screen.getByTestId('map-amount')).toHaveValue('Sum');
    expect(screen.getByTestId('map-date')).toHaveValue('Paid');
    expect(screen.getByTestId('map-currency')).toHaveValue('');

    await user.selectOptions(screen.getByTestId('map-amount'), '');
    await user.click(screen.getByRole('button', { name: 'Check rows' }));
    expect(screen.getByTestId('error-map-amount')).toHaveTextContent('Choose the column that holds the amount.');
    expect(screen.getByTestId('error-import-currency')).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId('map-amount'), 'Sum');
    await user.selectOptions(screen.getByTestId('map-currency'), 'Cur');
    await user.click(screen.getByRole('button', { name: 'Check rows' }));
    expect(await screen.findByTestId('import-good')).toHaveTextContent('1 row ready to import');
    expect(screen.getByTestId('import-rejected-row')).toHaveTextContent(/^3.*"oops" is not a valid amount/);
    expect(backend.dumpRevenue()).toHaveLength(0);
  });

  it('a column mapped twice is an error at the second field', () => {
    expect(mappingErrors({ amount: 'Sum', date: 'Sum', currency: '', kind: '', note: '', external_id: '' })).toEqual({
      date: '“Sum” is already mapped to amount.',
    });
  });
});

describe('RatesSettings', () => {
  it('checks each row and saves normalized codes', async () => {
    const backend = createMemoryBackend();
    const user = userEvent.setup();
    renderWithBackend(<RatesSettings />, backend);
    await user.type(await screen.findByTestId('rates-base'), 'eur');
    await user.click(screen.getByRole('button', { name: 'Add a currency' }));
    await user.type(screen.getByTestId('rate-code'), 'eur');
    await user.type(screen.getByTestId('rate-value'), '1');
    await user.click(screen.getByRole('button', { name: 'Save rates' }));
    expect(screen.getByTestId('rate-error')).toHaveTextContent('EUR is the base currency; it needs no rate.');
    await user.clear(screen.getByTestId('rate-code'));
    await user.type(screen.getByTestId('rate-code'), 'usd');
    await user.clear(screen.getByTestId('rate-value'));
    await user.type(screen.getByTestId('rate-value'), '0,92');
    await user.click(screen.getByRole('button', { name: 'Save rates' }));
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(await backend.revenueRatesGet()).toEqual({ base: 'EUR', rates: { USD: 0.92 } });
  });
});
