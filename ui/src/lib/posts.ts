/**
 * Pure helpers for posts and their targets: what each state is called and allows, the effective
 * caption (as studio-api's posts.rs builds it), the over-the-limit part of a caption, platform
 * safe areas and recurrence in words.
 */
import type { CaptionPreview, PlatformId, PostState, PostView, Recurrence, TargetOverrides, TargetState } from '../backend';

export const TARGET_STATE_LABEL: Record<TargetState, string> = {
  draft: 'Draft',
  queued: 'Queued',
  uploading: 'Uploading',
  processing: 'Processing',
  published: 'Published',
  failed: 'Failed',
  unconfirmed: 'Unconfirmed',
  needs_reconnect: 'Needs reconnect',
  cancelled: 'Cancelled',
  needs_review: 'Needs review',
};

export const POST_STATE_LABEL: Record<PostState, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** Targets the creator has to look at. */
export const ATTENTION_STATES: ReadonlySet<TargetState> = new Set(['failed', 'unconfirmed', 'needs_reconnect', 'needs_review']);

/** The post is live but some of its thread or its first comment did not post. */
export const REPLIES_FAILED = 'replies_failed';
export const canRetryFollowUps = (t: { state: TargetState; attention: string | null }) => t.state === 'published' && t.attention === REPLIES_FAILED;
export const canRetry = (s: TargetState) => s === 'failed' || s === 'needs_reconnect' || s === 'needs_review' || s === 'unconfirmed';
export const canCancel = (s: TargetState) => s === 'queued' || s === 'needs_review';
export const canMarkPosted = (s: TargetState) => s === 'unconfirmed' || s === 'failed';
export const canEdit = (p: Pick<PostView, 'state'>) => p.state === 'draft' || p.state === 'scheduled';
export const canUnschedule = (p: Pick<PostView, 'state'>) => p.state === 'scheduled';
/** Only a scheduled post moves; once it publishes (or is done) its time is history. */
export const canDrag = (p: Pick<PostView, 'state' | 'scheduled_at'>) => p.state === 'scheduled' && p.scheduled_at !== null;
export const canDelete = (p: Pick<PostView, 'state'>) => p.state !== 'publishing';

export function emptyOverrides(): TargetOverrides {
  return { caption: null, title: null, hashtags: [], first_comment: null, thread_parts: [], privacy: null, options: {} };
}

/** The caption a target posts: its own or the base one, with its extra hashtags appended (posts.rs). */
export function effectiveCaption(base: string, o: TargetOverrides): string {
  let caption = o.caption ?? base;
  const words = caption.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
  const tags = o.hashtags
    .map((t) => t.trim().replace(/^#+/, ''))
    .filter((t) => t !== '')
    .map((t) => `#${t}`)
    .filter((t) => !words.includes(t.toLowerCase()));
  if (tags.length > 0) {
    if (caption !== '' && !/\s$/.test(caption)) caption += ' ';
    caption += tags.join(' ');
  }
  return caption;
}

export function effectiveTitle(base: string | null, o: TargetOverrides): string | null {
  const t = o.title ?? base;
  return t !== null && t.trim() !== '' ? t : null;
}

/** The caption split where the platform's limit falls (`fits_chars` counts Unicode scalar values). */
export function captionParts(c: CaptionPreview): { fits: string; over: string } {
  if (c.fits_chars === null) return { fits: c.text, over: '' };
  const chars = Array.from(c.text);
  return { fits: chars.slice(0, c.fits_chars).join(''), over: chars.slice(c.fits_chars).join('') };
}

/** "9:16" → 0.5625 (width / height); null when unreadable. */
export function aspectValue(aspect: string | null): number | null {
  if (!aspect) return null;
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspect);
  if (!m) return null;
  const [w, h] = [Number(m[1]), Number(m[2])];
  return w > 0 && h > 0 ? w / h : null;
}

export type SafeArea = { bottom: number; right: number; label: string };

/**
 * Where the platform's own buttons and caption cover a full-screen vertical video: TikTok, and
 * Reels (Instagram, Facebook) and Shorts (YouTube) when the video is upright. Fractions of height
 * and width.
 */
export function safeArea(platform: PlatformId, aspect: number | null): SafeArea | null {
  const upright = aspect !== null && aspect < 0.8;
  if (platform === 'tiktok') return { bottom: 0.2, right: 0.15, label: 'TikTok' };
  if (!upright) return null;
  if (platform === 'instagram' || platform === 'facebook') return { bottom: 0.2, right: 0.15, label: 'Reels' };
  if (platform === 'youtube') return { bottom: 0.2, right: 0.15, label: 'Shorts' };
  return null;
}

export const WEEKDAYS = [
  { iso: 1, short: 'Mon', long: 'Monday' },
  { iso: 2, short: 'Tue', long: 'Tuesday' },
  { iso: 3, short: 'Wed', long: 'Wednesday' },
  { iso: 4, short: 'Thu', long: 'Thursday' },
  { iso: 5, short: 'Fri', long: 'Friday' },
  { iso: 6, short: 'Sat', long: 'Saturday' },
  { iso: 7, short: 'Sun', long: 'Sunday' },
] as const;

/** The generated type leaves `weekdays`, `until` and `count` optional (serde defaults): fill them in. */
export function fullRecurrence(r: Recurrence): { freq: Recurrence['freq']; interval: number; weekdays: number[]; until: string | null; count: number | null } {
  return { freq: r.freq, interval: r.interval, weekdays: r.weekdays ?? [], until: r.until ?? null, count: r.count ?? null };
}

/** "Every 2 weeks on Mon, Wed, until 2026-12-31" */
export function recurrenceSummary(recurrence: Recurrence | null): string {
  if (!recurrence) return 'Does not repeat';
  const r = fullRecurrence(recurrence);
  const unit = r.freq === 'daily' ? 'day' : 'week';
  let text = r.interval === 1 ? `Every ${unit}` : `Every ${r.interval} ${unit}s`;
  if (r.freq === 'weekly' && r.weekdays.length > 0) {
    text += ` on ${[...r.weekdays].sort((a, b) => a - b).map((d) => WEEKDAYS[d - 1]?.short ?? d).join(', ')}`;
  }
  if (r.count !== null) text += `, ${r.count} ${r.count === 1 ? 'time' : 'times'}`;
  if (r.until !== null) text += `, until ${r.until}`;
  return text;
}
