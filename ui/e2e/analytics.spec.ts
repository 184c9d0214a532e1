import type { Page } from '@playwright/test';
import { postBase, targetBase, type AnalyticsRecord } from '../src/test/factories';
import { accountRecord, campaignRecord, expect, openApp as openAt, scenario, test, type Seed } from './fixtures';

const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

// The scenario (fixtures/seeds/e2e-analytics.json): what studio-api answered for it is replayed,
// at its instant; the tests sum its history to know what the screen must show.
const { seed: scene, answers } = scenario('e2e-analytics');
const { history, revenue } = scene as unknown as {
  history: (AnalyticsRecord & { target_id?: string; post_url?: string })[];
  revenue: { campaign_id: string; kind: string; amount: string; currency: string; occurred_on: string }[];
};
const openApp = (page: Page, opts: Parameters<typeof openAt>[1] = {}) => openAt(page, { ...opts, now: scene.now });

function seed(): Omit<Seed, 'history'> & { history: typeof history } {
  return {
    latencyMs: 30,
    campaigns: [campaignRecord({ id: 'c1', name: 'Launch week' }), campaignRecord({ id: 'c2', name: 'Diary' })],
    accounts: [
      accountRecord({ id: 'x1' }),
      accountRecord({ id: 'bs1', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@me.bsky.social', auth_mode: 'app_password' }),
    ],
    history,
    revenue: revenue.map((r, i) => ({ id: `r${i + 1}`, note: null, imported: false, created_at: scene.now, version: 1, ...r })),
    answers,
  };
}

test('analytics: totals, a chart, breakdowns that filter, ranges in the URL, empty state and back', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const s = seed();
  await openApp(page, { hash: '#/analytics', seed: s });

  // Everything is within the default 90 days: the totals are the seed's sums.
  const views = s.history.reduce((t, h) => t + h.views, 0);
  await expect(page.getByTestId('total-views').locator('dd')).toHaveText(/\d/);
  expect(digits(await page.getByTestId('total-views').locator('dd').textContent())).toBe(views);
  await expect(page.getByTestId('analytics-range-90')).toBeChecked();

  // Views per day are bars, one slot per day of the range.
  const chart = page.getByTestId('series-chart');
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  expect(Number(await chart.getAttribute('data-points'))).toBe(90);

  // Revenue: 1500 − 600 on 600 of cost is +150 %.
  await expect(page.getByTestId('revenue-roi')).toHaveText('+150%');

  // Score vs actual: dots and a labelled Spearman.
  await expect(page.getByTestId('score-scatter').locator('.recharts-scatter-symbol').first()).toBeVisible();
  await expect(page.getByTestId('score-spearman')).toContainText('Spearman’s ρ =');
  // …and the same pairs as a table, one row per dot.
  await page.getByText('Show the scores as a table').click();
  await expect(page.getByTestId('score-row')).toHaveCount(Number(await page.getByTestId('score-scatter').getAttribute('data-points')));
  await expect(page.getByTestId('analytics-heat').getByTestId('heatmap')).toBeVisible();

  // The content scrolls inside <main>: a tall window shows the whole screen in one picture.
  await page.setViewportSize({ width: 1280, height: 3000 });
  await page.screenshot({ path: 'test-results/analytics.png' });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The engagement rate is a line through the days with views; the table says "—" on the others.
  await page.getByTestId('analytics-metric').selectOption('engagement_rate');
  await expect(chart.locator('.recharts-line-curve')).toBeVisible();
  await expect(page).toHaveURL(/#\/analytics\?metric=engagement_rate$/);
  await page.getByText('Show as a table').click();
  await expect(page.getByTestId('series-table')).toContainText('%');
  await expect(page.getByTestId('series-table')).toContainText('—');

  // A campaign row filters by that campaign and says so in the URL.
  const diaryViews = s.history.filter((h) => h.campaign_id === 'c2').reduce((t, h) => t + h.views, 0);
  await page.getByTestId('breakdown-campaign').getByRole('button', { name: 'Diary' }).click();
  await expect(page.getByTestId('analytics-campaign')).toHaveValue('c2');
  await expect(page).toHaveURL(/#\/analytics\?campaign=c2&metric=engagement_rate$/);
  await expect.poll(async () => digits(await page.getByTestId('total-views').locator('dd').textContent())).toBe(diaryViews);
  await expect(page.getByTestId('breakdown-platform').getByTestId('breakdown-row')).toHaveCount(1);

  // Bluesky never posted for Diary: a friendly empty state, then everything again.
  await page.getByTestId('analytics-platform').selectOption('bluesky');
  await expect(page.getByTestId('analytics-empty')).toContainText('No results for this filter');
  await page.getByTestId('analytics-show-all').click();
  await expect(page.getByTestId('analytics-range-all')).toBeChecked();
  await expect(page.getByTestId('analytics-campaign')).toHaveValue('');
  await expect(page).toHaveURL(/#\/analytics\?range=all&metric=engagement_rate$/);
  await expect.poll(async () => digits(await page.getByTestId('total-views').locator('dd').textContent())).toBe(views);

  // Keyboard: the 7-day preset is a radio in the range group.
  await page.getByTestId('analytics-range-all').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('analytics-range-90')).toBeChecked();
  await page.getByTestId('analytics-range-7').check();
  await expect(page).toHaveURL(/range=7&metric=engagement_rate$/);
  await expect.poll(async () => Number(await page.getByTestId('series-chart').getAttribute('data-points'))).toBe(7);

  // The filter and the metric survive a reload (they live in the hash).
  await page.reload();
  await expect(page.getByTestId('analytics-range-7')).toBeChecked();
  await expect(page.getByTestId('analytics-metric')).toHaveValue('engagement_rate');

  // A custom range that ends before it starts is refused in place, without asking the backend.
  await page.getByTestId('analytics-range-custom').check();
  await page.getByTestId('analytics-from').fill('2026-05-10');
  await page.getByTestId('analytics-to').fill('2026-05-01');
  await expect(page.getByRole('alert')).toHaveText('The end must not be before the start.');
});

test('analytics: ranking by views, opening a ranked post', async ({ page }) => {
  const s = seed();
  const best = [...s.history].sort((a, b) => b.views - a.views)[0]!;
  // The most viewed post as the posts store has it: published, with its link on the platform
  // (its metric reads after 1 h, 6 h and a day are the scenario's snapshots).
  const url = best.post_url!;
  const published = {
    ...postBase(best.post_id, best.campaign_id, best.published_at, [
      targetBase(best.target_id!, { account_id: best.account_id, state: 'published', published_at: best.published_at, post_url: url }),
    ]),
    state: 'done', caption: best.caption,
  };
  await openApp(page, { hash: '#/analytics?range=all', seed: { ...s, posts: [published] } });
  const top = page.getByTestId('top-posts').getByTestId('ranked-post');
  await expect(top).toHaveCount(10);
  await page.getByTestId('rank-by-views').check();
  await expect(top.first()).toHaveAttribute('data-post-id', best.post_id);
  await expect(top.first()).toContainText(best.caption);
  await top.first().getByRole('button', { name: /^Open post/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('target-link')).toHaveAttribute('href', url);

  // Its results over time: a line through the three reads and the latest numbers beside it.
  const results = dialog.getByTestId('post-results');
  const chart = results.getByTestId('post-results-chart');
  await expect(chart.locator('.recharts-line-curve')).toBeVisible();
  await expect(chart.locator('.recharts-line-dot')).toHaveCount(3);
  const latest = results.getByTestId('post-results-row');
  await expect(latest).toHaveCount(1);
  expect(digits(await latest.locator('td[data-metric="views"]').textContent())).toBe(best.views);
  await expect(latest).toContainText('24 h after publishing');
  await results.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/post-results.png' });

  // Keyboard: the metric picker switches the chart to the engagement rate.
  await results.getByTestId('post-results-metric').focus();
  await page.keyboard.press('End');
  await expect(chart).toHaveAttribute('data-metric', 'engagement_rate');
  await results.getByText('Show engagement rate over time as a table').click();
  await expect(results.getByTestId('post-results-series-row')).toHaveCount(3);
  await expect(results.getByTestId('post-results-series')).toContainText('%');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('home: recent results compare the last 7 days with the 7 before and link to Analytics', async ({ page }) => {
  await openApp(page, { seed: seed() });
  const card = page.getByTestId('home-results');
  await expect(card.getByTestId('recent-views').getByTestId('trend')).toHaveAttribute('data-direction', /up|down|same/);
  await expect(card.getByTestId('home-results-top').locator('li')).toHaveCount(3);
  await card.getByTestId('home-results-link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Analytics');
  await expect(page.getByTestId('analytics-range-7')).toBeChecked();
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of Analytics and Home's recent results (${theme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize({ width: 1280, height: 3000 });
    await openApp(page, { hash: '#/analytics', seed: seed() });
    await expect(page.getByTestId('series-chart').locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(page.getByTestId('score-scatter').locator('.recharts-scatter-symbol').first()).toBeVisible();
    await page.screenshot({ path: `test-results/analytics-${theme}.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('nav-home').click();
    await expect(page.getByTestId('home-results-top')).toBeVisible();
    await page.screenshot({ path: `test-results/home-${theme}.png` });
  });
}
