import type { Page } from '@playwright/test';
import { expect, openApp as openAt, scenario, test } from './fixtures';

// Home's recent results and Analytics answer from the empty scenario, at its instant.
const { seed: { now: NOW }, answers } = scenario('empty');
const openApp = (page: Page, opts: Parameters<typeof openAt>[1] = {}) => openAt(page, { ...opts, now: NOW, seed: { latencyMs: 150, ...opts.seed, answers } });

const SCREENS = [
  ['home', 'Welcome to Viral Studio'],
  ['library', 'Library'],
  ['campaigns', 'Campaigns'],
  ['calendar', 'Calendar'],
  ['analytics', 'Analytics'],
  ['accounts', 'Accounts'],
  ['settings', 'Settings'],
] as const;

test('every screen is reachable by clicking the sidebar', async ({ page }) => {
  await openApp(page);
  for (const [id, title] of SCREENS) {
    await page.getByTestId(`nav-${id}`).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page.getByTestId(`nav-${id}`)).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveURL(new RegExp(`#/${id}$`));
  }
});

test('every screen is reachable with Alt+digit and Ctrl+digit', async ({ page }) => {
  await openApp(page);
  for (const [i, [id, title]] of SCREENS.entries()) {
    await page.keyboard.press(`Alt+${i + 1}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page.getByTestId(`nav-${id}`)).toHaveAttribute('aria-current', 'page');
  }
  await page.keyboard.press('Control+3');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
  // Focus lands in the content after navigation.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
});

test('skip link and sidebar work from the keyboard', async ({ page }) => {
  await openApp(page, { hash: '#/library' });
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await expect(page).toHaveURL(/#\/library$/); // the skip link does not disturb the router

  await page.reload();
  await expect(page.getByTestId('nav-home')).toBeVisible();
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab'); // Home
  await expect(page.getByTestId('nav-home')).toBeFocused();
  await page.keyboard.press('Tab'); // Library
  await page.keyboard.press('Tab'); // Campaigns
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('campaign-new')).toBeFocused();
});

test('screens without data say so plainly; Home counts active campaigns', async ({ page }) => {
  await openApp(page, { seed: { campaigns: [] } });
  await expect(page.getByTestId('home-active-count')).toHaveText('0');
  await expect(page.getByTestId('home-results-empty')).toBeVisible();
  await page.getByTestId('nav-analytics').click();
  await expect(page.getByTestId('analytics-empty')).toContainText('No results in this range');
  await page.getByTestId('nav-home').click();
  await page.getByRole('link', { name: 'Go to Campaigns' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Campaigns');
});
