/** Fixed data for the in-memory backend, so tests are deterministic. */
import type { AccountView, AppInfo, Asset, Campaign, MetricPoint, RenderRecord, RevenueEntry, RevenueKind } from './bindings';
import { METRIC_READS_MS } from './memoryAnalytics';
import { hashOf } from './memoryMedia';
import { fakeAsset } from './memoryAssets';
import type { HistoryPost } from './memoryLearning';
import { fakeAnalyticsHistory } from '../test/factories';
import type { SchedulerSeed } from './memoryPosts';
import type { NotificationView, PostView, SlotsInput, TargetState, TargetView } from './types';
import { emptyOverrides } from '../lib/posts';
import { rfc3339InZone } from '../lib/zoned';

export const MEMORY_TIMEZONES: readonly string[] = [
  'UTC',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'America/Anchorage',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Mexico_City',
  'America/New_York',
  'America/Sao_Paulo',
  'America/Toronto',
  'Asia/Dubai',
  'Asia/Hong_Kong',
  'Asia/Jakarta',
  'Asia/Kolkata',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Melbourne',
  'Australia/Sydney',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'Europe/Istanbul',
  'Europe/Lisbon',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Paris',
  'Europe/Rome',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Pacific/Auckland',
  'Pacific/Honolulu',
];

export const MEMORY_APP_INFO: AppInfo = {
  version: '0.1.0-memory',
  data_dir: '(in memory)',
  database_path: '(in memory)',
  log_dir: '(in memory)',
  default_timezone: 'UTC',
};

/** Demo rows for `npm run dev` in a plain browser. */
export function demoCampaigns(): Campaign[] {
  const at = '2025-01-06T09:00:00Z';
  const base = { created_at: at, updated_at: at, version: 1, archived: false };
  return [
    {
      ...base,
      id: 'demo-spring-launch',
      name: 'Spring launch',
      goal: 'Grow the channel to 50k followers',
      starts_on: '2025-03-01',
      ends_on: '2025-04-30',
      timezone: 'Europe/Paris',
      sponsored: true,
      budget: '1500.00',
      currency: 'EUR',
      notes: 'Three shorts a week, one long-form recap.',
    },
    {
      ...base,
      id: 'demo-behind-the-scenes',
      name: 'Behind the scenes',
      goal: null,
      starts_on: '2025-02-10',
      ends_on: null,
      timezone: 'America/New_York',
      sponsored: false,
      budget: null,
      currency: null,
      notes: null,
    },
    {
      ...base,
      id: 'demo-holiday-recap',
      name: 'Holiday recap',
      goal: 'Best-of montage',
      starts_on: '2024-12-01',
      ends_on: '2024-12-31',
      timezone: 'UTC',
      sponsored: false,
      budget: null,
      currency: null,
      notes: null,
      archived: true,
    },
  ];
}

/** Demo library for `npm run dev` in a plain browser. */
export function demoAssets(): Asset[] {
  const files: [string, string | null][] = [
    ['/home/demo/Videos/launch-teaser-vertical.mp4', 'demo-spring-launch'],
    ['/home/demo/Videos/studio-tour.mov', 'demo-behind-the-scenes'],
    ['/home/demo/Videos/drone-4k.mp4', null],
    ['/home/demo/Pictures/cover-art.png', 'demo-spring-launch'],
    ['/home/demo/Pictures/behind-the-scenes.jpg', 'demo-behind-the-scenes'],
    ['/home/demo/Music/intro-theme.mp3', null],
    ['/home/demo/Music/voiceover-take-3.wav', 'demo-spring-launch'],
  ];
  return files.map(([path, campaign], i) =>
    fakeAsset(path, { id: `demo-asset-${i + 1}`, created_at: `2025-01-0${9 - i}T10:00:00Z`, campaign_id: campaign }),
  );
}

/** Render history for the demo videos: a finished render, a failed one, one whose file is gone. */
export function demoRenders(): RenderRecord[] {
  const base = {
    output_exists: true, width: 1080, height: 1920, encoder: 'libx264', error_code: null, error_message: null, request: null,
  };
  return [
    {
      ...base, id: 'demo-render-1', asset_id: 'demo-asset-1', preset: 'tiktok', state: 'done',
      output: '/home/demo/Viral Studio/renders/launch-teaser-vertical-tiktok.mp4', size_bytes: 18_900_000, duration_s: 18.4,
      created_at: '2025-01-10T09:30:00Z',
    },
    {
      ...base, id: 'demo-render-2', asset_id: 'demo-asset-1', preset: 'reels', state: 'failed', output: null, output_exists: false,
      size_bytes: null, width: null, height: null, duration_s: null, encoder: null, error_code: 'invalid_captions',
      error_message: 'The captions file cannot be used (line 12): the end time is before the start time', created_at: '2025-01-10T09:20:00Z',
    },
    {
      ...base, id: 'demo-render-3', asset_id: 'demo-asset-2', preset: 'youtube', state: 'done', width: 1920, height: 1080,
      output: '/home/demo/Viral Studio/renders/studio-tour-youtube.mp4', output_exists: false, size_bytes: null, duration_s: 64.2,
      created_at: '2025-01-10T08:00:00Z',
    },
  ];
}

/** A few connected accounts for `npm run dev`: one of each status. */
export function demoAccounts(now = Date.now()): AccountView[] {
  const day = 24 * 3600 * 1000;
  const at = (ms: number) => new Date(ms).toISOString();
  return [
    {
      id: 'demo-acct-yt', platform: 'youtube', platform_name: 'YouTube', instance_url: null, handle: '@democreator', display_name: 'Demo Creator',
      status: 'connected', auth_mode: 'oauth', token_expires_at: at(now + 3600 * 1000), connected_at: at(now - 30 * day),
    },
    {
      id: 'demo-acct-bsky', platform: 'bluesky', platform_name: 'Bluesky', instance_url: 'https://bsky.social', handle: '@democreator.bsky.social',
      display_name: null, status: 'expiring', auth_mode: 'app_password', token_expires_at: at(now + 3 * day), connected_at: at(now - 60 * day),
    },
    {
      id: 'demo-acct-tt', platform: 'tiktok', platform_name: 'TikTok', instance_url: null, handle: 'democreator', display_name: 'Demo Creator',
      status: 'needs_reconnect', auth_mode: 'oauth', token_expires_at: null, connected_at: at(now - 90 * day),
    },
  ];
}

const DEMO_TARGET_ACCOUNTS = {
  yt: { account_id: 'demo-acct-yt', platform: 'youtube', platform_name: 'YouTube', handle: '@democreator' },
  bsky: { account_id: 'demo-acct-bsky', platform: 'bluesky', platform_name: 'Bluesky', handle: '@democreator.bsky.social' },
  tt: { account_id: 'demo-acct-tt', platform: 'tiktok', platform_name: 'TikTok', handle: 'democreator' },
} as const;

/**
 * Posts in every interesting state around `now` for `npm run dev`: published, uploading, failed,
 * missed (needs review), unconfirmed, scheduled later this month, a weekly series and a draft.
 */
export function demoPosts(now = Date.now()): PostView[] {
  const hour = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  // Whole hours, so chips line up on the week grid.
  const base = now - (now % hour);
  let n = 0;
  const target = (who: keyof typeof DEMO_TARGET_ACCOUNTS, state: TargetState, over: Partial<TargetView> = {}): TargetView => {
    n += 1;
    return {
      id: `demo-target-${n}`, ...DEMO_TARGET_ACCOUNTS[who], media: 'demo-asset-1', overrides: emptyOverrides(), state, upload_progress: null,
      attempts: 0, next_attempt_at: null, post_url: null, platform_post_id: null, published_at: null, late_by_s: null, failure_code: null,
      failure_message: null, attention: null, events: [], ...over,
    };
  };
  const post = (id: string, at: number | null, state: PostView['state'], caption: string, targets: TargetView[], over: Partial<PostView> = {}): PostView => {
    const tz = over.timezone ?? 'Europe/Paris';
    return {
      id, campaign_id: 'demo-spring-launch', campaign_name: 'Spring launch', caption, title: 'Spring launch teaser', media: 'demo-asset-1', state,
      scheduled_at: at === null ? null : iso(at), scheduled_local: at === null ? null : rfc3339InZone(at, tz), timezone: at === null ? null : tz,
      recurrence: null, recurrence_of: null, compliance_override: null, version: 1, targets, ...over,
    };
  };
  const ev = (at: number, state: TargetState, detail: string | null = null) => ({ at: iso(at), state, detail });
  const published = base - 26 * hour;
  return [
    post('demo-post-published', published, 'done', 'Spring is here 🌸 Our launch teaser is out now! #ad #spring', [
      target('yt', 'published', {
        post_url: 'https://www.youtube.com/watch?v=demo1', platform_post_id: 'demo1', published_at: iso(published + 95_000), late_by_s: 95, attempts: 1,
        events: [ev(published - 86_400_000, 'queued', 'Scheduled'), ev(published, 'uploading', '0%'), ev(published + 60_000, 'processing', null), ev(published + 95_000, 'published', 'https://www.youtube.com/watch?v=demo1')],
      }),
      target('bsky', 'published', {
        post_url: 'https://bsky.app/profile/democreator.bsky.social/post/demo2', published_at: iso(published + 20_000), attempts: 1,
        events: [ev(published - 86_400_000, 'queued', 'Scheduled'), ev(published, 'uploading', '0%'), ev(published + 20_000, 'published', 'https://bsky.app/profile/democreator.bsky.social/post/demo2')],
      }),
    ]),
    post('demo-post-failed', base - 50 * hour, 'publishing', 'Behind the scenes of the shoot #ad', [
      target('bsky', 'failed', {
        attempts: 3, failure_code: 'platform_rejected', failure_message: 'Bluesky rejected the video: it is longer than 180 s',
        events: [ev(base - 50 * hour, 'uploading', '0%'), ev(base - 50 * hour + 30_000, 'failed', 'Bluesky rejected the video: it is longer than 180 s')],
      }),
    ]),
    post('demo-post-missed', base - 3 * hour, 'scheduled', 'Morning teaser (missed while the laptop slept) #ad', [
      target('yt', 'needs_review', { attention: 'missed', events: [ev(base - 3 * hour, 'needs_review', 'Missed by 3 h while the computer was asleep')] }),
    ]),
    post('demo-post-unconfirmed', base - 6 * hour, 'publishing', 'Did this one go out? #ad', [
      target('yt', 'unconfirmed', {
        attention: 'unconfirmed', attempts: 1,
        events: [ev(base - 6 * hour, 'uploading', '0%'), ev(base - 6 * hour + 40_000, 'unconfirmed', 'The final call timed out; YouTube does not show the video yet')],
      }),
    ]),
    post('demo-post-uploading', base, 'publishing', 'Live now: the full launch video #ad', [
      target('yt', 'uploading', { upload_progress: 0.45, attempts: 1, events: [ev(base, 'queued', 'Due'), ev(base + 1_000, 'uploading', '45%')] }),
      target('bsky', 'queued'),
    ]),
    post('demo-post-tomorrow', base + 26 * hour, 'scheduled', 'Tomorrow: three tips for better shorts #ad', [target('yt', 'queued'), target('bsky', 'queued')]),
    post('demo-post-weekly', base + 3 * 24 * hour + 5 * hour, 'scheduled', 'Weekly studio diary', [target('bsky', 'queued')], {
      campaign_id: 'demo-behind-the-scenes', campaign_name: 'Behind the scenes', title: null, timezone: 'America/New_York',
      scheduled_local: rfc3339InZone(base + 3 * 24 * hour + 5 * hour, 'America/New_York'),
      recurrence: { freq: 'weekly', interval: 1, weekdays: [], until: null, count: 8 },
    }),
    post('demo-post-draft', null, 'draft', 'Draft: bloopers compilation', [target('tt', 'draft')], { campaign_id: 'demo-behind-the-scenes', campaign_name: 'Behind the scenes', title: null }),
  ];
}

/**
 * Published posts with metrics: YouTube has enough for a learned model, Bluesky not yet. Bluesky's
 * posts are the first YouTube ones cross-posted (same post, two targets), so the analytics
 * screen shows multi-platform posts too.
 */
export function demoHistory(now = Date.now()): HistoryPost[] {
  const campaigns = ['demo-spring-launch', 'demo-behind-the-scenes', 'demo-holiday-recap'];
  const yt = fakeAnalyticsHistory('demo-acct-yt', 34, { campaigns, now });
  const bsky = fakeAnalyticsHistory('demo-acct-bsky', 8, { campaigns, strong: [2, 4], strongHour: 12, now }).map((r, i) => ({
    ...r, post_id: yt[i]!.post_id, campaign_id: yt[i]!.campaign_id, caption: yt[i]!.caption,
    // A smaller audience there: every count a third, the rate about the same.
    views: Math.round(r.views / 3), likes: Math.round(r.likes / 3), comments: Math.round(r.comments / 3), shares: Math.round(r.shares / 3), saves: Math.round(r.saves / 3),
  }));
  // The launch teaser demoPosts publishes a day ago, on both accounts: its caption comes from that post.
  const teaser = (account_id: string, views: number, likes: number): HistoryPost => ({
    account_id, published_at: new Date(now - 26 * 3_600_000).toISOString(), post_id: 'demo-post-published', views, likes,
    comments: Math.round(likes / 6), shares: Math.round(likes / 10), saves: Math.round(likes / 9), score: 74, model_kind: 'learned',
  });
  return [...yt, ...bsky, teaser('demo-acct-yt', 5_400, 410), teaser('demo-acct-bsky', 900, 61)];
}

const DEMO_CAMPAIGN_NAMES: Record<string, string> = {
  'demo-spring-launch': 'Spring launch', 'demo-behind-the-scenes': 'Behind the scenes', 'demo-holiday-recap': 'Holiday recap',
};

/** The published posts behind the demo history (the real database has a post for every metric). */
export function demoPublishedPosts(history: HistoryPost[]): PostView[] {
  const byPost = new Map<string, HistoryPost[]>();
  for (const h of history) {
    if (!h.post_id || h.post_id === 'demo-post-published') continue;
    byPost.set(h.post_id, [...(byPost.get(h.post_id) ?? []), h]);
  }
  const accounts = Object.values(DEMO_TARGET_ACCOUNTS);
  return [...byPost.entries()].map(([id, rows]) => {
    const first = rows.reduce((a, b) => (b.published_at < a.published_at ? b : a));
    const campaign = first.campaign_id ?? 'demo-spring-launch';
    return {
      id, campaign_id: campaign, campaign_name: DEMO_CAMPAIGN_NAMES[campaign] ?? campaign, caption: first.caption ?? '', title: null, media: null,
      state: 'done', scheduled_at: first.published_at, scheduled_local: rfc3339InZone(Date.parse(first.published_at), 'Europe/Paris'),
      timezone: 'Europe/Paris', recurrence: null, recurrence_of: null, compliance_override: null, version: 1,
      targets: rows.map((h, i) => {
        const who = accounts.find((a) => a.account_id === h.account_id) ?? DEMO_TARGET_ACCOUNTS.yt;
        const url = who.platform === 'youtube' ? `https://www.youtube.com/watch?v=${id}` : `https://bsky.app/profile/democreator.bsky.social/post/${id}`;
        return {
          id: `${id}-t${i}`, ...who, media: null, overrides: emptyOverrides(), state: 'published' as const, upload_progress: null, attempts: 1,
          next_attempt_at: null, post_url: url, platform_post_id: id, published_at: h.published_at, late_by_s: null, failure_code: null,
          failure_message: null, attention: null, events: [{ at: h.published_at, state: 'published', detail: url }],
        };
      }),
    };
  });
}

/**
 * Share of the 7-day count reached at each metric read (1 h, 6 h, 24 h, 48 h, 7 d): views come
 * fast, shares and saves trail them (people pass a post on and keep it after watching it).
 */
const GROWTH: Record<'views' | 'likes' | 'comments' | 'shares' | 'saves', readonly number[]> = {
  views: [0.14, 0.41, 0.74, 0.88, 1],
  likes: [0.16, 0.45, 0.77, 0.9, 1],
  comments: [0.2, 0.5, 0.8, 0.92, 1],
  shares: [0.08, 0.3, 0.66, 0.85, 1],
  saves: [0.06, 0.26, 0.62, 0.83, 1],
};

/**
 * Metric snapshots for every published demo target with a history row: one per read the
 * publisher has made by `now`, growing to the row's counts (so the chart ends where Analytics'
 * numbers are). Each post grows a little faster or slower than the curve, so lines differ.
 */
export function demoSnapshots(history: HistoryPost[], posts: PostView[], now = Date.now()): Record<string, MetricPoint[]> {
  const out: Record<string, MetricPoint[]> = {};
  for (const p of posts) {
    for (const t of p.targets) {
      if (t.state !== 'published' || t.published_at === null) continue;
      const row = history.find((h) => h.post_id === p.id && h.account_id === t.account_id);
      if (!row) continue;
      const published = Date.parse(t.published_at);
      const h = hashOf(t.id);
      // The publisher gets to each read within a few minutes of it; reads still ahead are not taken.
      const reads = METRIC_READS_MS.map((o, i) => published + o + ((h >>> (i * 3)) % 7) * 60_000).filter((ms) => ms <= now);
      if (reads.length === 0) continue;
      // Early reach 0.8–1.2× the curve's, never past the last count.
      const pace = 0.8 + (h % 41) / 100;
      const last = reads.length - 1;
      const count = (metric: keyof typeof GROWTH, i: number) => {
        const curve = GROWTH[metric];
        const share = i === last ? 1 : Math.min(1, (curve[i]! * pace) / curve[last]!);
        return Math.round(row[metric] * share);
      };
      out[t.id] = reads.map((ms, i) => ({
        at: new Date(ms).toISOString(),
        views: count('views', i), likes: count('likes', i), comments: count('comments', i), shares: count('shares', i), saves: count('saves', i),
      }));
    }
  }
  return out;
}

/** A sponsored campaign that paid off in euros and a small payout in dollars (no exchange rates set). */
export function demoRevenue(now = Date.now()): RevenueEntry[] {
  const day = (n: number) => new Date(now - n * 86_400_000).toISOString().slice(0, 10);
  const entry = (id: string, campaign_id: string, kind: RevenueKind, amount: string, currency: string, occurred_on: string, note: string | null): RevenueEntry => ({
    id, campaign_id, kind, amount, currency, occurred_on, note, imported: false, created_at: new Date(now).toISOString(), version: 1,
  });
  return [
    entry('demo-rev-1', 'demo-spring-launch', 'sponsorship', '1500.00', 'EUR', day(40), 'Brand deal, 3 shorts'),
    entry('demo-rev-2', 'demo-spring-launch', 'cost', '600.00', 'EUR', day(45), 'Editor and props'),
    entry('demo-rev-3', 'demo-spring-launch', 'affiliate', '230.40', 'EUR', day(12), null),
    entry('demo-rev-4', 'demo-behind-the-scenes', 'payout', '85.20', 'USD', day(20), 'Platform payout'),
  ];
}

/** Weekly posting slots for the demo YouTube and Bluesky accounts. */
export function demoSlots(): SlotsInput[] {
  const times = (days: number[], time: string) => days.map((weekday) => ({ weekday, time }));
  return [
    { account_id: 'demo-acct-yt', timezone: 'Europe/Paris', slots: times([1, 3, 5], '18:00') },
    { account_id: 'demo-acct-bsky', timezone: 'Europe/Paris', slots: [...times([2, 4], '12:30'), ...times([6], '10:00')] },
  ];
}

export function demoScheduler(now = Date.now()): SchedulerSeed {
  const at = (ms: number) => new Date(now - ms).toISOString();
  const owner = 'Viral Studio (this app)';
  return {
    restarts: 1,
    last_restart: at(5 * 3_600_000),
    events: [
      { at: at(8 * 3_600_000), owner, kind: 'started', detail: null },
      { at: at(8 * 3_600_000 - 1_000), owner, kind: 'lease_acquired', detail: null },
      { at: at(5 * 3_600_000), owner, kind: 'worker_restart', detail: 'The worker stopped unexpectedly and was restarted' },
      { at: at(3 * 3_600_000), owner, kind: 'catch_up', detail: '1 post missed while the computer was asleep needs review' },
    ],
  };
}

export function demoNotifications(now = Date.now()): NotificationView[] {
  const at = (ms: number) => new Date(now - ms).toISOString();
  return [
    { id: 'demo-note-1', at: at(26 * 3_600_000), kind: 'published', title: 'Published on YouTube', body: 'Spring is here 🌸', target_id: 'demo-target-1', post_id: 'demo-post-published', read: true },
    { id: 'demo-note-2', at: at(50 * 3_600_000), kind: 'failed', title: 'Bluesky rejected a post', body: 'It is longer than 180 s', target_id: 'demo-target-3', post_id: 'demo-post-failed', read: false },
  ];
}
