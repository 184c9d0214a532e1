import type { Page } from '@playwright/test';
import { campaignRecord, expect, openApp, test } from './fixtures';

const rows = (page: Page) => page.getByTestId('campaign-row');
const row = (page: Page, name: string) => rows(page).filter({ hasText: name });

const openEmpty = (page: Page) => openApp(page, { hash: '#/campaigns', seed: { latencyMs: 150 } });

test('empty state, then create a campaign and see it in the list', async ({ page }) => {
  await openEmpty(page);
  await expect(page.getByRole('heading', { name: 'No active campaigns' })).toBeVisible();
  await page.getByTestId('campaign-new').click();
  const dialog = page.getByRole('dialog', { name: 'New campaign' });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('campaign-name')).toBeFocused();
  await expect(page.getByTestId('campaign-timezone')).toHaveValue('UTC'); // AppInfo.default_timezone

  await page.getByTestId('campaign-name').fill('Spring launch');
  await page.getByTestId('campaign-goal').fill('Reach 50k followers');
  await page.getByTestId('campaign-starts').fill('2025-03-01');
  await page.getByTestId('campaign-ends').fill('2025-04-30');
  await page.getByTestId('campaign-timezone').fill('Europe/Paris');
  await page.getByTestId('campaign-sponsored').check();
  await page.getByTestId('campaign-budget').fill('1500.00');
  await page.getByTestId('campaign-currency').fill('eur');
  await page.getByTestId('campaign-notes').fill('Three shorts a week.');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('campaign-save')).toHaveText('Saving…');
  await expect(page.getByTestId('campaign-save')).toBeDisabled();

  await expect(dialog).toBeHidden();
  await expect(rows(page)).toHaveCount(1);
  const created = row(page, 'Spring launch');
  await expect(created).toHaveAttribute('data-campaign-id', /.+/);
  await expect(created).toContainText('Sponsored');
  await expect(created).toContainText('Europe/Paris');
  await expect(created).toContainText('€1,500.00');
  await expect(created).toContainText('Reach 50k followers');
  await expect(page.getByTestId('campaign-new')).toBeFocused(); // focus returns to the opener
});

test('"n" opens the form and Escape closes it', async ({ page }) => {
  await openEmpty(page);
  await expect(page.getByRole('heading', { name: 'No active campaigns' })).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByRole('dialog', { name: 'New campaign' })).toBeVisible();
  await expect(page.getByTestId('campaign-name')).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('validation errors appear next to the right field', async ({ page }) => {
  await openEmpty(page);
  await page.getByTestId('campaign-new').click();
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('error-name')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name')).toBeFocused();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  await page.getByTestId('campaign-name').fill('Backwards');
  await expect(page.getByTestId('error-name')).toHaveCount(0); // editing clears the message
  await page.getByTestId('campaign-starts').fill('2025-05-10');
  await page.getByTestId('campaign-ends').fill('2025-05-01');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('error-ends')).toBeVisible();
  await expect(page.getByLabel('End date')).toBeFocused();

  await page.getByTestId('campaign-ends').fill('2025-05-20');
  await page.getByTestId('campaign-budget').fill('lots');
  await page.getByTestId('campaign-currency').fill('USD');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('error-budget')).toBeVisible();

  await page.getByTestId('campaign-budget').fill('99.50');
  await page.getByTestId('campaign-currency').fill('');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('error-currency')).toBeVisible();

  await page.getByTestId('campaign-currency').fill('USD');
  await page.getByTestId('campaign-timezone').fill('Atlantis/Capital');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByTestId('error-timezone')).toBeVisible();

  await page.getByTestId('campaign-timezone').fill('America/New_York');
  await page.getByTestId('campaign-save').click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(row(page, 'Backwards')).toContainText('America/New_York');
});

test('edit, archive, show archived, unarchive, delete with confirmation', async ({ page }) => {
  await openApp(page, {
    hash: '#/campaigns',
    seed: {
      latencyMs: 50,
      campaigns: [
        campaignRecord({ id: 'c-1', name: 'Podcast clips', created_at: '2025-01-02T00:00:00Z' }),
        campaignRecord({ id: 'c-2', name: 'Holiday recap', goal: 'Best-of', created_at: '2025-01-01T00:00:00Z' }),
      ],
    },
  });
  await expect(rows(page)).toHaveCount(2);

  // Edit: prefilled, saves a patch, list refreshes.
  await row(page, 'Holiday recap').getByTestId('campaign-edit').click();
  const dialog = page.getByRole('dialog', { name: 'Edit campaign' });
  await expect(page.getByTestId('campaign-name')).toHaveValue('Holiday recap');
  await expect(page.getByTestId('campaign-goal')).toHaveValue('Best-of');
  await page.getByTestId('campaign-name').fill('Holiday recap 2025');
  await page.getByTestId('campaign-goal').fill('');
  await page.getByTestId('campaign-save').click();
  await expect(dialog).toBeHidden();
  await expect(row(page, 'Holiday recap 2025')).toHaveCount(1);
  await expect(row(page, 'Holiday recap 2025')).not.toContainText('Best-of');

  // Archive: disappears unless "Show archived".
  await row(page, 'Holiday recap 2025').getByTestId('campaign-archive').click();
  await expect(rows(page)).toHaveCount(1);
  await expect(row(page, 'Holiday recap 2025')).toHaveCount(0);
  await page.getByLabel('Show archived').check();
  await expect(rows(page)).toHaveCount(2);
  const archived = row(page, 'Holiday recap 2025');
  await expect(archived).toContainText('Archived');
  await archived.getByRole('button', { name: 'Unarchive Holiday recap 2025' }).click();
  await expect(archived).not.toContainText('Archived');
  await page.getByLabel('Show archived').uncheck();
  await expect(rows(page)).toHaveCount(2);

  // Filter.
  await page.getByRole('searchbox', { name: 'Filter campaigns' }).fill('podcast');
  await expect(rows(page)).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Filter campaigns' }).fill('');

  // Delete: cancel first, then confirm.
  await row(page, 'Podcast clips').getByTestId('campaign-delete').click();
  const confirm = page.getByRole('dialog', { name: 'Delete campaign?' });
  await expect(confirm).toContainText('Podcast clips');
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(rows(page)).toHaveCount(2);
  await row(page, 'Podcast clips').getByTestId('campaign-delete').click();
  await page.getByTestId('campaign-delete-confirm').click();
  await expect(confirm).toBeHidden();
  await expect(rows(page)).toHaveCount(1);
  await expect(row(page, 'Podcast clips')).toHaveCount(0);
  await page.getByLabel('Show archived').check();
  await expect(row(page, 'Podcast clips')).toHaveCount(0); // deleted, not archived
});
