import type { Page } from '@playwright/test';
import { accountRecord, assetRecord, campaignRecord, expect, openApp as openAt, scenario, test, type Seed } from './fixtures';

// Best times and Home's results are studio-api's answers for the scenario's instant: the page opens then.
const { seed: { now: NOW }, answers } = scenario('e2e-calendar');
const openApp = (page: Page, opts: Parameters<typeof openAt>[1] = {}) => openAt(page, { ...opts, now: NOW });

const pad = (n: number) => String(n).padStart(2, '0');
const dayKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const inDays = (n: number) => {
  const d = new Date(NOW);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
};

const seed: Seed = {
  latencyMs: 30,
  campaigns: [campaignRecord({ id: 'c1', name: 'Launch week', timezone: 'UTC' })],
  accounts: [
    accountRecord({ id: 'x1' }),
    accountRecord({ id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@me.bsky.social', auth_mode: 'app_password' }),
  ],
  assets: [assetRecord({ id: 'v1', original_name: 'teaser.mp4' })],
  answers,
};

const day = (page: Page, key: string) => page.locator(`[data-testid="calendar-day"][data-day="${key}"]`);

async function openCalendar(page: Page, s: Seed = seed) {
  await openApp(page, { hash: '#/calendar', seed: s });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Calendar');
}

test('compose and schedule a post, see it on the calendar, drag it to another day, open it and unschedule it', async ({ page }) => {
  await openCalendar(page);
  await expect(page.getByTestId('calendar-empty')).toHaveText(/Nothing scheduled this month/);
  await expect(page.getByTestId('up-next-empty')).toBeVisible();

  // Compose: caption too long for X, fixed by an X-only caption.
  await page.getByTestId('calendar-new-post').click();
  const composer = page.getByTestId('composer');
  await expect(composer).toBeVisible();
  await expect(page.getByTestId('composer-caption')).toBeFocused();
  await page.getByTestId('composer-caption').fill(`${'Launch day! '.repeat(25)}#launch`);
  await page.getByTestId('composer-media').selectOption('v1');
  await page.locator('[data-testid="composer-account"][data-account-id="x1"]').check();
  await page.locator('[data-testid="composer-account"][data-account-id="bs1"]').check();
  const xCard = page.locator('[data-testid="preview-card"][data-platform="x"]');
  await expect(xCard.getByTestId('preview-count')).toHaveText('307 / 280 weighted characters');
  await expect(xCard.getByTestId('preview-overflow')).toContainText('#launch');
  await expect(page.locator('[data-testid="preview-card"][data-platform="bluesky"]').getByTestId('preview-status')).toHaveText('1 problem');
  await expect(page.getByTestId('composer-schedule')).toBeDisabled();
  await page.screenshot({ path: 'test-results/calendar-composer-problems.png' });

  // The caption is over Bluesky's 300 too: one shorter base caption fixes both.
  await page.getByTestId('composer-caption').fill('Launch day! Three tips for better shorts #launch');
  await expect(xCard.getByTestId('preview-status')).toHaveText('Ready');
  const when = inDays(2);
  await page.getByTestId('composer-date').fill(dayKey(when));
  await page.getByTestId('composer-time').fill('18:00');
  await expect(page.getByTestId('composer-timezone')).toHaveValue('UTC');
  await expect(page.getByTestId('composer-schedule')).toBeEnabled();
  await page.getByTestId('composer-schedule').click();
  await expect(composer).toHaveCount(0);
  await expect(page.getByTestId('calendar-notice')).toContainText('Scheduled for');

  // On the calendar, with a status chip per account, and in "Up next".
  const chip = page.getByTestId('post-chip');
  await expect(day(page, dayKey(when)).getByTestId('post-chip')).toHaveCount(1);
  await expect(chip.getByTestId('target-chip')).toHaveCount(2);
  await expect(chip).toHaveAttribute('data-state', 'scheduled');
  await expect(page.getByTestId('queue-row')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/calendar-scheduled.png', fullPage: true });

  // Drag it to another day: same time of day.
  const target = (await day(page, dayKey(inDays(3))).count()) > 0 ? inDays(3) : inDays(1);
  await chip.dragTo(day(page, dayKey(target)));
  await expect(day(page, dayKey(target)).getByTestId('post-chip')).toHaveCount(1);
  await expect(day(page, dayKey(when)).getByTestId('post-chip')).toHaveCount(0);
  await expect(page.getByTestId('calendar-notice')).toHaveAttribute('data-kind', 'info');
  await expect(page.getByTestId('calendar-notice')).toContainText('Moved to');

  // The detail: time, per-account timeline; unschedule.
  await page.getByTestId('post-chip').click();
  const detail = page.getByTestId('post-detail');
  await expect(detail).toBeVisible();
  await expect(page.getByTestId('post-state')).toHaveText('Scheduled');
  await expect(page.getByTestId('post-when')).toContainText('UTC');
  await expect(page.getByTestId('target-card')).toHaveCount(2);
  await expect(page.getByTestId('target-card').first().getByTestId('timeline-item').last()).toContainText('Queued');
  await page.screenshot({ path: 'test-results/calendar-detail.png' });
  await page.getByTestId('post-unschedule').click();
  await expect(page.getByTestId('post-state')).toHaveText('Draft');
  await page.getByTestId('post-close').click();
  await expect(detail).toHaveCount(0);
  await expect(page.getByTestId('post-chip')).toHaveCount(0);
  await expect(page.getByTestId('draft-row')).toHaveCount(1);
  await expect(page.getByTestId('up-next-empty')).toBeVisible();
});

test('keyboard: N opens the composer, W and M switch views, arrows and T move in time', async ({ page }) => {
  await openCalendar(page);
  const label = page.getByTestId('calendar-period');
  const month = await label.textContent();
  await page.keyboard.press('w');
  await expect(page.getByTestId('calendar-week')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('t');
  await page.keyboard.press('m');
  await expect(page.getByTestId('calendar-month')).toBeVisible();
  await expect(label).toHaveText(month ?? '');
  await page.keyboard.press('ArrowLeft');
  await expect(label).not.toHaveText(month ?? '');
  await page.keyboard.press('n');
  await expect(page.getByTestId('composer')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('composer')).toHaveCount(0);
});

test('empty states: no accounts, nothing queued, nothing needing attention', async ({ page }) => {
  await openCalendar(page, { latencyMs: 30, campaigns: [campaignRecord({ id: 'c1' })], answers });
  await expect(page.getByTestId('calendar-empty')).toContainText('No accounts connected yet');
  await expect(page.getByTestId('up-next-empty')).toBeVisible();
  await expect(page.getByTestId('scheduler-queued')).toHaveText('0');
  await page.getByTestId('calendar-new-post').click();
  await expect(page.getByTestId('composer-no-accounts')).toBeVisible();
  await expect(page.getByTestId('preview-empty')).toBeVisible();
  await page.getByTestId('composer-cancel').click();
  await page.screenshot({ path: 'test-results/calendar-empty.png', fullPage: true });

  await page.getByTestId('nav-home').click();
  await expect(page.getByTestId('home-attention-count')).toHaveText('0');
  await expect(page.getByTestId('home-next-empty')).toBeVisible();
});

test('posting slots on the Accounts screen feed "Next free slot"; compliance settings block until a reason is given', async ({ page }) => {
  await openApp(page, { hash: '#/accounts', seed: { ...seed, campaigns: [campaignRecord({ id: 'c1', name: 'Paid', sponsored: true, timezone: 'UTC' })] } });
  await page.locator('[data-testid="account-row"][data-account-id="x1"]').getByTestId('account-slots').click();
  await expect(page.getByTestId('slots-empty')).toBeVisible();
  await page.getByTestId('slots-time').fill('09:30');
  await page.getByTestId('slots-add').click();
  for (const d of [6, 7]) await page.getByTestId(`slot-${d}-09:30`).check(); // every day
  await page.getByTestId('slots-save').click();
  await expect(page.getByTestId('account-notice')).toContainText('@democreator: 7 posting slots a week.');

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('compliance-terms').fill('guaranteed');
  await page.getByTestId('compliance-save').click();
  await expect(page.getByTestId('compliance-status')).toHaveText('Saved.');

  await page.getByTestId('nav-calendar').click();
  await page.getByTestId('calendar-new-post').click();
  await page.getByTestId('composer-caption').fill('Guaranteed growth');
  await page.getByTestId('composer-media').selectOption('v1');
  await page.locator('[data-testid="composer-account"][data-account-id="x1"]').check();
  await expect(page.getByTestId('compliance-issue')).toHaveCount(2);
  await expect(page.getByTestId('composer-blocked')).toHaveAttribute('data-reason', 'compliance');
  await page.getByTestId('composer-when-slot').check();
  await page.getByTestId('composer-override-reason').fill('Disclosed in the video; the claim is a quote');
  await page.getByTestId('composer-schedule').click();
  await expect(page.getByTestId('composer')).toHaveCount(0);
  await expect(page.getByTestId('post-chip')).toHaveCount(1);
  await page.getByTestId('post-chip').click();
  await expect(page.getByTestId('post-override')).toContainText('Disclosed in the video');
  await expect(page.getByTestId('post-when')).toContainText('09:30');
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of the calendar (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    const at = (n: number, h: number) => new Date(Date.UTC(inDays(n).getFullYear(), inDays(n).getMonth(), inDays(n).getDate(), h)).toISOString();
    const target = (id: string, state: string, over: Record<string, unknown> = {}) => ({
      id, account_id: 'x1', platform: 'x', platform_name: 'X', handle: '@democreator', media: 'v1',
      overrides: { caption: null, title: null, hashtags: [], first_comment: null, thread_parts: [], privacy: null, options: {} },
      state, upload_progress: null, attempts: 0, next_attempt_at: null, post_url: null, platform_post_id: null, published_at: null,
      late_by_s: null, failure_code: null, failure_message: null, attention: null, events: [], ...over,
    });
    const post = (id: string, when: string, state: string, caption: string, targets: unknown[]) => ({
      id, campaign_id: 'c1', campaign_name: 'Launch week', caption, title: null, media: 'v1', state, scheduled_at: when,
      scheduled_local: when.replace('.000Z', '+00:00'), timezone: 'UTC', recurrence: null, recurrence_of: null, compliance_override: null, version: 1, targets,
    });
    await openCalendar(page, {
      ...seed,
      posts: [
        post('p1', at(1, 18), 'scheduled', 'Tomorrow: three tips', [target('t1', 'queued'), target('t2', 'queued', { account_id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', handle: '@me.bsky.social' })]),
        post('p2', at(0, 0), 'publishing', 'Uploading now', [target('t3', 'uploading', { upload_progress: 0.6 })]),
        post('p3', at(2, 9), 'scheduled', 'Weekly diary', [target('t4', 'queued')]),
      ],
    });
    await expect(page.getByTestId('post-chip')).toHaveCount(3);
    await page.screenshot({ path: `test-results/calendar-${theme}.png`, fullPage: true });
    await page.keyboard.press('w');
    await page.screenshot({ path: `test-results/calendar-week-${theme}.png`, fullPage: true });
  });
}

test('schedule from an asset’s detail: the composer starts with that asset; "Post now" lands on today', async ({ page }) => {
  await openApp(page, { hash: '#/library', seed });
  await page.getByTestId('asset-card').first().click();
  await page.getByTestId('asset-schedule').click();
  await expect(page.getByTestId('composer-media')).toHaveValue('v1');
  await page.getByTestId('composer-caption').fill('Out now');
  await page.locator('[data-testid="composer-account"][data-account-id="bs1"]').check();
  await page.getByTestId('composer-when-now').check();
  await expect(page.getByTestId('composer-schedule')).toHaveText('Post now');
  await page.getByTestId('composer-schedule').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Calendar');
  await expect(day(page, dayKey(new Date(NOW))).getByTestId('post-chip')).toHaveCount(1);
});
