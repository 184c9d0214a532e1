import { describe, expect, it } from 'vitest';
import { formatRoi } from './money';
import {
  change,
  changePoints,
  customRangeProblem,
  EMPTY_FILTER,
  filterFromHash,
  formatMetric,
  hashForFilter,
  heatGrid,
  lastDays,
  pointValue,
  resultLines,
  seriesOf,
  sinceLabel,
  spearman,
  toBackendFilter,
} from './analytics';

const zero = { posts: 0, published_targets: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagements: 0, engagement_rate: 0, watch_time_s: 0 };

describe('analytics helpers', () => {
  it('presets count back from today, both ends included; all time has no dates', () => {
    expect(lastDays(7, '2026-03-02')).toEqual({ from: '2026-02-24', to: '2026-03-02' });
    expect(toBackendFilter({ ...EMPTY_FILTER, range: '30', campaign: 'c1' }, '2026-11-30')).toEqual({
      campaign_id: 'c1', account_id: null, platform: null, from: '2026-11-01', to: '2026-11-30', timezone: null,
    });
    expect(toBackendFilter({ ...EMPTY_FILTER, range: 'all' }, '2026-11-30')).toMatchObject({ from: null, to: null });
  });

  it('a custom range is asked for only when it makes sense', () => {
    expect(customRangeProblem('2026-05-10', '2026-05-01')).toBe('The end must not be before the start.');
    expect(customRangeProblem('2026-02-30', '')).toBe('The start is not a valid date.');
    expect(toBackendFilter({ ...EMPTY_FILTER, range: 'custom', from: '2026-05-10', to: '2026-05-01' })).toBeNull();
    expect(toBackendFilter({ ...EMPTY_FILTER, range: 'custom', from: '2026-05-01', to: '' })).toMatchObject({ from: '2026-05-01', to: null });
  });

  it('the filter round-trips through the hash, defaults left out', () => {
    const f = { ...EMPTY_FILTER, range: 'custom' as const, from: '2026-01-01', to: '2026-01-31', platform: 'x', account: 'a b' };
    expect(filterFromHash(hashForFilter(f))).toEqual(f);
    expect(hashForFilter(EMPTY_FILTER)).toBe('#/analytics');
    expect(filterFromHash('#/analytics?range=bogus&campaign=')).toEqual(EMPTY_FILTER);
  });

  it('keeps the chart metric in the hash, but not the default and not an unknown one', () => {
    const f = { ...EMPTY_FILTER, range: '30' as const, campaign: 'c1', metric: 'engagement_rate' as const };
    expect(hashForFilter(f)).toBe('#/analytics?range=30&campaign=c1&metric=engagement_rate');
    expect(filterFromHash(hashForFilter(f))).toEqual(f);
    expect(filterFromHash('#/analytics?metric=likes').metric).toBe('likes');
    expect(hashForFilter({ ...EMPTY_FILTER, metric: 'views' })).toBe('#/analytics');
    expect(filterFromHash('#/analytics?metric=bogus')).toEqual(EMPTY_FILTER);
    expect(filterFromHash('#/analytics?metric=toString')).toEqual(EMPTY_FILTER);
  });

  it('Spearman: same order 1, reversed −1, ties averaged, too few points null', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 400])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 10);
    // Ranks x: 1, 2.5, 2.5, 4 against y: 1, 2, 3, 4.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4);
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([5, 5, 5], [1, 2, 3])).toBeNull();
  });

  it('formats ROI with a sign and a dash without cost; rates of days without views are gaps', () => {
    expect(formatRoi(1.5)).toBe('+150%');
    expect(formatRoi(-0.25)).toBe('-25%');
    expect(formatRoi(null)).toBe('—');
    expect(formatMetric('engagement_rate', zero)).toBe('—');
    expect(seriesOf([{ date: '2026-01-01', metrics: zero }], 'engagement_rate')).toEqual([{ date: '2026-01-01', value: null }]);
    expect(seriesOf([{ date: '2026-01-01', metrics: zero }], 'views')).toEqual([{ date: '2026-01-01', value: 0 }]);
  });

  it('compares periods: up, down, from nothing, unchanged', () => {
    expect(change(150, 100)).toEqual({ direction: 'up', text: '+50%' });
    expect(change(50, 100)).toEqual({ direction: 'down', text: '-50%' });
    expect(change(5, 0)).toEqual({ direction: 'up', text: 'new' });
    expect(change(3, 3)).toEqual({ direction: 'same', text: 'no change' });
    expect(changePoints(0.082, 0.07)).toEqual({ direction: 'up', text: '+1.2 pts' });
    expect(changePoints(0.0701, 0.07)).toEqual({ direction: 'same', text: 'no change' });
  });

  it('the heat grid is relative to the best slot, Monday first', () => {
    const g = heatGrid([
      { weekday: 1, hour: 9, posts: 2, mean_engagement_rate: 0.05 },
      { weekday: 7, hour: 23, posts: 1, mean_engagement_rate: 0.1 },
      { weekday: 3, hour: 12, posts: 1, mean_engagement_rate: 0 },
    ]);
    expect(g.max).toBe(0.1);
    expect(g.heat[0]![9]).toBe(0.5);
    expect(g.heat[6]![23]).toBe(1);
    expect(g.top).toEqual([{ weekday: 6, hour: 23 }, { weekday: 0, hour: 9 }]);
  });
});

describe('a post’s results over time', () => {
  const pt = (at: string, views: number | null, likes: number | null, saves: number | null = 0) => ({ at, views, likes, comments: 1, shares: 0, saves });

  it('rates engagement per view, skipping counts the platform does not report, and has no rate without views', () => {
    expect(pointValue(pt('2026-01-01T01:00:00Z', 100, 9, null), 'engagement_rate')).toBeCloseTo(0.1);
    expect(pointValue(pt('2026-01-01T01:00:00Z', 0, 9), 'engagement_rate')).toBeNull();
    expect(pointValue(pt('2026-01-01T01:00:00Z', null, 9), 'engagement_rate')).toBeNull();
    expect(pointValue(pt('2026-01-01T01:00:00Z', 100, null), 'likes')).toBeNull();
  });

  it('places each read at its time since publishing (the first read for a target never marked published)', () => {
    const lines = resultLines(
      [
        { target_id: 'a', platform: 'x', handle: '@a', published_at: '2026-01-01T00:00:00Z', post_url: null, points: [pt('2026-01-01T06:00:00Z', 50, 5)] },
        { target_id: 'b', platform: 'x', handle: '@b', published_at: null, post_url: null, points: [pt('2026-01-02T00:00:00Z', 10, 1), pt('2026-01-03T00:00:00Z', 30, 2)] },
      ],
      'views',
      (t) => t.handle,
    );
    expect(lines.map((l) => [l.label, l.points.map((p) => [p.hours, p.value])])).toEqual([
      ['@a', [[6, 50]]],
      ['@b', [[0, 10], [24, 30]]],
    ]);
  });

  it('says how long after publishing in minutes, hours, then days', () => {
    expect([sinceLabel(0.25), sinceLabel(6), sinceLabel(47.6), sinceLabel(48), sinceLabel(168), sinceLabel(24 * 30)]).toEqual(['15 min', '6 h', '48 h', '2 d', '7 d', '30 d']);
  });
});
