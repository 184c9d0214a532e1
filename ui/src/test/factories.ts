/**
 * Plain data factories shared by Vitest and Playwright (no React, no DOM), so the two suites
 * describe a library asset the same way.
 */
import type { Asset, Campaign, ModelKind, PlatformId, PostView, RenderRecord, TargetView } from '../backend/bindings';

/** The fields every fake asset shares: a 27.4 s 1080×1920 H.264/AAC video in the library. */
export function assetBase(id: string): Omit<Asset, 'rotation' | 'poster' | 'filmstrip' | 'created_at'> {
  return {
    id,
    kind: 'video',
    path: `/library/${id}.mp4`,
    original_name: `${id}.mp4`,
    storage: 'copied',
    size_bytes: 24_100_000,
    content_hash: `hash-${id}`,
    campaign_id: null,
    width: 1080,
    height: 1920,
    duration_s: 27.4,
    fps: 29.97,
    variable_frame_rate: false,
    container: 'mp4',
    video_codec: 'h264',
    audio_codec: 'aac',
    audio_channels: 2,
    sample_rate: 48000,
    waveform: null,
  };
}

/** An active, unsponsored campaign without dates or budget, created and last changed at `at`. */
export function campaignBase(id: string, name: string, at: string): Campaign {
  return {
    id,
    name,
    goal: null,
    starts_on: null,
    ends_on: null,
    timezone: 'UTC',
    sponsored: false,
    budget: null,
    currency: null,
    notes: null,
    archived: false,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

/** A finished TikTok render of `assetId`: a 12 s 1080×1920 file of 12.4 MB that is still on disk. */
export function renderBase(id: string, assetId: string, at: string): RenderRecord {
  return {
    id,
    asset_id: assetId,
    preset: 'tiktok',
    state: 'done',
    output: `/renders/${assetId}-tiktok-${id}.mp4`,
    output_exists: true,
    size_bytes: 12_400_000,
    width: 1080,
    height: 1920,
    duration_s: 12,
    encoder: 'libx264',
    error_code: null,
    error_message: null,
    request: null,
    created_at: at,
  };
}

/** A target of a post to an X account `acct-x` (@democreator), queued, with no history. */
export function targetBase(id: string, over: Partial<TargetView> = {}): TargetView {
  return {
    id,
    account_id: 'acct-x',
    platform: 'x' satisfies PlatformId,
    platform_name: 'X',
    handle: '@democreator',
    media: null,
    overrides: { caption: null, title: null, hashtags: [], first_comment: null, thread_parts: [], privacy: null, options: {} },
    state: 'queued',
    upload_progress: null,
    attempts: 0,
    next_attempt_at: null,
    post_url: null,
    platform_post_id: null,
    published_at: null,
    late_by_s: null,
    failure_code: null,
    failure_message: null,
    attention: null,
    events: [],
    ...over,
  };
}

/** A post of campaign `campaignId` scheduled at `at` (UTC; a draft when null) to the given targets. */
export function postBase(id: string, campaignId: string, at: string | null, targets: TargetView[]): PostView {
  return {
    id,
    campaign_id: campaignId,
    campaign_name: 'Seeded',
    caption: 'Hello from the calendar',
    title: null,
    media: null,
    state: at === null ? 'draft' : 'scheduled',
    scheduled_at: at,
    scheduled_local: at === null ? null : at.replace(/(\.\d+)?Z$/, '+00:00'),
    timezone: at === null ? null : 'UTC',
    recurrence: null,
    recurrence_of: null,
    compliance_override: null,
    version: 1,
    targets,
  };
}

/** A published post and its latest metrics, as the in-memory backend's `history` seed takes it. */
export type HistoryRecord = { account_id: string; published_at: string; views: number; likes: number; comments: number; shares: number; saves: number };

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * `n` published posts of an account over the past weeks, for demos and tests: most go out in the
 * evening, and the ones on `strong` weekdays at `strongHour` do about twice as well.
 */
export function fakeHistory(accountId: string, n: number, opts: { strong?: number[]; strongHour?: number; now?: number } = {}): HistoryRecord[] {
  const now = opts.now ?? Date.now();
  const strong = opts.strong ?? [1, 3];
  const strongHour = opts.strongHour ?? 18;
  const day = 86_400_000;
  const out: HistoryRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    const h = fnv(`${accountId}#${i}`);
    const start = new Date(now - (i + 1) * 2 * day);
    start.setUTCMinutes(0, 0, 0);
    const weekday = (start.getUTCDay() + 6) % 7;
    const hour = strong.includes(weekday) ? strongHour : [9, 12, 16, 19, 21][h % 5]!;
    start.setUTCHours(hour);
    const views = 800 + (h % 4000);
    const boost = strong.includes(weekday) && hour === strongHour ? 2 : 1;
    const likes = Math.round(views * (0.03 + ((h >>> 8) % 30) / 1000) * boost);
    out.push({
      account_id: accountId, published_at: start.toISOString(), views, likes, comments: Math.round(likes / 8), shares: Math.round(likes / 12),
      saves: Math.round(likes / 15),
    });
  }
  return out;
}

/** A history row with what the analytics screen also reads (a scenario seed's `history`, see crates/studio-api/src/bin/gen_fixtures). */
export type AnalyticsRecord = HistoryRecord & { post_id: string; campaign_id: string; caption: string; score: number; model_kind: ModelKind; watch_time_s: number };

const CAPTIONS = [
  'Three tips for better shorts',
  'Behind the scenes of the spring shoot',
  'What I learned from 100 edits',
  'Before / after: colour grading in 30 s',
  'The one mic setting I always change',
  'Q&A: how I plan a week of posts',
  'Studio tour, part 2',
  'Why I stopped using trending sounds',
];

/**
 * `fakeHistory` where each row is its own post (`<accountId>-post-<i>`) of one of `campaigns` in
 * turn, with a caption and the score it got before publishing. The score loosely follows how the
 * post did (plus noise), as a useful score would; tests assert on the aggregation, not on it.
 */
export function fakeAnalyticsHistory(
  accountId: string,
  n: number,
  opts: { campaigns: string[]; strong?: number[]; strongHour?: number; now?: number },
): AnalyticsRecord[] {
  return fakeHistory(accountId, n, opts).map((r, i) => {
    const h = fnv(`${accountId}@${i}`);
    const rate = (r.likes + r.comments + r.shares + r.saves) / r.views;
    return {
      ...r,
      post_id: `${accountId}-post-${i}`,
      campaign_id: opts.campaigns[i % opts.campaigns.length]!,
      caption: `${CAPTIONS[h % CAPTIONS.length]!} #${i + 1}`,
      score: Math.max(5, Math.min(98, Math.round(35 + rate * 600 + (h % 21) - 10))),
      model_kind: i < n / 2 ? 'learned' : 'prior',
      watch_time_s: Math.round(r.views * (6 + (h % 9))),
    };
  });
}
