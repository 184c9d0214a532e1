import type { Page } from '@playwright/test';
import { accountRecord, expect, openApp, test, type Seed } from './fixtures';

const card = (page: Page, platform: string) => page.locator(`[data-testid="platform-card"][data-platform="${platform}"]`);
const dialog = (page: Page) => page.getByTestId('connect-dialog');

async function openAccounts(page: Page, seed: Seed = {}) {
  await openApp(page, { hash: '#/accounts', seed: { latencyMs: 40, ...seed } });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accounts');
  await expect(page.getByTestId('platform-card')).toHaveCount(10);
}

test('connect Bluesky with a handle and an app password; a wrong password shows at its field', async ({ page }) => {
  await openAccounts(page, { connectStepMs: 200 });
  await expect(page.getByTestId('accounts-count')).toHaveText('No accounts connected yet.');
  const bluesky = card(page, 'bluesky');
  await expect(bluesky.getByTestId('platform-auth')).toHaveText('Signs in with your handle and an app password.');
  await expect(bluesky.getByTestId('platform-empty')).toBeVisible();
  await bluesky.getByTestId('platform-connect').click();

  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).getByRole('heading', { level: 2 })).toHaveText('Connect Bluesky');
  await expect(page.getByTestId('connect-step')).toHaveCount(3);
  await expect(page.getByTestId('connect-handle')).toBeFocused();
  await expect(page.getByTestId('connect-app-password')).toHaveAttribute('type', 'password');
  await expect(page.getByTestId('connect-instance')).toHaveAttribute('placeholder', 'https://bsky.social');

  await page.getByTestId('connect-handle').fill('@me.bsky.social');
  await page.getByTestId('connect-app-password').fill('wrong');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-connect-app-password')).toHaveText('Invalid identifier or password');
  await expect(page.getByTestId('connect-app-password')).toHaveValue(''); // never shown again
  await expect(page.getByTestId('connect-app-password')).toBeFocused();
  await expect(page.getByTestId('connect-handle')).toHaveValue('@me.bsky.social');
  await page.screenshot({ path: 'test-results/accounts-bluesky-error.png' });

  await page.getByTestId('connect-app-password').fill('abcd-efgh-ijkl-mnop');
  await page.keyboard.press('Enter');
  await expect(dialog(page)).toHaveCount(0);
  await expect(page.getByTestId('account-notice')).toHaveText(/Connected @me\.bsky\.social on Bluesky\./);
  const row = bluesky.getByTestId('account-row');
  await expect(row.getByTestId('account-handle')).toHaveText('@me.bsky.social');
  await expect(row.getByTestId('account-status')).toHaveText('Connected');
  await expect(row).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('accounts-count')).toHaveText('1 account connected');
  await expect(bluesky.getByTestId('platform-connect')).toBeFocused();
  await expect(bluesky.getByTestId('platform-connect')).toHaveText('Connect another');
  await page.screenshot({ path: 'test-results/accounts-grid.png', fullPage: true });
});

test('connect X through the browser: copy the link, cancel, Escape, then finish', async ({ page, context }) => {
  test.setTimeout(60_000);
  const browserMs = 3_500; // how long the fake browser takes to come back
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openAccounts(page, { connectStepMs: browserMs });
  await card(page, 'x').getByTestId('platform-connect').click();

  // The guided setup.
  await expect(page.getByTestId('connect-step')).toHaveCount(3);
  await expect(page.getByTestId('connect-step').first()).toContainText('In the X developer portal create a project and an app');
  await expect(page.getByTestId('connect-redirect-uri')).toHaveValue('http://127.0.0.1:8757/callback');
  await expect(page.getByTestId('connect-any-port')).toHaveCount(0);
  await expect(page.getByTestId('connect-scope')).toHaveText(['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access']);
  await expect(page.getByTestId('connect-register-url')).toHaveValue('https://developer.x.com/en/portal/projects-and-apps');
  await expect(page.getByTestId('connect-client-secret')).toHaveCount(0); // X apps are public clients
  await page.getByTestId('connect-redirect-uri-copy').click();
  await expect(page.getByTestId('connect-redirect-uri-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('http://127.0.0.1:8757/callback');
  await page.screenshot({ path: 'test-results/accounts-connect-x.png' });

  // Client id first.
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('error-connect-client-id')).toHaveText('Paste your X app’s client ID.');
  await expect(page.getByTestId('connect-client-id')).toBeFocused();
  await page.getByTestId('connect-client-id').fill('my-x-app');
  await page.keyboard.press('Enter');

  // Waiting for the browser: the link to copy, and Cancel.
  const waiting = page.getByTestId('connect-waiting');
  await expect(waiting).toHaveAttribute('data-stage', 'browser');
  await expect(page.getByTestId('connect-waiting-title')).toHaveText('Waiting for you to finish in the browser…');
  await expect(page.getByTestId('connect-signin-url')).toHaveValue(/^https:\/\/x\.com\/i\/oauth2\/authorize\?.*client_id=my-x-app/);
  await expect(page.getByTestId('connect-progress')).toBeVisible();
  await expect(page.getByTestId('connect-cancel')).toBeFocused();
  await page.getByTestId('connect-signin-url-copy').click();
  await expect(page.getByTestId('connect-signin-url-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('https://x.com/i/oauth2/authorize?');
  await page.getByTestId('connect-cancel').click();
  await expect(page.getByTestId('connect-cancelled')).toHaveText('Sign-in cancelled. Nothing was connected.');
  await expect(page.getByTestId('connect-client-id')).toHaveValue('my-x-app');

  // Escape while waiting cancels too, and closes the dialog.
  await page.getByTestId('connect-submit').click();
  await expect(waiting).toHaveAttribute('data-stage', 'browser');
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toHaveCount(0);
  await page.waitForTimeout(browserMs + 500); // longer than the fake browser takes
  await expect(card(page, 'x').getByTestId('account-row')).toHaveCount(0);

  // Declined in the browser: the banner says so by code.
  await card(page, 'x').getByTestId('platform-connect').click();
  await page.getByTestId('connect-client-id').fill('deny-this-app');
  await page.keyboard.press('Enter');
  const error = page.getByTestId('connect-error');
  await expect(error).toHaveAttribute('data-code', 'auth_failed', { timeout: 10_000 });
  await expect(error).toContainText('The sign-in did not go through.');
  await expect(error).toContainText('you declined access in the browser');

  // And finished in the browser.
  await page.getByTestId('connect-client-id').fill('my-x-app');
  await page.getByTestId('connect-submit').click();
  await expect(waiting).toHaveAttribute('data-stage', 'browser');
  await expect(dialog(page)).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('account-notice')).toHaveText(/Connected @democreator on X\./);
  const row = card(page, 'x').getByTestId('account-row');
  await expect(row.getByTestId('account-handle')).toHaveText('@democreator');
  await expect(row.getByTestId('account-status')).toHaveText('Connected');
});

test('disconnect asks first, then tells what the platform did', async ({ page }) => {
  await openAccounts(page, {
    accounts: [
      accountRecord({ id: 'x1' }),
      accountRecord({ id: 'fb1', platform: 'facebook', platform_name: 'Facebook Pages', handle: 'Demo Studio', display_name: 'Demo Studio' }),
      accountRecord({
        id: 'yt1', platform: 'youtube', platform_name: 'YouTube', handle: '@studio', status: 'expiring', token_expires_at: '2026-06-03T12:00:00Z',
      }),
      accountRecord({ id: 'tt1', platform: 'tiktok', platform_name: 'TikTok', handle: 'democreator', status: 'needs_reconnect' }),
    ],
  });
  await expect(page.getByTestId('account-row')).toHaveCount(4);
  await expect(card(page, 'youtube').getByTestId('account-status')).toHaveText(/^Expires .*2026$/);
  await expect(card(page, 'tiktok').getByTestId('account-status')).toHaveText('Needs reconnect');
  await expect(card(page, 'instagram').getByTestId('platform-relay-note')).toHaveText(
    'Needs a team server to publish (Instagram fetches videos from a public link)',
  );
  await page.screenshot({ path: 'test-results/accounts-statuses.png', fullPage: true });

  const facebook = card(page, 'facebook');
  await facebook.getByTestId('account-disconnect').click();
  const confirm = page.getByRole('dialog', { name: 'Disconnect Demo Studio?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(facebook.getByTestId('account-row')).toHaveCount(1);

  await facebook.getByTestId('account-disconnect').click();
  await page.getByTestId('account-disconnect-confirm').click();
  await expect(facebook.getByTestId('account-row')).toHaveCount(0);
  const notice = page.getByTestId('account-notice');
  await expect(notice).toHaveAttribute('data-kind', 'disconnected');
  await expect(notice).toContainText(
    'Disconnected Demo Studio from Facebook Pages. Facebook Pages offers no way to revoke from the app; remove Viral Studio in its settings.',
  );
  await page.screenshot({ path: 'test-results/accounts-disconnected.png' });

  await card(page, 'x').getByTestId('account-disconnect').click();
  await page.getByTestId('account-disconnect-confirm').click();
  await expect(notice).toContainText('Disconnected @democreator from X. X revoked Viral Studio’s access.');
  await expect(page.getByTestId('account-row')).toHaveCount(2);
  await page.getByTestId('account-notice-dismiss').click();
  await expect(notice).toHaveCount(0);
});

test('an insecure Mastodon server is refused at the field; a pasted token connects', async ({ page }) => {
  await openAccounts(page, { connectStepMs: 100 });
  await card(page, 'mastodon').getByTestId('platform-connect').click();
  await expect(page.getByTestId('connect-instance')).toBeFocused();
  await expect(page.getByTestId('connect-client-id')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-connect-instance')).toHaveText('Enter your server, e.g. https://mastodon.social.');

  await page.getByTestId('connect-instance').fill('http://mastodon.example');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-connect-instance')).toContainText('http://mastodon.example is not https');
  await expect(page.getByTestId('connect-instance')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('connect-instance')).toHaveValue('http://mastodon.example');
  await expect(page.getByTestId('connect-instance')).toBeFocused();
  await page.screenshot({ path: 'test-results/accounts-mastodon-insecure.png' });

  await page.getByTestId('connect-instance').fill('mastodon.social');
  await expect(page.getByTestId('error-connect-instance')).toHaveCount(0);
  await page.getByTestId('connect-use-token').check();
  await expect(page.getByTestId('connect-access-token')).toHaveAttribute('type', 'password');
  await page.getByTestId('connect-access-token').fill('a-token-from-development-settings');
  await page.getByTestId('connect-submit').click();
  await expect(dialog(page)).toHaveCount(0);
  await expect(card(page, 'mastodon').getByTestId('account-handle')).toHaveText('@democreator@mastodon.social');
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of accounts (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openAccounts(page, {
      connectStepMs: 60_000,
      accounts: [
        accountRecord({ id: 'x1' }),
        accountRecord({ id: 'yt1', platform: 'youtube', platform_name: 'YouTube', handle: '@studio', status: 'expiring', token_expires_at: '2026-06-03T12:00:00Z' }),
        accountRecord({ id: 'tt1', platform: 'tiktok', platform_name: 'TikTok', handle: 'democreator', status: 'needs_reconnect' }),
      ],
    });
    await page.screenshot({ path: `test-results/accounts-${theme}.png`, fullPage: true });
    await card(page, 'linkedin').getByTestId('platform-connect').click();
    await page.getByTestId('connect-client-id').fill('my-linkedin-app');
    await page.screenshot({ path: `test-results/accounts-connect-${theme}.png` });
    await page.getByTestId('connect-client-secret').fill('secret');
    await page.getByTestId('connect-submit').click();
    await expect(page.getByTestId('connect-waiting')).toHaveAttribute('data-stage', 'browser');
    await page.screenshot({ path: `test-results/accounts-waiting-${theme}.png` });
    await page.getByTestId('connect-cancel').click();
    await expect(page.getByTestId('connect-cancelled')).toBeVisible();
  });
}
