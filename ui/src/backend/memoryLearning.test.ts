import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from './bindings';
import { createMemoryBackend } from './memory';
import { MIN_POSTS } from './memoryLearning';
import { fakeHistory } from '../test/factories';
import { asset } from '../test/render';

const account = (id: string, platform: AccountView['platform']): AccountView => ({
  id, platform, platform_name: platform, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});

const NOW = Date.parse('2026-11-18T10:00:00Z'); // a Wednesday

const backend = (history = fakeHistory('tt1', 0)) =>
  createMemoryBackend({
    accounts: [account('tt1', 'tiktok'), account('li1', 'linkedin'), account('yt1', 'youtube')],
    assets: [asset({ id: 'v1' })],
    history,
  });

describe('memory backend: best times', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('without posts is the platform’s typical week: five slots, not neighbours, next starts in the zone', async () => {
    const [tt, li] = await backend().bestTimes(['tt1', 'li1'], 'Europe/Berlin');
    expect(tt).toMatchObject({ account_id: 'tt1', platform: 'tiktok', time_zone: 'Europe/Berlin', n_posts: 0, data_share: 0 });
    expect(tt!.heat).toHaveLength(7);
    expect(tt!.heat.every((d) => d.length === 24 && d.every((x) => x > 0 && x <= 1))).toBe(true);
    expect(tt!.top).toHaveLength(5);
    expect(tt!.top[0]!.heat).toBe(1);
    // TikTok's prior peaks in the evening; LinkedIn's on weekday mornings.
    expect(tt!.top.every((s) => s.hour >= 18)).toBe(true);
    expect(li!.top[0]!.hour).toBeLessThan(12);
    expect(li!.top[0]!.weekday).toBeLessThan(5);
    for (const s of tt!.top) {
      const others = tt!.top.filter((o) => o !== s && o.weekday === s.weekday);
      expect(others.every((o) => Math.abs(o.hour - s.hour) > 1)).toBe(true);
      // The next start: in the future, within a week, on that weekday and hour in Berlin (+01:00 in November).
      const at = Date.parse(s.next_at);
      expect(at).toBeGreaterThan(NOW);
      expect(at - NOW).toBeLessThanOrEqual(7 * 86_400_000);
      expect(s.next_at).toMatch(new RegExp(`T${String(s.hour).padStart(2, '0')}:00:00\\+01:00$`));
      expect((new Date(at + 3_600_000).getUTCDay() + 6) % 7).toBe(s.weekday);
      expect(s.day).toBe(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][s.weekday]);
    }
  });

  it('the account’s own posts move the map toward what worked for it', async () => {
    // Strong results on Tuesdays and Thursdays at 09:00 UTC, a quiet hour in TikTok's prior.
    const history = fakeHistory('tt1', 40, { strong: [1, 3], strongHour: 9, now: NOW });
    const [tt] = await backend(history).bestTimes(['tt1'], 'UTC');
    expect(tt!.n_posts).toBe(40);
    expect(tt!.data_share).toBeGreaterThan(0.05);
    expect(tt!.data_share).toBeLessThan(1);
    const [prior] = await backend().bestTimes(['tt1'], 'UTC');
    expect(tt!.heat[1]![9]!).toBeGreaterThan(prior!.heat[1]![9]! * 1.15);
  });

  it('rejects an unknown account and an unknown zone', async () => {
    await expect(backend().bestTimes(['nope'], 'UTC')).rejects.toMatchObject({ code: 'not_found' });
    await expect(backend().bestTimes(['tt1'], 'Mars/Olympus')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('memory backend: score model', () => {
  it('keeps the prior below the minimum, with the count in its reason', async () => {
    const m = await backend(fakeHistory('tt1', 7)).scoreModel('tt1', 'UTC');
    expect(m).toMatchObject({
      account_id: 'tt1', platform: 'tiktok', kind: 'prior', n_posts: 7, min_posts: MIN_POSTS, heldout_spearman: null,
      prior_heldout_spearman: null, learned_heldout_spearman: null, n_train: 0, n_holdout: 0,
      decision: 'kept the prior: 7 posts with metrics, learning needs at least 20',
    });
    expect(m.weights.length).toBeGreaterThan(20);
    expect(m.weights.every((w) => w.learned === null && w.coefficient === null)).toBe(true);
    expect(m.best_times.n_posts).toBe(7);
  });

  it('learns with enough posts: held out newest 30 %, learned beats the prior, weights side by side', async () => {
    const m = await backend(fakeHistory('tt1', 40)).scoreModel('tt1', 'UTC');
    expect(m).toMatchObject({ kind: 'learned', n_posts: 40, n_holdout: 12, n_train: 28, version: 'learned-2026.05.1-n40' });
    expect(m.learned_heldout_spearman!).toBeGreaterThan(m.prior_heldout_spearman! + 0.05);
    expect(m.heldout_spearman).toBe(m.learned_heldout_spearman);
    expect(m.decision).toMatch(/^learned: on the newest 12 posts the learned weights ranked engagement at Spearman 0\.\d\d against the prior's 0\.\d\d$/);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const learned = m.weights.map((w) => w.learned ?? 0);
    expect(sum(learned)).toBeCloseTo(sum(m.weights.map((w) => w.prior)), 0);
    expect(m.weights.some((w) => w.learned !== null && Math.abs(w.learned - w.prior) > 0.5)).toBe(true);
  });

  it('a YouTube account is scored as Shorts; an unknown account is not_found', async () => {
    const b = backend();
    expect((await b.scoreModel('yt1', null)).platform).toBe('youtube_shorts');
    await expect(b.scoreModel('gone', null)).rejects.toMatchObject({ code: 'not_found' });
  });
});
