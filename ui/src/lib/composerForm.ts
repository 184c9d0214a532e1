/**
 * The composer's form model: values as typed, to and from the backend's PostInput /
 * ScheduleRequest, and the checks the form can make before asking (a time, a repeat rule).
 */
import type { AccountView, PostInput, PostView, Recurrence, ScheduleRequest, TargetOverrides } from '../backend';
import { emptyOverrides, fullRecurrence } from './posts';
import { dateOf, splitLocal, timeOf, wallClock, zonedToInstant } from './zoned';

export type TargetForm = {
  media: string;
  caption: string;
  title: string;
  /** Space or comma separated, with or without #. */
  hashtags: string;
  firstComment: string;
  /** Parts separated by a line with only "---". */
  threadParts: string;
  privacy: string;
  /** key=value, one per line. */
  options: string;
};

export type When = 'at' | 'now' | 'slot';
export type Repeat = 'none' | 'daily' | 'weekly';
export type Ends = 'never' | 'until' | 'count';

export type ComposerValues = {
  campaignId: string;
  caption: string;
  title: string;
  media: string;
  /** Chosen accounts in the order they were ticked. */
  accounts: string[];
  targets: Record<string, TargetForm>;
  when: When;
  date: string;
  time: string;
  timezone: string;
  repeat: Repeat;
  weekdays: number[];
  interval: string;
  ends: Ends;
  until: string;
  count: string;
  overrideReason: string;
};

export type ComposerErrors = Partial<Record<'campaign' | 'accounts' | 'date' | 'time' | 'interval' | 'until' | 'count' | 'options', string>>;

export const THREAD_SEPARATOR = '---';
export const PRIVACY_CHOICES = ['public', 'unlisted', 'private', 'followers'] as const;

export function emptyTarget(): TargetForm {
  return { media: '', caption: '', title: '', hashtags: '', firstComment: '', threadParts: '', privacy: '', options: '' };
}

/** An hour from now, on the hour, in `tz`. */
export function defaultTime(tz: string, now = Date.now()): { date: string; time: string } {
  const next = now + 3_600_000 - (now % 3_600_000) + 3_600_000;
  const w = wallClock(next, tz);
  return { date: dateOf(w), time: timeOf(w) };
}

export function initialComposerValues(campaignId: string, timezone: string): ComposerValues {
  return {
    campaignId, caption: '', title: '', media: '', accounts: [], targets: {}, when: 'at', ...defaultTime(timezone), timezone,
    repeat: 'none', weekdays: [], interval: '1', ends: 'never', until: '', count: '', overrideReason: '',
  };
}

const orEmpty = (v: string | null) => v ?? '';
const optional = (v: string) => (v.trim() === '' ? null : v);

function targetForm(o: TargetOverrides, media: string): TargetForm {
  return {
    media, caption: orEmpty(o.caption), title: orEmpty(o.title), hashtags: o.hashtags.join(' '), firstComment: orEmpty(o.first_comment),
    threadParts: o.thread_parts.join(`\n${THREAD_SEPARATOR}\n`), privacy: orEmpty(o.privacy),
    options: Object.entries(o.options).map(([k, v]) => `${k}=${v ?? ''}`).join('\n'),
  };
}

/** The form for editing a saved post (its time, zone and repeat rule included). */
export function composerValuesFromPost(p: PostView, fallbackZone: string): ComposerValues {
  const tz = p.timezone ?? fallbackZone;
  const local = p.scheduled_local ? splitLocal(p.scheduled_local) : null;
  const r = p.recurrence ? fullRecurrence(p.recurrence) : null;
  const base = initialComposerValues(p.campaign_id, tz);
  return {
    ...base,
    caption: p.caption, title: orEmpty(p.title), media: orEmpty(p.media),
    accounts: p.targets.map((t) => t.account_id),
    targets: Object.fromEntries(p.targets.map((t) => [t.account_id, targetForm(t.overrides, t.media !== null && t.media !== p.media ? t.media : '')])),
    ...(local ?? {}),
    repeat: r ? r.freq : 'none', weekdays: r ? [...r.weekdays] : [], interval: r ? String(r.interval) : '1',
    ends: r?.until ? 'until' : r?.count ? 'count' : 'never', until: orEmpty(r?.until ?? null), count: r?.count ? String(r.count) : '',
    overrideReason: orEmpty(p.compliance_override),
  };
}

export function parseHashtags(text: string): string[] {
  return text.split(/[\s,]+/).map((t) => t.replace(/^#+/, '')).filter((t) => t !== '');
}

export function parseThreadParts(text: string): string[] {
  return text.split(/^\s*-{3,}\s*$/m).map((t) => t.trim()).filter((t) => t !== '');
}

/** "key=value" lines → options; the first bad line's number when one has no "=" or key. */
export function parseOptions(text: string): { options: Record<string, string>; badLine: number | null } {
  const options: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { options, badLine: i + 1 };
    options[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { options, badLine: null };
}

export function toOverrides(f: TargetForm): TargetOverrides {
  return {
    ...emptyOverrides(),
    caption: optional(f.caption), title: optional(f.title), hashtags: parseHashtags(f.hashtags), first_comment: optional(f.firstComment),
    thread_parts: parseThreadParts(f.threadParts), privacy: optional(f.privacy), options: parseOptions(f.options).options,
  };
}

/** What the backend saves (and validates live). */
export function toPostInput(v: ComposerValues): PostInput {
  return {
    campaign_id: v.campaignId, caption: v.caption, title: optional(v.title), media: optional(v.media),
    targets: v.accounts.map((id) => {
      const f = v.targets[id] ?? emptyTarget();
      return { account_id: id, media: optional(f.media), overrides: toOverrides(f) };
    }),
  };
}

/** Checks what saving needs: a campaign, an account, readable options. */
export function validateDraft(v: ComposerValues, accounts: AccountView[]): ComposerErrors {
  const e: ComposerErrors = {};
  if (v.campaignId === '') e.campaign = 'Choose a campaign.';
  if (v.accounts.length === 0) e.accounts = 'Choose at least one account to post to.';
  for (const id of v.accounts) {
    const bad = parseOptions(v.targets[id]?.options ?? '').badLine;
    if (bad !== null) {
      const who = accounts.find((a) => a.id === id);
      e.options = `${who ? `${who.platform_name} ${who.handle}` : 'Options'}: line ${bad} is not key=value.`;
      break;
    }
  }
  return e;
}

function recurrenceOf(v: ComposerValues): Recurrence | null {
  if (v.repeat === 'none') return null;
  return {
    freq: v.repeat, interval: Number(v.interval), weekdays: v.repeat === 'weekly' ? [...v.weekdays].sort((a, b) => a - b) : [],
    until: v.ends === 'until' ? v.until : null, count: v.ends === 'count' ? Number(v.count) : null,
  };
}

/** Checks what scheduling needs on top of saving: a future time, a readable repeat rule. */
export function validateSchedule(v: ComposerValues, now = Date.now()): ComposerErrors {
  const e: ComposerErrors = {};
  if (v.when === 'at') {
    if (v.date === '') e.date = 'Choose a date.';
    if (v.time === '') e.time = 'Choose a time.';
    if (!e.date && !e.time) {
      const at = zonedToInstant(v.date, v.time, v.timezone);
      if (at === null) e.time = 'This is not a time in that zone.';
      else if (at < now - 60_000) e.time = 'That time has passed; pick a later one.';
    }
  }
  if (v.repeat !== 'none') {
    const n = Number(v.interval);
    if (!Number.isInteger(n) || n < 1 || n > 365) e.interval = 'Every 1 to 365.';
    if (v.ends === 'until' && v.until === '') e.until = 'Choose the last date.';
    if (v.ends === 'until' && v.until !== '' && v.date !== '' && v.when === 'at' && v.until < v.date) e.until = 'The last date is before the first post.';
    const c = Number(v.count);
    if (v.ends === 'count' && (!Number.isInteger(c) || c < 1)) e.count = 'At least 1.';
  }
  return e;
}

export function toScheduleRequest(v: ComposerValues, post: Pick<PostView, 'id' | 'version'>): ScheduleRequest {
  return {
    post_id: post.id,
    at: v.when === 'at' ? `${v.date}T${v.time}` : null,
    timezone: v.timezone,
    next_slot: v.when === 'slot',
    now: v.when === 'now',
    recurrence: recurrenceOf(v),
    override_reason: optional(v.overrideReason.trim()),
    expected_version: post.version,
  };
}
