import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from './bindings';
import { createMemoryBackend, type MemorySeed } from './memory';
import type { PostInput, ScheduleRequest, TargetInput } from './types';
import { emptyOverrides } from '../lib/posts';
import { asset, campaign, renderRecord } from '../test/render';
import { postBase, targetBase } from '../test/factories';

const account = (id: string, platform: AccountView['platform'], platform_name: string, over: Partial<AccountView> = {}): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z', ...over,
});

const ACCOUNTS = [
  account('x1', 'x', 'X'),
  account('tt1', 'tiktok', 'TikTok'),
  account('bs1', 'bluesky', 'Bluesky'),
  account('yt1', 'youtube', 'YouTube'),
  account('fb1', 'facebook', 'Facebook Pages'),
  account('gone', 'linkedin', 'LinkedIn', { status: 'needs_reconnect' }),
];

function setup(over: MemorySeed = {}) {
  const b = createMemoryBackend({
    campaigns: [campaign({ id: 'c1', timezone: 'Europe/Berlin' }), campaign({ id: 'paid', name: 'Paid', sponsored: true })],
    accounts: ACCOUNTS,
    assets: [asset({ id: 'v1' }), asset({ id: 'wide', width: 1920, height: 1080 }), asset({ id: 'img', kind: 'image', duration_s: null })],
    renders: [renderRecord({ id: 'wide-render', asset_id: 'wide', preset: 'youtube', width: 1920, height: 1080 })],
    ...over,
  });
  return b;
}

const target = (account_id: string, over: Partial<TargetInput> = {}): TargetInput => ({ account_id, media: null, overrides: emptyOverrides(), ...over });
const input = (over: Partial<PostInput> = {}): PostInput => ({ campaign_id: 'c1', caption: 'Hello', title: null, media: 'v1', targets: [target('x1')], ...over });
const when = (over: Partial<ScheduleRequest> & { post_id: string }): ScheduleRequest => ({
  at: null, timezone: null, next_slot: false, now: false, recurrence: null, override_reason: null, expected_version: null, ...over,
});
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('memory backend: scheduling', () => {
  // When a schedule lands is studio-api's answer for the request at this minute (fixtures/schedule.json).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-18T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('creates a draft, schedules it in the campaign zone, then unschedules it', async () => {
    const b = setup();
    const draft = await b.postCreate(input());
    expect(draft).toMatchObject({ state: 'draft', scheduled_at: null, version: 1 });
    expect(draft.targets[0]).toMatchObject({ state: 'draft', platform: 'x', handle: '@x1' });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const p = await b.postSchedule(when({ post_id: draft.id, at: `${tomorrow}T18:00`, expected_version: 1 }));
    expect(p.state).toBe('scheduled');
    expect(p.timezone).toBe('Europe/Berlin');
    expect(p.scheduled_local).toMatch(new RegExp(`^${tomorrow}T18:00:00\\+0[12]:00$`));
    expect(p.targets[0]?.state).toBe('queued');
    expect(p.targets[0]?.events.at(-1)).toMatchObject({ state: 'queued', detail: `Scheduled for ${tomorrow} 18:00 Europe/Berlin` });
    expect((await b.queueList()).map((q) => q.post_id)).toEqual([p.id]);
    const back = await b.postUnschedule(p.id);
    expect(back).toMatchObject({ state: 'draft', scheduled_at: null });
    expect(await b.queueList()).toEqual([]);
  });

  it('refuses a past or unreadable time with invalid_time, and a stale version with conflict', async () => {
    const b = setup();
    const { id } = await b.postCreate(input());
    await expect(b.postSchedule(when({ post_id: id, at: inHours(-2) }))).rejects.toMatchObject({ code: 'invalid_time', message: expect.stringContaining('is in the past') });
    await expect(b.postSchedule(when({ post_id: id, at: 'next tuesday' }))).rejects.toMatchObject({ code: 'invalid_time' });
    await expect(b.postSchedule(when({ post_id: id }))).rejects.toMatchObject({ code: 'invalid_time', message: 'choose a time, post now or the next slot' });
    await expect(b.postSchedule(when({ post_id: id, at: inHours(2), expected_version: 7 }))).rejects.toMatchObject({ code: 'conflict' });
    await expect(b.postSchedule(when({ post_id: id, at: inHours(2), timezone: 'Mars/Olympus' }))).rejects.toMatchObject({ code: 'invalid_timezone' });
    expect((await b.postGet(id)).state).toBe('draft');
  });

  it('refuses platform problems, and compliance issues unless a reason is given (recorded)', async () => {
    const b = setup();
    const tooLong = await b.postCreate(input({ caption: 'x'.repeat(300) }));
    await expect(b.postSchedule(when({ post_id: tooLong.id, at: inHours(2) }))).rejects.toMatchObject({
      code: 'invalid_input', message: 'X: caption is 300 weighted characters, X allows 280',
    });
    const paid = await b.postCreate(input({ campaign_id: 'paid' }));
    await expect(b.postSchedule(when({ post_id: paid.id, at: inHours(2) }))).rejects.toMatchObject({ code: 'compliance_failed' });
    await expect(b.postSchedule(when({ post_id: paid.id, at: inHours(2), override_reason: '  ' }))).rejects.toMatchObject({ code: 'compliance_failed' });
    const ok = await b.postSchedule(when({ post_id: paid.id, at: inHours(2), override_reason: 'Disclosed in the video itself' }));
    expect(ok).toMatchObject({ state: 'scheduled', compliance_override: 'Disclosed in the video itself' });
  });

  it('finds the next free slot, skipping one another post of the account already takes', async () => {
    const b = setup();
    const p1 = await b.postCreate(input());
    await expect(b.postSchedule(when({ post_id: p1.id, next_slot: true }))).rejects.toMatchObject({ code: 'invalid_time' });
    const all = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, time: '09:30' }));
    expect(await b.slotsSet({ account_id: 'x1', timezone: 'UTC', slots: [...all, { weekday: 1, time: '09:30' }] })).toHaveLength(7);
    const first = await b.postSchedule(when({ post_id: p1.id, next_slot: true }));
    const p2 = await b.postCreate(input());
    const second = await b.postSchedule(when({ post_id: p2.id, next_slot: true }));
    const [a, c] = [Date.parse(first.scheduled_at!), Date.parse(second.scheduled_at!)];
    expect(new Date(a).toISOString().slice(11, 16)).toBe('09:30');
    expect(c - a).toBe(86_400_000);
    await expect(b.slotsSet({ account_id: 'x1', timezone: 'UTC', slots: [{ weekday: 8, time: '09:30' }] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(b.slotsSet({ account_id: 'x1', timezone: 'UTC', slots: [{ weekday: 1, time: '25:00' }] })).rejects.toMatchObject({ code: 'invalid_time' });
  });

  it('checks the repeat rule as when.rs does', async () => {
    const b = setup();
    const { id } = await b.postCreate(input());
    const at = inHours(3);
    await expect(b.postSchedule(when({ post_id: id, at, recurrence: { freq: 'daily', interval: 1, weekdays: [1], until: null, count: null } })))
      .rejects.toMatchObject({ code: 'invalid_input', message: 'The repeat rule is not valid: weekdays only apply to weekly posts.' });
    await expect(b.postSchedule(when({ post_id: id, at, recurrence: { freq: 'weekly', interval: 0, weekdays: [], until: null, count: null } })))
      .rejects.toMatchObject({ code: 'invalid_input' });
    const p = await b.postSchedule(when({ post_id: id, at, recurrence: { freq: 'weekly', interval: 2, weekdays: [5, 1, 5], until: '2027-01-31', count: null } }));
    expect(p.recurrence).toEqual({ freq: 'weekly', interval: 2, weekdays: [1, 5], until: '2027-01-31', count: null });
  });
});

describe('memory backend: targets, queue and health', () => {
  const t = (id: string, over: Parameters<typeof targetBase>[1] = {}) => targetBase(id, { account_id: 'x1', handle: '@x1', ...over });
  const seeded = () =>
    setup({
      posts: [
        postBase('p-failed', 'c1', inHours(-5), [t('t-failed', { state: 'failed', failure_message: 'X said no', attempts: 3 })]),
        postBase('p-unconfirmed', 'c1', inHours(-4), [t('t-unconf', { state: 'unconfirmed', attention: 'unconfirmed' })]),
        postBase('p-queued', 'c1', inHours(5), [t('t-queued'), t('t-review', { account_id: 'bs1', platform: 'bluesky', state: 'needs_review' })]),
        postBase('p-busy', 'c1', inHours(-1), [t('t-up', { state: 'uploading', upload_progress: 0.4 })]),
      ].map((p, i) => ({ ...p, state: i === 2 ? 'scheduled' : 'publishing' })),
    });

  it('retries, cancels and marks as posted (the allowed moves are studio-core targets\' own: fixtures/rules.json)', async () => {
    const b = seeded();
    const retried = await b.targetRetry('t-failed');
    expect(retried.targets[0]).toMatchObject({ state: 'queued', failure_message: null });
    expect(retried.state).toBe('scheduled');
    await expect(b.targetRetry('t-queued')).rejects.toMatchObject({ code: 'conflict' });
    await expect(b.targetCancel('t-up')).rejects.toMatchObject({ code: 'conflict' });
    const cancelled = await b.targetCancel('t-review');
    expect(cancelled.targets.map((t) => t.state)).toEqual(['queued', 'cancelled']);
    await expect(b.targetMarkPosted('t-unconf', 'http://x.com/democreator/status/1')).rejects.toMatchObject({ code: 'invalid_input', message: 'the link must start with https://' });
    const posted = await b.targetMarkPosted('t-unconf', 'https://x.com/democreator/status/1');
    expect(posted).toMatchObject({ state: 'done', targets: [{ state: 'published', post_url: 'https://x.com/democreator/status/1' }] });
    expect(posted.targets[0]?.events.at(-1)?.detail).toBe('Marked as posted by you: https://x.com/democreator/status/1');
    await expect(b.postDelete('p-busy')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reports queue depth, attention, per-account errors, and pausing', async () => {
    const b = seeded();
    const s = await b.schedulerStatus();
    expect(s).toMatchObject({ paused: false, queued: 1, running: 1, needs_review: 1, needs_attention: 3, lease: { alive: true } });
    expect(s.next.map((q) => q.target_id)).toEqual(['t-up', 't-queued', 't-review']);
    expect(s.accounts.find((a) => a.account_id === 'x1')?.last_error).toBe('X said no');
    const paused = await b.schedulerSetPaused(true);
    expect(paused.paused).toBe(true);
    expect(paused.events[0]).toMatchObject({ kind: 'paused' });
  });

  it('lists a calendar range (without events) and drafts on request', async () => {
    const b = seeded();
    await b.postCreate(input());
    const range = { from: inHours(-4.5), to: inHours(6), campaign_id: null };
    expect((await b.postList({ ...range, drafts: false })).map((p) => p.id)).toEqual(['p-unconfirmed', 'p-busy', 'p-queued']);
    const withDrafts = await b.postList({ ...range, drafts: true });
    expect(withDrafts).toHaveLength(4);
    expect(withDrafts.every((p) => p.targets.every((t) => t.events.length === 0))).toBe(true);
  });

  it('keeps compliance settings tidy', async () => {
    const b = setup();
    expect(await b.complianceSet({ banned_terms: [' cure ', 'Cure', '', 'free money'], max_links: 3 })).toEqual({ banned_terms: ['cure', 'free money'], max_links: 3 });
    await expect(b.complianceSet({ banned_terms: [], max_links: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await b.complianceGet()).toEqual({ banned_terms: ['cure', 'free money'], max_links: 3 });
  });
});
