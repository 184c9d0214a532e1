/**
 * The scheduler half of the in-memory backend: posts with per-account targets, scheduling, the
 * queue, posting slots, compliance settings, the scheduler's health and notifications, kept as
 * plain records (crates/studio-api/src/posts.rs and schedule.rs own the rules). There is no
 * publisher, so targets only move when the creator acts (retry, cancel, mark as posted) or a seed
 * says so.
 * - Validation is studio-api's own: `post_validate` answers are replayed from fixtures/validate.json
 *   (`make fixtures` answers each request of fixtures/requests/validate.json on a real
 *   database holding the same accounts, media, campaign and compliance settings). A request
 *   without an answer fails loudly: run the test with RECORD_REQUESTS=<file>, then
 *   `node scripts/add-requests.mjs <file>` and `make fixtures`.
 * - Which targets the creator may retry, cancel or mark as posted comes from studio-core's
 *   targets module (fixtures/rules.json).
 * - Scheduling refuses platform problems (`invalid_input`) and compliance issues without an
 *   override reason (`compliance_failed`); when it lands (the zone, the time, the next free slot,
 *   the repeat) is `schedule::resolve_when`'s answer from fixtures/schedule.json, asked with the
 *   post's zones, its accounts' slots and taken times and the clock to the minute.
 */
import type { AccountView, Campaign } from './bindings';
import { BackendError } from './errors';
import { answerBook, type Answered } from './memoryFixtures';
import type {
  AccountHealth,
  ComplianceSettings,
  ErrorCode,
  LeaseView,
  NotificationView,
  PostInput,
  PostQuery,
  PostState,
  PostView,
  QueueItem,
  Recurrence,
  ScheduleRequest,
  SchedulerEventView,
  SchedulerStatus,
  SlotsInput,
  SlotView,
  TargetOverrides,
  TargetState,
  TargetView,
  ValidationView,
} from './types';
import { ATTENTION_STATES, effectiveCaption, emptyOverrides } from '../lib/posts';
import rules from './fixtures/rules.json';
import scheduleAnswers from './fixtures/schedule.json';
import validateAnswers from './fixtures/validate.json';

/** What a media id (asset or render) is, as far as validation cares. */
export type MediaFacts = {
  kind: 'video' | 'image' | 'audio' | 'other'; width: number | null; height: number | null; duration_s: number | null; size_bytes: number; render: boolean;
};

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
  timezones: readonly string[];
  accounts: () => AccountView[];
  campaign: (id: string) => Campaign | undefined;
  media: (id: string) => MediaFacts | undefined;
}

function fail(code: ErrorCode, message: string): never {
  throw new BackendError(code, message);
}

const validated = answerBook<ValidationView>('validate', validateAnswers as Answered<unknown, ValidationView>[]);
/** When a schedule lands: `schedule::resolve_when`'s answers (fixtures/schedule.json). */
type Landed = { at_ms: number; timezone: string; recurrence: Recurrence | null; local: string };
const landed = answerBook<Landed>('schedule', scheduleAnswers as Answered<unknown, Landed>[]);
const MOVES: Record<'retry' | 'cancel' | 'mark_posted', readonly string[]> = rules.target_moves;

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

  function validate(input: PostInput): ValidationView {
    const known = opts.accounts().filter((a) => input.targets.some((t) => t.account_id === a.id));
    const targets = input.targets.filter((t) => known.some((a) => a.id === t.account_id));
    const ids = [input.media, ...targets.map((t) => t.media)].filter((m): m is string => m !== null);
    const media = Object.fromEntries(ids.flatMap((id) => (opts.media(id) ? [[id, opts.media(id)]] : [])));
    const request = {
      input: { ...input, targets }, accounts: known.map((a) => ({ id: a.id, platform: a.platform, handle: a.handle, status: a.status })),
      media, sponsored: opts.campaign(input.campaign_id)?.sponsored ?? false, compliance,
    };
    return validated(request);
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

  /** Asks studio-api's `resolve_when` (replayed) when the request lands, with what decides it. */
  function landing(req: ScheduleRequest, p: Stored): Landed {
    const ids = p.targets.map((t) => t.account_id);
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const others = posts.filter((o) => o.id !== p.id && o.scheduled_at !== null && o.state !== 'cancelled' && o.targets.some((t) => ids.includes(t.account_id)));
    return landed({
      request: { at: req.at, timezone: req.timezone, next_slot: req.next_slot, now: req.now, recurrence: req.recurrence },
      context: {
        post_timezone: p.timezone, campaign_timezone: opts.campaign(p.campaign_id)?.timezone ?? 'UTC',
        slots: req.next_slot ? ids.flatMap((id) => (slots.get(id) ?? []).map((s) => ({ weekday: s.weekday, minute: minutes(s.time), timezone: s.timezone }))) : [],
        taken: req.next_slot ? others.map((o) => Date.parse(o.scheduled_at!)) : [],
        // To the minute, so a test's pinned clock finds its answers though a few seconds pass.
        now_ms: Math.floor(Date.now() / 60_000) * 60_000,
      },
    });
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
    const { at_ms: at, timezone: tz, local, recurrence } = landing(req, p);
    p.scheduled_at = iso(at);
    p.timezone = tz;
    p.scheduled_local = local;
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
        : changeTarget(id, (s) => MOVES.retry.includes(s), 'retried', (t) => {
        const a = account(t.account_id);
        if (a.status === 'needs_reconnect') fail('needs_reconnect', 'reconnect the account on the Accounts screen first');
        Object.assign(t, { state: 'queued', attention: null, next_attempt_at: null, failure_code: null, failure_message: null, upload_progress: null });
        event(t, 'queued', 'Retry requested');
      }),
    cancel: (id: string) =>
      changeTarget(id, (s) => MOVES.cancel.includes(s), 'cancelled', (t) => {
        Object.assign(t, { state: 'cancelled', attention: null });
        event(t, 'cancelled', 'Cancelled by you');
      }),
    markPosted(id: string, url: string | null): PostView {
      const link = clean(url);
      if (link !== null && !/^https:\/\/\S+$/i.test(link)) fail('invalid_input', 'the link must start with https://');
      return changeTarget(id, (s) => MOVES.mark_posted.includes(s), 'marked as posted', (t) => {
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
