import { campaignRecord, expect, openApp, test } from './fixtures';

const demo = [
  campaignRecord({ id: 'd1', name: 'Spring launch', goal: 'Grow the channel to 50k followers', starts_on: '2025-03-01', ends_on: '2025-04-30', timezone: 'Europe/Paris', sponsored: true, budget: '1500.00', currency: 'EUR', created_at: '2025-01-03T00:00:00Z' }),
  campaignRecord({ id: 'd2', name: 'Behind the scenes', starts_on: '2025-02-10', timezone: 'America/New_York', created_at: '2025-01-02T00:00:00Z' }),
  campaignRecord({ id: 'd3', name: 'Podcast clips', goal: 'Weekly highlights', ends_on: '2025-06-30', sponsored: true, budget: '250', currency: 'USD', created_at: '2025-01-01T00:00:00Z' }),
];

test('the theme choice sets data-theme on <html> and survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page, { hash: '#/settings' });
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(14, 16, 20)');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();

  await page.getByRole('radio', { name: 'Light' }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');

  // "System" follows the OS preference, live.
  await page.getByRole('radio', { name: 'System' }).check();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('Settings shows AppInfo', async ({ page }) => {
  await openApp(page, {
    hash: '#/settings',
    seed: { appInfo: { version: '9.9.9', data_dir: '/data/vs', database_path: '/data/vs/studio.db', log_dir: '/data/vs/logs' } },
  });
  const about = page.getByTestId('about');
  await expect(about).toContainText('9.9.9');
  await expect(about).toContainText('/data/vs/studio.db');
  await expect(about).toContainText('/data/vs/logs');
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshot of Campaigns (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page, { hash: '#/campaigns', seed: { campaigns: demo } });
    await expect(page.getByTestId('campaign-row')).toHaveCount(3);
    await page.screenshot({ path: `test-results/campaigns-${theme}.png` });
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-save').click();
    await expect(page.getByTestId('error-name')).toBeVisible();
    await page.screenshot({ path: `test-results/campaign-form-${theme}.png` });
  });
}
