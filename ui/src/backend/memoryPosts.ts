/**
 * The scheduler half of the in-memory backend: posts with per-account targets, live validation,
 * scheduling, the queue, posting slots, compliance settings, the scheduler's health and
 * notifications. It follows crates/studio-api/src/posts.rs and the scheduler contract; there is
 * no publisher, so targets only move when the creator acts (retry, cancel, mark as posted) or a
 * seed says so.
 * - Validation (studio-api's validate.rs) counts each caption the way its platform does
 *   (lib/captionCount.ts: characters, UTF-16 units, UTF-8 bytes, graphemes, X's weighted
 *   characters; Mastodon and X count a link as 23) against `accountPlatforms()`' limits, and reports hashtags,
 *   titles (YouTube needs one), media (every platform needs a video or an image; Facebook takes
 *   9:16 videos; durations), first comments and thread parts (posted as replies where the platform takes them).
 *   An asset that is not 9:16 gets a "tiktok" / "reels" variant for TikTok, Instagram and
 *   Facebook (`render_preset`), which makes its shape fine.
 * - Compliance, per account: a sponsored campaign's captions need #ad, #sponsored (…) or the
 *   option branded_content=true; banned terms; at most `max_links` links in the caption.
 * - Scheduling (schedule.rs) refuses, in this order, platform problems (`invalid_input`),
 *   compliance issues without an override reason (`compliance_failed`), then an unreadable,
 *   missing or past time (`invalid_time`, a minute of grace) and "next free slot" without slots.
 */
import type { AccountView, Campaign, PlatformView } from './bindings';
import { BackendError } from './errors';
import type {
  AccountHealth,
  ComplianceIssue,
  ComplianceSettings,
  ErrorCode,
  LeaseView,
  MediaPreview,
  NotificationView,
  PostInput,
  PostQuery,
  PostState,
  PostView,
  Problem,
  QueueItem,
  Recurrence,
  ScheduleRequest,
  SchedulerEventView,
  SchedulerStatus,
  SlotsInput,
  SlotView,
  TargetCheck,
  TargetOverrides,
  TargetState,
  TargetView,
  ValidationView,
} from './types';
import { captionLength, isLink, unitLabel } from '../lib/captionCount';
import { ATTENTION_STATES, effectiveCaption, effectiveTitle, emptyOverrides, fullRecurrence } from '../lib/posts';
import { addDaysToDate, dateOf, isoWeekday, isValidZone, rfc3339InZone, wallClock, zonedToInstant } from '../lib/zoned';
import { isValidDate } from '../lib/format';

/** What a media id (asset or render) is, as far as validation cares. */
export type MediaFacts = { kind: 'video' | 'image' | 'audio' | 'other'; width: number | null; height: number | null; duration_s: number | null; render: boolean };

export interface SchedulerSeed {
  paused?: boolean;
  /** null: no publisher is running. Default: this app holds a live lease. */
  lease?: LeaseView | null;
  restarts?: number;
  last_restart?: string | null;
  events?: SchedulerEventView[];
}

export interface PostStoreOptions {
  posts?: PostView[];
  compliance?: ComplianceSettings;
  slots?: SlotsInput[];
  scheduler?: SchedulerSeed;
  notifications?: NotificationView[];
  platforms: readonly PlatformView[];
  timezones: readonly string[];
  accounts: () => AccountView[];
  campaign: (id: string) => Campaign | undefined;
  media: (id: string) => MediaFacts | undefined;
}

function fail(code: ErrorCode, message: string): never {
  throw new BackendError(code, message);
}

const group = (n: number) => n.toLocaleString('en-US');
const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** How many leading Unicode scalar values of `text` fit in `limit`; null when it all fits. */
export function fitsChars(platform: PlatformView, text: string, limit: number): number | null {
  if (captionLength(platform, text) <= limit) return null;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (captionLength(platform, chars.slice(0, mid).join('')) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const ASPECTS: [number, number][] = [[9, 16], [16, 9], [1, 1], [4, 5], [4, 3], [3, 4]];

/** 1080×1920 → "9:16" (a common ratio within 2%, else the reduced fraction). */
export function aspectName(width: number, height: number): string {
  const r = width / height;
  const known = ASPECTS.find(([a, b]) => Math.abs(r / (a / b) - 1) < 0.02);
  if (known) return `${known[0]}:${known[1]}`;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(width, height);
  return `${width / g}:${height / g}`;
}

const REQUIRED_ASPECT: Partial<Record<string, string>> = { facebook: '9:16' };
/** validate.rs variant_preset: the preset that makes the platform's preferred vertical shape. */
const PRESET: Partial<Record<string, string>> = { tiktok: 'tiktok', instagram: 'reels', facebook: 'reels' };
const DISCLOSURES = new Set(['#ad', '#sponsored', '#anzeige', '#publicidad', '#paidpartnership']);

const clean = (v: string | null): string | null => {
  const t = v?.trim() ?? '';
  return t === '' ? null : t;
};

type Stored = PostView & { created: number };

export function createPostStore(opts: PostStoreOptions) {
  const posts: Stored[] = (opts.posts ?? []).map((p, i) => ({ ...structuredClone(p), created: i }));
  let compliance: ComplianceSettings = structuredClone(opts.compliance ?? { banned_terms: [], max_links: 2 });
  const slots = new Map<string, SlotView[]>(
    (opts.slots ?? []).map((s) => [s.account_id, s.slots.map((x) => ({ ...x, timezone: s.timezone }))]),
  );
  let paused = opts.scheduler?.paused ?? false;
  const schedulerEvents: SchedulerEventView[] = [...(opts.scheduler?.events ?? [])];
  const notifications: NotificationView[] = structuredClone(opts.notifications ?? []);
  const started = Date.now();
  let counter = posts.length;

  const newId = (kind: string) => {
    counter += 1;
    return `${kind}-${Date.now().toString(36)}-${counter}`;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const platform = (id: string): PlatformView => opts.platforms.find((p) => p.id === id) ?? fail('internal', `unknown platform ${id}`);
  const account = (id: string): AccountView => opts.accounts().find((a) => a.id === id) ?? fail('not_found', `No account with id ${id}.`);
  const find = (id: string): Stored => posts.find((p) => p.id === id) ?? fail('not_found', `No post with id ${id}.`);
  const findTarget = (id: string): [Stored, TargetView] => {
    for (const p of posts) {
      const t = p.targets.find((x) => x.id === id);
      if (t) return [p, t];
    }
    return fail('not_found', `No target with id ${id}.`);
  };
  const copy = (p: Stored, withEvents = true): PostView => {
    const { created: _created, ...view } = structuredClone(p);
    if (!withEvents) view.targets = view.targets.map((t) => ({ ...t, events: [] }));
    return view;
  };
  const event = (t: TargetView, state: TargetState, detail: string | null) => t.events.push({ at: iso(Date.now()), state, detail });
  const touch = (p: Stored) => {
    p.version += 1;
  };

  /** A post's state follows its targets once it is scheduled. */
  function settle(p: Stored): void {
    const s = p.targets.map((t) => t.state);
    let next: PostState;
    if (s.every((x) => x === 'draft')) next = 'draft';
    else if (s.every((x) => x === 'cancelled')) next = 'cancelled';
    else if (s.every((x) => x === 'published' || x === 'cancelled')) next = 'done';
    else if (s.some((x) => x !== 'queued' && x !== 'draft' && x !== 'cancelled')) next = 'publishing';
    else next = 'scheduled';
    p.state = next;
  }

  /** Checks the shape (not the platforms' rules: a draft may be over a limit). */
  function checkShape(input: PostInput): void {
    opts.campaign(input.campaign_id) ?? fail('not_found', `No campaign with id ${input.campaign_id}.`);
    if (Array.from(input.caption).length > 100_000) fail('invalid_input', 'the caption is longer than 100000 characters');
    if (input.targets.length === 0) fail('invalid_input', 'choose at least one account to post to');
    const seen = new Set<string>();
    for (const t of input.targets) {
      account(t.account_id);
      if (seen.has(t.account_id)) fail('invalid_input', 'an account is chosen twice');
      seen.add(t.account_id);
      if (t.media !== null && !opts.media(t.media)) fail('not_found', `"${t.media}" is not an asset or a render in the library; import the file first`);
    }
    if (input.media !== null && !opts.media(input.media)) {
      fail('not_found', `"${input.media}" is not an asset or a render in the library; import the file first`);
    }
  }

  function mediaPreview(platformId: string, id: string | null, problems: Problem[], name: string): MediaPreview | null {
    if (id === null) {
      problems.push({ field: 'media', message: `${name} needs a video or an image` });
      return null;
    }
    const m = opts.media(id);
    if (!m) {
      problems.push({ field: 'media', message: `"${id}" is not in the library any more` });
      return null;
    }
    const p = platform(platformId);
    if (m.kind === 'audio' || m.kind === 'other') problems.push({ field: 'media', message: 'an audio file cannot be posted on its own; render it with a picture first' });
    if (m.kind === 'image' && p.limits.images_max === 0) problems.push({ field: 'media', message: `${name} takes videos only` });
    const aspect = m.width && m.height ? aspectName(m.width, m.height) : null;
    const required = m.kind === 'video' ? (REQUIRED_ASPECT[platformId] ?? null) : null;
    // An asset of another shape gets the platform's vertical variant rendered when scheduled.
    const upright = m.width !== null && m.height !== null && Math.abs(m.width / m.height / 0.5625 - 1) <= 0.02;
    const preset = !m.render && m.kind === 'video' && !upright ? (PRESET[platformId] ?? null) : null;
    const aspectOk = preset !== null || required === null || aspect === null || aspect === required;
    if (!aspectOk) problems.push({ field: 'media', message: `video is ${m.width}x${m.height}, ${name} takes ${required}` });
    if (m.kind === 'video' && m.duration_s !== null) {
      const { video_duration_min_s: min, video_duration_max_s: max } = p.limits;
      if (min !== null && m.duration_s < min) problems.push({ field: 'media', message: `video is ${m.duration_s.toFixed(1)} s, ${name} needs at least ${min} s` });
      if (max !== null && m.duration_s > max) problems.push({ field: 'media', message: `video is ${m.duration_s.toFixed(1)} s, ${name} allows ${max} s` });
    }
    return {
      width: m.width, height: m.height, duration_s: m.duration_s, aspect, required_aspect: required, aspect_ok: aspectOk,
      render_preset: preset,
    };
  }

  function checkTarget(input: PostInput, t: PostInput['targets'][number]): TargetCheck {
    const a = account(t.account_id);
    const p = platform(a.platform);
    const o = t.overrides;
    const problems: Problem[] = [];
    if (a.status === 'needs_reconnect') problems.push({ field: 'account', message: `${p.name} needs reconnecting before it can post` });
    const text = effectiveCaption(input.caption, o);
    const count = captionLength(p, text);
    const limit = p.limits.caption_max;
    const unit = unitLabel(p.limits.caption_unit);
    if (count > limit) problems.push({ field: 'caption', message: `caption is ${group(count)} ${unit}, ${p.name} allows ${group(limit)}` });
    const tags = words(text).filter((w) => w.startsWith('#') && w.length > 1).length;
    if (p.limits.hashtags_max !== null && tags > p.limits.hashtags_max) {
      problems.push({ field: 'caption', message: `${tags} hashtags, ${p.name} allows ${p.limits.hashtags_max}` });
    }
    const title = effectiveTitle(input.title, o);
    if (title === null && p.id === 'youtube') problems.push({ field: 'title', message: `${p.name} needs a title` });
    if (title !== null && p.limits.title_max !== null && Array.from(title).length > p.limits.title_max) {
      problems.push({ field: 'title', message: `title is ${Array.from(title).length} characters, ${p.name} allows ${p.limits.title_max}` });
    }
    problems.push(...followUpProblems(p, o));
    const media = mediaPreview(p.id, t.media ?? input.media, problems, p.name);
    return {
      account_id: a.id, platform: p.id, platform_name: p.name, handle: a.handle,
      caption: { text, count, limit, unit, fits_chars: fitsChars(p, text, limit) },
      title, media, problems,
    };
  }

  function followUpProblems(p: PlatformView, o: TargetOverrides): Problem[] {
    const comment = clean(o.first_comment);
    const parts = o.thread_parts.filter((x) => x.trim() !== '');
    const out: Problem[] = [];
    if (!p.replies) {
      if (comment !== null) out.push({ field: 'first_comment', message: `${p.name} does not take first comments through its API; remove it or add it by hand after publishing` });
      if (parts.length > 0) out.push({ field: 'thread_parts', message: `${p.name} has no threads through its API; post the first part now and the rest by hand` });
      return out;
    }
    const unit = unitLabel(p.limits.caption_unit);
    const limit = p.limits.caption_max;
    const over = (what: string, text: string, field: string) => {
      const n = captionLength(p, text);
      if (n > limit) out.push({ field, message: `${what} is ${group(n)} ${unit}, ${p.name} allows ${group(limit)}` });
    };
    parts.forEach((x, i) => over(`part ${i + 2}`, x, 'thread_parts'));
    if (comment !== null) over('the first comment', comment, 'first_comment');
    return out;
  }

  function complianceIssues(input: PostInput): ComplianceIssue[] {
    const sponsored = opts.campaign(input.campaign_id)?.sponsored ?? false;
    const issues: ComplianceIssue[] = [];
    for (const t of input.targets) {
      const a = opts.accounts().find((x) => x.id === t.account_id);
      if (!a) continue;
      const name = platform(a.platform).name;
      const caption = effectiveCaption(input.caption, t.overrides);
      const flag = t.overrides.options.branded_content;
      const disclosed = flag === 'true' || flag === '1' || caption.split(/[\s,.]+/).some((w) => DISCLOSURES.has(w.toLowerCase()));
      if (sponsored && !disclosed) {
        issues.push({ code: 'disclosure_missing', message: `this campaign is sponsored: the ${name} caption needs #ad or #sponsored, or the branded-content option`, account_id: a.id });
      }
      const lower = caption.toLowerCase();
      for (const term of compliance.banned_terms) {
        if (lower.includes(term.toLowerCase())) issues.push({ code: 'banned_term', message: `the ${name} caption contains the banned term "${term}"`, account_id: a.id });
      }
      const links = words(caption).filter(isLink).length;
      if (links > compliance.max_links) {
        issues.push({ code: 'too_many_links', message: `the ${name} caption has ${links} links; your limit is ${compliance.max_links}`, account_id: a.id });
      }
    }
    return issues;
  }

  function validate(input: PostInput): ValidationView {
    const targets = input.targets.filter((t) => opts.accounts().some((a) => a.id === t.account_id)).map((t) => checkTarget(input, t));
    const issues = opts.campaign(input.campaign_id) ? complianceIssues(input) : [];
    const valid = targets.length > 0 && targets.every((t) => t.problems.length === 0);
    return { targets, compliance: issues, valid, can_schedule: valid && issues.length === 0 };
  }

  function inputOf(p: PostView): PostInput {
    return {
      campaign_id: p.campaign_id, caption: p.caption, title: p.title, media: p.media,
      targets: p.targets.map((t) => ({ account_id: t.account_id, media: t.media === p.media ? null : t.media, overrides: structuredClone(t.overrides) })),
    };
  }

  function buildTargets(input: PostInput, previous: TargetView[], state: TargetState): TargetView[] {
    return input.targets.map((t) => {
      const a = account(t.account_id);
      const old = previous.find((x) => x.account_id === t.account_id);
      const overrides: TargetOverrides = { ...emptyOverrides(), ...structuredClone(t.overrides) };
      if (old) return { ...old, media: t.media ?? input.media, overrides };
      const target: TargetView = {
        id: newId('target'), account_id: a.id, platform: a.platform, platform_name: a.platform_name, handle: a.handle,
        media: t.media ?? input.media, overrides, state, upload_progress: null, attempts: 0, next_attempt_at: null, post_url: null,
        platform_post_id: null, published_at: null, late_by_s: null, failure_code: null, failure_message: null, attention: null, events: [],
      };
      event(target, state, state === 'draft' ? 'Saved as a draft' : 'Added to a scheduled post');
      return target;
    });
  }

  function parseAt(at: string, tz: string): number {
    const t = at.trim();
    if (/(Z|[+-]\d{2}:\d{2})$/i.test(t) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms;
    }
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?$/.exec(t);
    const ms = m ? zonedToInstant(m[1]!, m[2]!, tz) : null;
    return ms ?? fail('invalid_time', `“${at}” is not a time; use 2026-03-29T18:00 or RFC 3339`);
  }

  function checkRecurrence(given: Recurrence | null): Recurrence | null {
    if (given === null) return null;
    const r = fullRecurrence(given);
    const bad = (why: string): never => fail('invalid_input', `repeat: ${why}`);
    if (!Number.isInteger(r.interval) || r.interval < 1 || r.interval > 365) bad('the interval must be between 1 and 365');
    if (r.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) bad('weekdays are 1 (Monday) to 7 (Sunday)');
    if (r.freq === 'daily' && r.weekdays.length > 0) bad('weekdays only apply to weekly posts');
    if (r.until !== null && !isValidDate(r.until)) bad(`“${r.until}” is not a YYYY-MM-DD date`);
    if (r.count !== null && (!Number.isInteger(r.count) || r.count < 1)) bad('the count must be at least 1');
    return { ...r, weekdays: [...new Set(r.weekdays)].sort((a, b) => a - b) };
  }

  /** Scheduled instants of other posts per account (a slot within a minute of one is taken). */
  function taken(accountIds: string[], except: string, at: number): boolean {
    return posts.some(
      (p) => p.id !== except && p.scheduled_at !== null && p.state !== 'cancelled' && p.targets.some((t) => accountIds.includes(t.account_id)) &&
        Math.abs(Date.parse(p.scheduled_at) - at) < 60_000,
    );
  }

  function nextSlot(p: Stored, now: number): number {
    const ids = p.targets.map((t) => t.account_id);
    const all = ids.flatMap((id) => slots.get(id) ?? []);
    if (all.length === 0) fail('invalid_time', 'none of these accounts has posting slots; add some on the Accounts screen');
    let best: number | null = null;
    for (const s of all) {
      const today = dateOf(wallClock(now, s.timezone));
      let date = addDaysToDate(today, (s.weekday - isoWeekday(today) + 7) % 7);
      for (let week = 0; week < 26; week += 1, date = addDaysToDate(date, 7)) {
        const at = zonedToInstant(date, s.time, s.timezone);
        if (at !== null && at > now && !taken(ids, p.id, at)) {
          best = best === null ? at : Math.min(best, at);
          break;
        }
      }
    }
    return best ?? fail('invalid_time', 'no free slot in the next 26 weeks');
  }

  function schedule(req: ScheduleRequest): PostView {
    const p = find(req.post_id);
    if (req.expected_version !== null && req.expected_version !== p.version) fail('conflict', 'This post was changed elsewhere. Reload it and try again.');
    if (p.state !== 'draft' && p.state !== 'scheduled') fail('conflict', `This post is ${p.state}; it can no longer be rescheduled.`);
    const check = validate(inputOf(p));
    if (!check.valid) {
      const first = check.targets.flatMap((t) => t.problems.map((x) => `${t.platform_name}: ${x.message}`)).slice(0, 3);
      fail('invalid_input', first.length === 0 ? 'nothing to publish: choose an account' : first.join('; '));
    }
    const reason = clean(req.override_reason);
    if (check.compliance.length > 0 && reason === null) {
      fail('compliance_failed', `${check.compliance.map((c) => c.message).join('; ')}. Fix it, or give a reason to override.`);
    }
    const campaign = opts.campaign(p.campaign_id);
    const tz = clean(req.timezone) ?? p.timezone ?? campaign?.timezone ?? 'UTC';
    if (!opts.timezones.includes(tz) || !isValidZone(tz)) fail('invalid_timezone', `Unknown time zone "${tz}".`);
    const now = Date.now();
    let at: number;
    if (req.now) at = now;
    else if (req.next_slot) at = nextSlot(p, now);
    else {
      const text = clean(req.at) ?? fail('invalid_time', 'choose a time, post now or the next slot');
      at = parseAt(text, tz);
      if (at < now - 60_000) fail('invalid_time', `${rfc3339InZone(at, tz)} is in the past; choose a later time or post now`);
    }
    const recurrence = checkRecurrence(req.recurrence);
    p.scheduled_at = iso(at);
    p.timezone = tz;
    p.scheduled_local = rfc3339InZone(at, tz);
    p.recurrence = recurrence;
    p.compliance_override = check.compliance.length > 0 ? reason : null;
    const when = req.now ? 'Posting now' : `Scheduled for ${p.scheduled_local.slice(0, 16).replace('T', ' ')} ${tz}`;
    for (const t of p.targets) {
      if (t.state === 'draft' || t.state === 'queued') {
        t.state = 'queued';
        event(t, 'queued', when);
      }
    }
    settle(p);
    touch(p);
    return copy(p);
  }

  function unschedule(id: string): PostView {
    const p = find(id);
    if (p.state !== 'scheduled') fail('conflict', `This post is ${p.state}; only a scheduled post can be unscheduled.`);
    for (const t of p.targets) {
      if (t.state === 'queued' || t.state === 'needs_review') {
        t.state = 'draft';
        t.attention = null;
        event(t, 'draft', 'Unscheduled');
      }
    }
    p.scheduled_at = null;
    p.scheduled_local = null;
    p.recurrence = null;
    settle(p);
    touch(p);
    return copy(p);
  }

  function changeTarget(id: string, allowed: (s: TargetState) => boolean, verb: string, apply: (t: TargetView, p: Stored) => void): PostView {
    const [p, t] = findTarget(id);
    if (!allowed(t.state)) fail('conflict', `A ${t.state.replace('_', ' ')} target cannot be ${verb}.`);
    apply(t, p);
    settle(p);
    touch(p);
    return copy(p);
  }

  function queue(): QueueItem[] {
    const due = (p: PostView, t: TargetView) => t.next_attempt_at ?? p.scheduled_at ?? iso(0);
    return posts
      .filter((p) => p.state === 'scheduled' || p.state === 'publishing')
      .flatMap((p) =>
        p.targets
          .filter((t) => ['queued', 'needs_review', 'uploading', 'processing'].includes(t.state) || (t.state === 'failed' && t.next_attempt_at !== null))
          .map((t) => ({
            post_id: p.id, target_id: t.id, account_id: t.account_id, platform: t.platform, handle: t.handle,
            caption: Array.from(effectiveCaption(p.caption, t.overrides)).slice(0, 80).join(''), due_at: due(p, t), state: t.state,
            attempts: t.attempts, next_attempt_at: t.next_attempt_at,
          })),
      )
      .sort((a, b) => a.due_at.localeCompare(b.due_at));
  }

  function lease(now: number): LeaseView | null {
    if (opts.scheduler?.lease !== undefined) return opts.scheduler.lease && { ...opts.scheduler.lease };
    return {
      owner_label: 'Viral Studio (this app)', since: iso(started), heartbeat_at: iso(now - (now % 10_000)),
      expires_at: iso(now - (now % 10_000) + 30_000), alive: true,
    };
  }

  function status(): SchedulerStatus {
    const now = Date.now();
    const targets = posts.filter((p) => p.state !== 'draft').flatMap((p) => p.targets.map((t) => ({ p, t })));
    const count = (f: (x: { p: PostView; t: TargetView }) => boolean) => targets.filter(f).length;
    const accounts: AccountHealth[] = opts.accounts().map((a) => {
      const failed = targets
        .filter(({ t }) => t.account_id === a.id && t.failure_message !== null)
        .map(({ t }) => ({ t, at: t.events.at(-1)?.at ?? null }))
        .sort((x, y) => (y.at ?? '').localeCompare(x.at ?? ''))[0];
      return {
        account_id: a.id, platform: a.platform, handle: a.handle, status: a.status, last_error: failed?.t.failure_message ?? null,
        last_error_at: failed?.at ?? null, paused_until: null,
      };
    });
    return {
      paused, lease: lease(now),
      queued: count(({ t }) => t.state === 'queued'),
      due_now: count(({ p, t }) => t.state === 'queued' && Date.parse(t.next_attempt_at ?? p.scheduled_at ?? '') <= now),
      running: count(({ t }) => t.state === 'uploading' || t.state === 'processing'),
      needs_review: count(({ t }) => t.state === 'needs_review'),
      needs_attention: count(({ t }) => ATTENTION_STATES.has(t.state)),
      restarts: opts.scheduler?.restarts ?? 0,
      last_restart: opts.scheduler?.last_restart ?? null,
      accounts, next: queue().slice(0, 3),
      events: [...schedulerEvents].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20),
    };
  }

  return {
    create(input: PostInput): PostView {
      checkShape(input);
      const c = opts.campaign(input.campaign_id)!;
      const p: Stored = {
        id: newId('post'), campaign_id: c.id, campaign_name: c.name, caption: input.caption, title: clean(input.title), media: input.media,
        state: 'draft', scheduled_at: null, scheduled_local: null, timezone: null, recurrence: null, recurrence_of: null,
        compliance_override: null, version: 1, targets: [], created: counter,
      };
      p.targets = buildTargets(input, [], 'draft');
      posts.push(p);
      return copy(p);
    },
    update(id: string, input: PostInput, expected: number | null): PostView {
      const p = find(id);
      if (expected !== null && expected !== p.version) fail('conflict', 'This post was changed elsewhere. Reload it and try again.');
      if (p.state !== 'draft' && p.state !== 'scheduled') fail('conflict', `This post is ${p.state}; it can no longer be edited.`);
      checkShape(input);
      const c = opts.campaign(input.campaign_id)!;
      Object.assign(p, { campaign_id: c.id, campaign_name: c.name, caption: input.caption, title: clean(input.title), media: input.media });
      p.targets = buildTargets(input, p.targets, p.state === 'scheduled' ? 'queued' : 'draft');
      touch(p);
      return copy(p);
    },
    get: (id: string) => copy(find(id)),
    list(q: PostQuery): PostView[] {
      const from = q.from === null ? null : Date.parse(q.from);
      const to = q.to === null ? null : Date.parse(q.to);
      if (Number.isNaN(from) || Number.isNaN(to)) fail('invalid_time', 'the calendar range is not RFC 3339');
      return posts
        .filter((p) => q.campaign_id === null || p.campaign_id === q.campaign_id)
        .filter((p) => {
          if (p.scheduled_at === null) return q.drafts && p.state === 'draft';
          const at = Date.parse(p.scheduled_at);
          return (from === null || at >= from) && (to === null || at < to);
        })
        .sort((a, b) => (a.scheduled_at ?? '').localeCompare(b.scheduled_at ?? '') || a.created - b.created)
        .map((p) => copy(p, false));
    },
    remove(id: string): void {
      const p = find(id);
      if (p.state === 'publishing') fail('conflict', 'This post is publishing; wait until it is done, or cancel its targets.');
      posts.splice(posts.indexOf(p), 1);
    },
    validate,
    schedule,
    unschedule,
    retry: (id: string) =>
      findTarget(id)[1].state === 'published' && findTarget(id)[1].attention === 'replies_failed'
        ? changeTarget(id, (s) => s === 'published', 'retried', (t) => {
            t.attention = null;
            event(t, 'published', 'Retrying the thread and first comment');
          })
        : changeTarget(id, (s) => s === 'failed' || s === 'needs_reconnect' || s === 'needs_review' || s === 'unconfirmed', 'retried', (t) => {
        const a = account(t.account_id);
        if (a.status === 'needs_reconnect') fail('needs_reconnect', 'reconnect the account on the Accounts screen first');
        Object.assign(t, { state: 'queued', attention: null, next_attempt_at: null, failure_code: null, failure_message: null, upload_progress: null });
        event(t, 'queued', 'Retry requested');
      }),
    cancel: (id: string) =>
      changeTarget(id, (s) => s === 'queued' || s === 'needs_review', 'cancelled', (t) => {
        Object.assign(t, { state: 'cancelled', attention: null });
        event(t, 'cancelled', 'Cancelled by you');
      }),
    markPosted(id: string, url: string | null): PostView {
      const link = clean(url);
      if (link !== null && !/^https:\/\/\S+$/i.test(link)) fail('invalid_input', 'the link must start with https://');
      return changeTarget(id, (s) => s === 'unconfirmed' || s === 'failed', 'marked as posted', (t) => {
        Object.assign(t, { state: 'published', attention: null, post_url: link, published_at: iso(Date.now()), failure_code: null, failure_message: null });
        event(t, 'published', link ? `Marked as posted by you: ${link}` : 'Marked as posted by you');
      });
    },
    queue,
    slotsGet(accountId: string): SlotView[] {
      account(accountId);
      return (slots.get(accountId) ?? []).map((s) => ({ ...s }));
    },
    slotsSet(input: SlotsInput): SlotView[] {
      account(input.account_id);
      if (!opts.timezones.includes(input.timezone)) fail('invalid_timezone', `Unknown time zone "${input.timezone}".`);
      const seen = new Set<string>();
      const list: SlotView[] = [];
      for (const s of input.slots) {
        if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7) fail('invalid_input', 'weekdays are 1 (Monday) to 7 (Sunday)');
        const m = /^(\d{2}):(\d{2})$/.exec(s.time);
        if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) fail('invalid_time', `“${s.time}” is not a time like 18:00`);
        const key = `${s.weekday} ${s.time}`;
        if (!seen.has(key)) list.push({ weekday: s.weekday, time: s.time, timezone: input.timezone });
        seen.add(key);
      }
      list.sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time));
      slots.set(input.account_id, list);
      return list.map((s) => ({ ...s }));
    },
    complianceGet: () => structuredClone(compliance),
    complianceSet(s: ComplianceSettings): ComplianceSettings {
      if (!Number.isInteger(s.max_links) || s.max_links < 0 || s.max_links > 100) fail('invalid_input', 'the link limit must be a whole number from 0 to 100');
      const terms: string[] = [];
      for (const raw of s.banned_terms) {
        const t = raw.trim();
        if (t !== '' && !terms.some((x) => x.toLowerCase() === t.toLowerCase())) terms.push(t);
      }
      compliance = { banned_terms: terms, max_links: s.max_links };
      return structuredClone(compliance);
    },
    status,
    setPaused(value: boolean): SchedulerStatus {
      if (value !== paused) {
        paused = value;
        schedulerEvents.push({ at: iso(Date.now()), owner: 'Viral Studio (this app)', kind: value ? 'paused' : 'resumed', detail: value ? 'Paused by you' : 'Resumed by you' });
      }
      return status();
    },
    notifications: (limit: number) => [...notifications].sort((a, b) => b.at.localeCompare(a.at)).slice(0, Math.max(0, limit)).map((n) => ({ ...n })),
    markRead(ids: string[]): void {
      for (const n of notifications) if (ids.includes(n.id)) n.read = true;
    },
    /** For tests: every post as stored, with events. */
    dumpPosts: (): PostView[] => posts.map((p) => copy(p)),
  };
}
