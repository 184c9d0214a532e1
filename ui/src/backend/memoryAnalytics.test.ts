import { describe, expect, it } from 'vitest';
import type { AccountView, AnalyticsFilter, RevenueEntry, RevenueKind } from './bindings';
import { BackendError } from './errors';
import { createMemoryBackend, type MemorySeed } from './memory';
import { METRIC_READS_MS, RANK_LIMIT } from './memoryAnalytics';
import type { HistoryPost } from './memoryLearning';
import { demoAccounts, demoCampaigns, demoHistory, demoPosts, demoPublishedPosts, demoRevenue, demoSnapshots } from './memoryData';
import { campaignBase, postBase, targetBase } from '../test/factories';

const account = (id: string, platform: AccountView['platform']): AccountView => ({
  id, platform, platform_name: platform, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});

const row = (account_id: string, published_at: string, over: Partial<HistoryPost> = {}): HistoryPost => ({
  account_id, published_at, views: 1000, likes: 60, comments: 20, shares: 10, saves: 10, campaign_id: 'c1', ...over,
});

const ALL: AnalyticsFilter = { campaign_id: null, account_id: null, platform: null, from: null, to: null, timezone: 'UTC' };

const money = (id: string, campaign_id: string, kind: RevenueKind, amount: string, currency: string, occurred_on: string): RevenueEntry => ({
  id, campaign_id, kind, amount, currency, occurred_on, note: null, imported: false, created_at: '2026-11-01T00:00:00Z', version: 1,
});

function backend(history: HistoryPost[], more: MemorySeed = {}) {
  return createMemoryBackend({
    campaigns: [campaignBase('c1', 'Launch', '2026-01-01T00:00:00Z'), { ...campaignBase('c2', 'Diary', '2026-01-01T00:00:00Z'), timezone: 'Asia/Tokyo' }],
    accounts: [account('tt1', 'tiktok'), account('yt1', 'youtube')],
    history,
    ...more,
  });
}

/** Two posts: p1 on TikTok and YouTube (campaign c1), p2 on TikTok only (campaign c2). */
const TWO_POSTS = [
  row('tt1', '2026-11-02T10:00:00Z', { post_id: 'p1', caption: 'First', views: 2000, likes: 150, comments: 30, shares: 10, saves: 10, score: 80 }),
  row('yt1', '2026-11-02T12:00:00Z', { post_id: 'p1', caption: 'First', views: 1000, likes: 20, comments: 5, shares: 0, saves: 0, score: 40 }),
  row('tt1', '2026-11-05T18:00:00Z', { post_id: 'p2', campaign_id: 'c2', caption: 'Second', views: 500, likes: 50, comments: 0, shares: 0, saves: 0, score: 70 }),
];

describe('memory backend: analytics', () => {
  it('without data is zeros and empty lists, never an error', async () => {
    const a = await backend([]).analyticsGet(ALL);
    expect(a.totals).toEqual({
      posts: 0, published_targets: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagements: 0, engagement_rate: 0, watch_time_s: 0,
    });
    expect(a.series).toEqual([]);
    expect([a.by_platform, a.top_by_engagement, a.bottom_by_views, a.score_vs_actual, a.heatmap]).toEqual([[], [], [], [], []]);
    expect(a.revenue).toEqual({ currencies: [], converted: null, missing_rates: [], roi: null });
    expect(a.timezone).toBe('UTC');
  });

  it('with dates but no data still has one zero point per day, both ends included', async () => {
    const a = await backend([]).analyticsGet({ ...ALL, from: '2026-10-30', to: '2026-11-02' });
    expect(a.series.map((p) => p.date)).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    expect(a.series.every((p) => p.metrics.views === 0 && p.metrics.engagement_rate === 0)).toBe(true);
    expect([a.from, a.to]).toEqual(['2026-10-30', '2026-11-02']);
  });

  it('sums targets, counts a cross-posted post once and weights the engagement rate by views', async () => {
    const a = await backend(TWO_POSTS).analyticsGet(ALL);
    expect(a.totals).toMatchObject({ posts: 2, published_targets: 3, views: 3500, likes: 220, comments: 35, shares: 10, saves: 10, engagements: 275 });
    expect(a.totals.engagement_rate).toBeCloseTo(275 / 3500, 10);
    // Series from the first to the last day with data, gaps as zeros.
    expect(a.series.map((p) => [p.date, p.metrics.views])).toEqual([
      ['2026-11-02', 3000], ['2026-11-03', 0], ['2026-11-04', 0], ['2026-11-05', 500],
    ]);
    expect(a.series[0]!.metrics.posts).toBe(1);
  });

  it('breaks down by platform, account and campaign, most views first, with readable labels', async () => {
    const a = await backend(TWO_POSTS).analyticsGet(ALL);
    expect(a.by_platform.map((r) => [r.key, r.label, r.metrics.views])).toEqual([['tiktok', 'tiktok', 2500], ['youtube', 'youtube', 1000]]);
    expect(a.by_account.map((r) => [r.key, r.label])).toEqual([['tt1', '@tt1 (tiktok)'], ['yt1', '@yt1 (youtube)']]);
    expect(a.by_campaign.map((r) => [r.key, r.label, r.metrics.posts])).toEqual([['c1', 'Launch', 1], ['c2', 'Diary', 1]]);
  });

  it('filters by campaign, account, platform and dates', async () => {
    const b = backend(TWO_POSTS);
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c2' })).totals.views).toBe(500);
    expect((await b.analyticsGet({ ...ALL, account_id: 'yt1' })).totals.views).toBe(1000);
    expect((await b.analyticsGet({ ...ALL, platform: 'TikTok' })).totals.published_targets).toBe(2);
    expect((await b.analyticsGet({ ...ALL, from: '2026-11-03' })).totals.views).toBe(500);
    expect((await b.analyticsGet({ ...ALL, to: '2026-11-02' })).totals.views).toBe(3000);
    // An account that never posted matches nothing (not an error).
    expect((await b.analyticsGet({ ...ALL, account_id: 'gone' })).totals.posts).toBe(0);
  });

  it('dates are days in the report’s zone: the campaign’s unless the filter names one', async () => {
    // 20:00 UTC on 2 Nov is already 3 Nov in Tokyo (UTC+9).
    const b = backend([row('tt1', '2026-11-02T20:00:00Z', { campaign_id: 'c2' })]);
    const tokyo = await b.analyticsGet({ ...ALL, timezone: null, campaign_id: 'c2' });
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    expect(tokyo.series.map((p) => p.date)).toEqual(['2026-11-03']);
    const utc = await b.analyticsGet({ ...ALL, campaign_id: 'c2', from: '2026-11-03', to: '2026-11-03' });
    expect(utc.totals.posts).toBe(0);
    const inTokyo = await b.analyticsGet({ ...ALL, timezone: null, campaign_id: 'c2', from: '2026-11-03', to: '2026-11-03' });
    expect(inTokyo.totals.posts).toBe(1);
  });

  it('ranks posts: engagement rate leaves out posts without views; bottom lists run the other way; 10 at most', async () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      row('tt1', `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00Z`, { post_id: `p${i}`, views: 1000 + i * 100, likes: 10 * i, comments: 0, shares: 0, saves: 0 }),
    );
    many.push(row('tt1', '2026-11-20T10:00:00Z', { post_id: 'no-views', views: 0, likes: 0, comments: 0, shares: 0, saves: 0 }));
    const a = await backend(many).analyticsGet(ALL);
    expect(a.top_by_engagement).toHaveLength(RANK_LIMIT);
    expect(a.top_by_engagement[0]!.post_id).toBe('p13');
    expect(a.bottom_by_engagement[0]!.post_id).toBe('p0');
    expect(a.top_by_engagement.some((p) => p.post_id === 'no-views') || a.bottom_by_engagement.some((p) => p.post_id === 'no-views')).toBe(false);
    expect(a.bottom_by_views[0]!.post_id).toBe('no-views');
    expect(a.top_by_views.map((p) => p.metrics.views)).toEqual([2300, 2200, 2100, 2000, 1900, 1800, 1700, 1600, 1500, 1400]);
  });

  it('a ranked post carries its caption, campaign, first publish and every platform it went to', async () => {
    const a = await backend(TWO_POSTS).analyticsGet(ALL);
    const p1 = a.top_by_views[0]!;
    expect(p1).toMatchObject({ post_id: 'p1', campaign_id: 'c1', caption: 'First', published_at: '2026-11-02T10:00:00.000Z', platforms: ['tiktok', 'youtube'] });
    expect(p1.metrics).toMatchObject({ posts: 1, published_targets: 2, views: 3000 });
    // p2: 50 / 500 = 10 %; p1: 225 / 3000 = 7.5 %.
    expect(a.top_by_engagement.map((p) => p.post_id)).toEqual(['p2', 'p1']);
  });

  it('takes caption and campaign from the post a history row names', async () => {
    const post = { id: 'seeded', campaign_id: 'c2', campaign_name: 'Diary', caption: 'From the posts seed', title: 'T', media: 'v9' } as const;
    const b = createMemoryBackend({
      campaigns: [campaignBase('c2', 'Diary', '2026-01-01T00:00:00Z')],
      accounts: [account('tt1', 'tiktok')],
      posts: [{ ...post, state: 'done', scheduled_at: null, scheduled_local: null, timezone: null, recurrence: null, recurrence_of: null, compliance_override: null, version: 1, targets: [] }],
      history: [{ account_id: 'tt1', published_at: '2026-11-02T10:00:00Z', views: 10, likes: 1, comments: 0, shares: 0, saves: 0, post_id: 'seeded' }],
    });
    const a = await b.analyticsGet(ALL);
    expect(a.top_by_views[0]).toMatchObject({ post_id: 'seeded', caption: 'From the posts seed', title: 'T', campaign_id: 'c2', asset_id: 'v9' });
    expect(a.by_campaign[0]!.label).toBe('Diary');
  });

  it('score vs actual pairs each scored target with its own engagement, newest first', async () => {
    const a = await backend(TWO_POSTS).analyticsGet(ALL);
    expect(a.score_vs_actual.map((p) => [p.post_id, p.platform, p.score])).toEqual([['p2', 'tiktok', 70], ['p1', 'youtube', 40], ['p1', 'tiktok', 80]]);
    expect(a.score_vs_actual[1]!.engagement_rate).toBeCloseTo(25 / 1000, 10);
  });

  it('the heat map puts each target in its account’s slot zone, Monday = 1, averaging per-target rates', async () => {
    const b = backend(
      [
        row('tt1', '2026-11-02T10:00:00Z', { views: 100, likes: 10, comments: 0, shares: 0, saves: 0 }), // Mon 10:00 UTC → 11:00 Berlin
        row('tt1', '2026-11-09T10:00:00Z', { views: 100, likes: 30, comments: 0, shares: 0, saves: 0 }),
        row('yt1', '2026-11-08T23:00:00Z', { views: 0, likes: 0, comments: 0, shares: 0, saves: 0 }), // Sun 23:00 UTC
      ],
      { slots: [{ account_id: 'tt1', timezone: 'Europe/Berlin', slots: [{ weekday: 1, time: '11:00' }] }] },
    );
    const a = await b.analyticsGet(ALL);
    expect(a.heatmap).toEqual([
      { weekday: 1, hour: 11, posts: 2, mean_engagement_rate: 0.2 },
      { weekday: 7, hour: 23, posts: 1, mean_engagement_rate: 0 },
    ]);
  });

  it('revenue: per currency with ROI, by campaign and date only; converted when every currency has a rate', async () => {
    const revenue = [
      money('r1', 'c1', 'sponsorship', '1500.00', 'EUR', '2026-11-01'),
      money('r2', 'c1', 'cost', '600', 'EUR', '2026-11-01'),
      money('r3', 'c2', 'payout', '5000', 'JPY', '2026-11-10'),
    ];
    const b = backend(TWO_POSTS, { revenue });
    const a = await b.analyticsGet({ ...ALL, account_id: 'yt1' });
    expect(a.revenue.currencies).toEqual([
      { currency: 'EUR', revenue: '1500.00', cost: '600.00', net: '900.00', roi: 1.5, entries: 2 },
      { currency: 'JPY', revenue: '5000', cost: '0', net: '5000', roi: null, entries: 1 },
    ]);
    // Two currencies and no rates: nothing to combine.
    expect(a.revenue.roi).toBeNull();
    expect((await b.analyticsGet({ ...ALL, to: '2026-11-05' })).revenue.roi).toBe(1.5);
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c2' })).revenue.currencies.map((c) => c.currency)).toEqual(['JPY']);

    const withRates = backend(TWO_POSTS, { revenue, rates: { base: 'EUR', rates: { JPY: 0.006 } } });
    const c = await withRates.analyticsGet(ALL);
    expect(c.revenue.converted).toEqual({ base: 'EUR', revenue: '1530.00', cost: '600.00', net: '930.00', roi: 1.55 });
    expect(c.revenue.roi).toBeCloseTo(1.55, 10);

    const missing = backend(TWO_POSTS, { revenue, rates: { base: 'USD', rates: { EUR: 1.1 } } });
    const m = await missing.analyticsGet(ALL);
    expect(m.revenue.missing_rates).toEqual(['JPY']);
    expect(m.revenue.converted).toBeNull();
  });

  it('money added, deleted or re-rated in the Money screens is what analytics sums', async () => {
    const b = backend(TWO_POSTS);
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c1' })).revenue.currencies).toEqual([]);
    await b.revenueAdd({ campaign_id: 'c1', kind: 'sponsorship', amount: '300', currency: 'EUR', occurred_on: '2026-11-03', note: null });
    const cost = await b.revenueAdd({ campaign_id: 'c1', kind: 'cost', amount: '100', currency: 'EUR', occurred_on: '2026-11-03', note: null });
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c1' })).revenue.roi).toBe(2);
    await b.revenueDelete(cost.id);
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c1' })).revenue.roi).toBeNull();
    await b.revenueAdd({ campaign_id: 'c1', kind: 'cost', amount: '5000', currency: 'JPY', occurred_on: '2026-11-03', note: null });
    await b.revenueRatesSet({ base: 'EUR', rates: { JPY: 0.006 } });
    expect((await b.analyticsGet({ ...ALL, campaign_id: 'c1' })).revenue.converted).toMatchObject({ base: 'EUR', revenue: '300.00', cost: '30.00' });
  });

  it('the dev demo has a realistic picture: posts with captions, two platforms, scores and revenue', async () => {
    const history = demoHistory();
    const b = createMemoryBackend({
      campaigns: demoCampaigns(), accounts: demoAccounts(), history, posts: [...demoPosts(), ...demoPublishedPosts(history)], revenue: demoRevenue(),
    });
    const a = await b.analyticsGet({ ...ALL, from: null });
    expect(a.by_platform.map((r) => r.key).sort()).toEqual(['bluesky', 'youtube']);
    expect(a.by_campaign.every((r) => r.label !== r.key)).toBe(true);
    expect(a.top_by_views.every((p) => p.caption !== '')).toBe(true);
    // The teaser's caption comes from the post demoPosts publishes.
    expect(a.top_by_views.some((p) => p.post_id === 'demo-post-published' && p.caption.startsWith('Spring is here'))).toBe(true);
    expect(a.score_vs_actual.length).toBe(history.length);
    expect(a.revenue.currencies.map((c) => c.currency)).toEqual(['EUR', 'USD']);
    expect(a.revenue.currencies[0]!.roi).toBeCloseTo((1730.4 - 600) / 600, 10);
    expect(a.revenue.currencies[1]!.roi).toBeNull();
    // Every demo post can be opened.
    for (const p of a.top_by_engagement) await expect(b.postGet(p.post_id)).resolves.toMatchObject({ id: p.post_id });
  });

  it('rejects what the real one rejects, with its codes', async () => {
    const b = backend(TWO_POSTS);
    const code = (f: Partial<AnalyticsFilter>) => b.analyticsGet({ ...ALL, ...f }).then(() => 'ok', (e: BackendError) => e.code);
    expect(await code({ campaign_id: 'nope' })).toBe('not_found');
    expect(await code({ from: '2026-02-30' })).toBe('invalid_date');
    expect(await code({ from: '2026-11-05', to: '2026-11-01' })).toBe('invalid_date_range');
    expect(await code({ timezone: 'Mars/Olympus' })).toBe('invalid_timezone');
    expect(await code({ campaign_id: '  ', platform: '' })).toBe('ok');
  });
});

describe('memory backend: one post’s results', () => {
  const HOUR = 3_600_000;
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const tt = (over = {}) => targetBase('t-tt', { account_id: 'tt1', platform: 'tiktok', platform_name: 'TikTok', handle: '@tt1', state: 'published', published_at: at(30 * HOUR), ...over });
  const yt = (over = {}) => targetBase('t-yt', { account_id: 'yt1', platform: 'youtube', platform_name: 'YouTube', handle: '@yt1', state: 'published', published_at: at(30 * HOUR), ...over });
  const post = (targets = [yt(), tt()]) => ({ ...postBase('p1', 'c1', at(30 * HOUR), targets), state: 'done' as const });

  it('gives a published target with only its latest metrics one point, read at the last check that has passed', async () => {
    const b = backend([row('tt1', at(30 * HOUR), { post_id: 'p1', views: 4200, likes: 300, comments: 41, shares: 12, saves: 9 })], { posts: [post()] });
    const r = await b.postResults('p1');
    expect(r.post_id).toBe('p1');
    // By platform: TikTok before YouTube whatever the post's order.
    expect(r.targets.map((t) => t.target_id)).toEqual(['t-tt', 't-yt']);
    const [tiktok, youtube] = r.targets;
    expect(tiktok!.points).toEqual([{ at: new Date(Date.parse(tiktok!.published_at!) + METRIC_READS_MS[2]!).toISOString(), views: 4200, likes: 300, comments: 41, shares: 12, saves: 9 }]);
    expect(tiktok).toMatchObject({ platform: 'tiktok', handle: '@tt1' });
    // Published, but no metrics read yet: listed without points.
    expect(youtube!.points).toEqual([]);
  });

  it('returns seeded snapshots oldest first, in place of the history row, and lists unpublished targets that have some', async () => {
    const snap = (h: number, views: number | null) => ({ at: new Date(now - 30 * HOUR + h * HOUR).toISOString(), views, likes: 10 * h, comments: 1, shares: null, saves: 0 });
    const b = backend([row('tt1', at(30 * HOUR), { post_id: 'p1', views: 9999 })], {
      posts: [post([tt(), yt({ state: 'unconfirmed', published_at: null }), targetBase('t-x', { account_id: 'x1', state: 'queued' })])],
      snapshots: { 't-tt': [snap(24, 3000), snap(1, 200), snap(6, null)], 't-yt': [snap(1, 50)] },
    });
    const r = await b.postResults('p1');
    expect(r.targets.map((t) => t.target_id)).toEqual(['t-tt', 't-yt']);
    expect(r.targets[0]!.points.map((p) => p.views)).toEqual([200, null, 3000]);
    expect(r.targets[0]!.points[2]).toMatchObject({ likes: 240, shares: null });
    expect(r.targets[1]).toMatchObject({ published_at: null, points: [{ views: 50 }] });
  });

  it('is not_found for an unknown or deleted post, and empty for a post published nowhere', async () => {
    const draft = postBase('p2', 'c1', null, [targetBase('t-d', { account_id: 'tt1', state: 'draft' })]);
    const b = backend([], { posts: [post(), draft] });
    await expect(b.postResults('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.postResults('p2')).resolves.toEqual({ post_id: 'p2', targets: [] });
    await b.postDelete('p2');
    await expect(b.postResults('p2')).rejects.toBeInstanceOf(BackendError);
  });

  it('demo snapshots grow to the numbers the analytics screen shows', async () => {
    const history = demoHistory(now);
    const posts = [...demoPosts(now), ...demoPublishedPosts(history)];
    const b = createMemoryBackend({ accounts: demoAccounts(now), campaigns: demoCampaigns(), posts, history, snapshots: demoSnapshots(history, posts, now) });
    const r = await b.postResults('demo-post-published');
    expect(r.targets.map((t) => t.platform)).toEqual(['bluesky', 'youtube']);
    const youtube = r.targets[1]!;
    // Published 26 h ago: read after 1 h, 6 h and 24 h, always growing, ending at the history's count.
    expect(youtube.points).toHaveLength(3);
    const views = youtube.points.map((p) => p.views!);
    expect(views).toEqual([...views].sort((a, b) => a - b));
    expect(views[0]).toBeLessThan(views[2]!);
    expect(youtube.points[2]).toMatchObject({ views: 5_400, likes: 410 });
  });
});
