import type { Page } from '@playwright/test';
import { campaignRecord, expect, openApp, test } from './fixtures';

const CAMPAIGN = campaignRecord({ id: 'c-spring', name: 'Spring launch', currency: 'EUR', budget: '1000.00', sponsored: true });

const PAYOUTS = '/home/demo/Downloads/payouts.csv';
// Semicolons and decimal commas, as a European dashboard writes them; line 3 has a bad amount.
const PAYOUT_CSV = 'Transaction ID;Date;Payout amount;Currency;Description\n' +
  'tx-1;2026-03-01;120,50;EUR;Affiliate links\n' +
  'tx-2;2026-03-02;oops;EUR;Broken row\n' +
  'tx-3;2026-03-08;80;EUR;Creator fund\n';

async function openMoney(page: Page, seed: Record<string, unknown> = {}) {
  await openApp(page, { hash: '#/campaigns', seed: { latencyMs: 50, campaigns: [CAMPAIGN], files: { [PAYOUTS]: PAYOUT_CSV }, ...seed } });
  await page.getByRole('button', { name: 'Money and reports for Spring launch' }).click();
  const dialog = page.getByRole('dialog', { name: 'Money · Spring launch' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function addEntry(page: Page, kind: string, amount: string, note = '') {
  await page.getByTestId('revenue-kind').selectOption(kind);
  await page.getByTestId('revenue-amount').fill(amount);
  await page.getByTestId('revenue-note').fill(note);
  await page.getByTestId('revenue-add').click();
  await expect(page.getByTestId('revenue-amount')).toHaveValue('');
}

test('add revenue and a cost, see ROI; a bad amount is explained at its field; delete and undo', async ({ page }) => {
  const dialog = await openMoney(page);
  await expect(dialog.getByTestId('revenue-empty')).toBeVisible();
  await expect(dialog.getByTestId('money-totals-empty')).toBeVisible();
  await expect(page.getByTestId('revenue-currency')).toHaveValue('EUR'); // the campaign's budget currency

  await page.getByTestId('revenue-amount').fill('12.345');
  await page.getByTestId('revenue-add').click();
  await expect(page.getByTestId('error-revenue-amount')).toHaveText('EUR amounts have at most 2 decimal places.');
  await expect(page.getByTestId('revenue-amount')).toBeFocused();
  await expect(page.getByTestId('revenue-amount')).toHaveAttribute('aria-invalid', 'true');

  await addEntry(page, 'sponsorship', '2500', 'Brand deal');
  await expect(page.getByTestId('error-revenue-amount')).toHaveCount(0);
  const total = dialog.locator('[data-testid="money-total"][data-currency="EUR"]');
  await expect(total.getByTestId('money-roi')).toHaveText('—'); // no cost yet
  await addEntry(page, 'cost', '1000', 'Editing');
  await expect(total).toContainText('€2,500.00');
  await expect(total).toContainText('€1,000.00');
  await expect(total.getByTestId('money-roi')).toHaveText('+150%');
  await expect(dialog.getByTestId('revenue-row')).toHaveCount(2);

  // A second currency stays apart: no combined ROI without rates.
  await page.getByTestId('revenue-currency').fill('USD');
  await addEntry(page, 'affiliate', '100');
  await expect(dialog.locator('[data-testid="money-total"][data-currency="USD"]').getByTestId('money-roi')).toHaveText('—');
  await expect(dialog.getByTestId('money-no-rates')).toBeVisible();

  await dialog.getByRole('button', { name: /Delete the cost of €1,000\.00/ }).click();
  await page.getByTestId('revenue-delete-confirm').click();
  await expect(dialog.getByTestId('revenue-row')).toHaveCount(2);
  await expect(total.getByTestId('money-roi')).toHaveText('—');
  await page.getByTestId('revenue-undo-button').click();
  await expect(dialog.getByTestId('revenue-row')).toHaveCount(3);
  await expect(total.getByTestId('money-roi')).toHaveText('+150%');
});

test('import a payout export: preview, mapping, dry run with a bad row, import, re-import adds nothing', async ({ page }) => {
  const dialog = await openMoney(page, { pickRevenueCsv: PAYOUTS });
  await dialog.getByTestId('revenue-import-start').click();
  const wizard = page.getByRole('dialog', { name: 'Import payouts into Spring launch' });
  await expect(wizard.getByTestId('import-facts')).toHaveText('3 rows · UTF-8 · separated by semicolon');
  await expect(wizard.getByTestId('import-preview')).toContainText('120,50');
  await wizard.getByTestId('import-next').click();

  // Prefilled from the backend's suggestion.
  await expect(wizard.getByTestId('map-amount')).toHaveValue('Payout amount');
  await expect(wizard.getByTestId('map-date')).toHaveValue('Date');
  await expect(wizard.getByTestId('map-external_id')).toHaveValue('Transaction ID');
  // A required field left empty is explained at its select, and nothing is sent.
  await wizard.getByTestId('map-date').selectOption('');
  await wizard.getByTestId('import-check').click();
  await expect(wizard.getByTestId('error-map-date')).toBeVisible();
  await wizard.getByTestId('map-date').selectOption('Date');
  await wizard.getByTestId('import-check').click();

  await expect(wizard.getByTestId('import-good')).toHaveText('2 rows ready to import');
  await expect(wizard.getByTestId('import-bad')).toContainText('1 row with problems');
  await expect(wizard.getByTestId('import-rejected-row')).toHaveCount(1);
  await expect(wizard.getByTestId('import-rejected-row')).toContainText('3');
  await expect(wizard.getByTestId('import-rejected-row')).toContainText('"oops" is not a valid amount');
  await wizard.getByTestId('import-run').click();
  await expect(wizard.getByTestId('import-good')).toHaveText('2 rows imported');
  await wizard.getByTestId('import-close').click();
  await expect(wizard).toBeHidden();
  await expect(dialog.getByTestId('revenue-row')).toHaveCount(2);
  await expect(dialog.locator('[data-testid="money-total"][data-currency="EUR"]')).toContainText('€200.50');

  // The same file again: nothing new.
  await dialog.getByTestId('revenue-import-start').click();
  await wizard.getByTestId('import-next').click();
  await wizard.getByTestId('import-check').click();
  await expect(wizard.getByTestId('import-good')).toHaveText('0 rows ready to import');
  await expect(wizard.getByTestId('import-duplicates')).toHaveText('2 already imported');
  await expect(wizard.getByTestId('import-run')).toBeDisabled();
});

test('a campaign report says where it was saved', async ({ page }) => {
  const dialog = await openMoney(page);
  await dialog.getByTestId('report-html').click();
  // The save dialog starts with a name made from the campaign's.
  await expect(dialog.getByTestId('report-saved')).toContainText('Report saved to /home/demo/Documents/spring-launch-report.html (');
  await dialog.getByTestId('report-csv').click();
  await expect(dialog.getByTestId('report-saved')).toHaveText(/Report saved to \/home\/demo\/Documents\/spring-launch-report\.csv \(\d+ rows\)\./);
});

test('an export says where it went and how many rows it wrote', async ({ page }) => {
  await openApp(page, {
    hash: '#/settings',
    seed: {
      campaigns: [CAMPAIGN],
      revenue: [
        { id: 'r-1', campaign_id: 'c-spring', kind: 'payout', amount: '12.00', currency: 'EUR', occurred_on: '2026-03-01', note: null, imported: false, created_at: '2026-03-01T00:00:00Z', version: 1 },
      ],
    },
  });
  await page.getByTestId('export-revenue').click();
  await expect(page.getByTestId('export-saved')).toHaveText('Revenue exported to /home/demo/Documents/revenue.csv (1 row).');
});

test('an export that cannot be written says why', async ({ page }) => {
  await openApp(page, { hash: '#/settings', seed: { savePath: '/mnt/readonly/posts.csv', readOnlyDirs: ['/mnt/readonly'] } });
  await page.getByTestId('export-posts').click();
  await expect(page.getByTestId('error-banner')).toContainText('The export was not saved: Cannot write /mnt/readonly/.posts.csv.part: Permission denied');
  await expect(page.getByTestId('export-saved')).toHaveCount(0);
});

test('exchange rates: errors at the row, then converted totals', async ({ page }) => {
  await openApp(page, {
    hash: '#/settings',
    seed: {
      campaigns: [CAMPAIGN],
      revenue: [
        { id: 'r-1', campaign_id: 'c-spring', kind: 'sponsorship', amount: '2500.00', currency: 'EUR', occurred_on: '2026-03-01', note: null, imported: false, created_at: '2026-03-01T00:00:00Z', version: 1 },
        { id: 'r-2', campaign_id: 'c-spring', kind: 'affiliate', amount: '100.00', currency: 'USD', occurred_on: '2026-03-02', note: null, imported: false, created_at: '2026-03-02T00:00:00Z', version: 1 },
        { id: 'r-3', campaign_id: 'c-spring', kind: 'cost', amount: '1000.00', currency: 'EUR', occurred_on: '2026-03-03', note: null, imported: false, created_at: '2026-03-03T00:00:00Z', version: 1 },
      ],
    },
  });
  await page.getByTestId('rates-base').fill('EUR');
  await page.getByTestId('rates-add').click();
  await page.getByTestId('rate-code').fill('USD');
  await page.getByTestId('rate-value').fill('-1');
  await page.getByTestId('rates-save').click();
  await expect(page.getByTestId('rate-error')).toHaveText('Rate: a positive number, e.g. 0.92.');
  await expect(page.getByTestId('rate-code')).toBeFocused();
  await page.getByTestId('rate-value').fill('0.9');
  await page.getByTestId('rates-save').click();
  await expect(page.getByTestId('rates-status')).toHaveText('Saved.');

  await page.getByRole('link', { name: 'Campaigns' }).click();
  await page.getByRole('button', { name: 'Money and reports for Spring launch' }).click();
  const converted = page.getByTestId('money-total-converted');
  await expect(converted).toContainText('All in EUR');
  await expect(converted).toContainText('€2,590.00');
  await expect(converted.getByTestId('money-roi-converted')).toHaveText('+159%');
});
