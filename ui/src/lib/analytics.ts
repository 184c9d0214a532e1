/**
 * Pure helpers for the Analytics screen and Home's recent results: date presets, the filter as a
 * hash query, metric labels and formats, Spearman's ρ, period-over-period comparison, and one
 * post's results over time.
 */
import type { AnalyticsFilter, DayPoint, HeatCell, MetricPoint, Metrics, ScoreVsActual, TargetResults } from '../backend';
import { isValidDate } from './format';
import { addDaysToDate, dateOf, viewerZone, wallClock } from './zoned';

export type RangePreset = '7' | '30' | '90' | 'all' | 'custom';

export const RANGE_PRESETS: { id: RangePreset; label: string }[] = [
  { id: '7', label: '7 days' },
  { id: '30', label: '30 days' },
  { id: '90', label: '90 days' },
  { id: 'all', label: 'All time' },
  { id: 'custom', label: 'Custom' },
];

export const DEFAULT_RANGE: RangePreset = '90';

/**
 * What the screen's controls hold; `from`/`to` only matter for the custom range. `metric` is the
 * chart's, not a filter, but it is kept in the hash with them so a view links as it was seen.
 */
export type FilterState = {
  range: RangePreset;
  from: string;
  to: string;
  campaign: string | null;
  account: string | null;
  platform: string | null;
  metric: MetricId;
};

export const DEFAULT_METRIC: MetricId = 'views';

export const EMPTY_FILTER: FilterState = { range: DEFAULT_RANGE, from: '', to: '', campaign: null, account: null, platform: null, metric: DEFAULT_METRIC };

/** Today's date on the viewer's wall clock (presets count back from it). */
export function today(now = Date.now(), tz = viewerZone()): string {
  return dateOf(wallClock(now, tz));
}

/** The last `days` days including today, as inclusive civil dates. */
export function lastDays(days: number, end: string): { from: string; to: string } {
  return { from: addDaysToDate(end, -(days - 1)), to: end };
}

/** Why a custom range cannot be asked for yet, or null when it can. */
export function customRangeProblem(from: string, to: string): string | null {
  if (from !== '' && !isValidDate(from)) return 'The start is not a valid date.';
  if (to !== '' && !isValidDate(to)) return 'The end is not a valid date.';
  if (from !== '' && to !== '' && to < from) return 'The end must not be before the start.';
  return null;
}

/** The backend filter for the controls' state; null while a custom range is invalid. */
export function toBackendFilter(s: FilterState, end = today()): AnalyticsFilter | null {
  let range: { from: string | null; to: string | null };
  if (s.range === 'all') range = { from: null, to: null };
  else if (s.range === 'custom') {
    if (customRangeProblem(s.from, s.to) !== null) return null;
    range = { from: s.from || null, to: s.to || null };
  } else range = lastDays(Number(s.range), end);
  // The zone is left to the backend: the campaign's when filtering by one, else the machine's.
  return { campaign_id: s.campaign, account_id: s.account, platform: s.platform, ...range, timezone: null };
}

const PRESET_IDS = new Set<string>(RANGE_PRESETS.map((p) => p.id));

/** Reads the filter from a hash like "#/analytics?range=30&campaign=c1&metric=likes"; unknown values fall back to the defaults. */
export function filterFromHash(hash: string): FilterState {
  const q = hash.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? hash.slice(q + 1) : '');
  const text = (k: string) => {
    const v = params.get(k)?.trim();
    return v ? v : null;
  };
  const range = text('range');
  const metric = text('metric');
  return {
    range: range !== null && PRESET_IDS.has(range) ? (range as RangePreset) : DEFAULT_RANGE,
    from: text('from') ?? '',
    to: text('to') ?? '',
    campaign: text('campaign'),
    account: text('account'),
    platform: text('platform'),
    metric: metric !== null && isMetric(metric) ? metric : DEFAULT_METRIC,
  };
}

/** The hash for a filter, defaults left out so a plain "#/analytics" stays plain. */
export function hashForFilter(s: FilterState): string {
  const params = new URLSearchParams();
  if (s.range !== DEFAULT_RANGE) params.set('range', s.range);
  if (s.range === 'custom') {
    if (s.from) params.set('from', s.from);
    if (s.to) params.set('to', s.to);
  }
  if (s.campaign) params.set('campaign', s.campaign);
  if (s.account) params.set('account', s.account);
  if (s.platform) params.set('platform', s.platform);
  if (s.metric !== DEFAULT_METRIC) params.set('metric', s.metric);
  const q = params.toString();
  return q ? `#/analytics?${q}` : '#/analytics';
}

export type MetricId = 'views' | 'likes' | 'comments' | 'shares' | 'saves' | 'engagement_rate';

export const METRICS: { id: MetricId; label: string }[] = [
  { id: 'views', label: 'Views' },
  { id: 'likes', label: 'Likes' },
  { id: 'comments', label: 'Comments' },
  { id: 'shares', label: 'Shares' },
  { id: 'saves', label: 'Saves' },
  { id: 'engagement_rate', label: 'Engagement rate' },
];

export const metricLabel = (id: MetricId) => METRICS.find((m) => m.id === id)?.label ?? id;

const METRIC_IDS = new Set<string>(METRICS.map((m) => m.id));
export const isMetric = (value: string): value is MetricId => METRIC_IDS.has(value);

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });

export const formatCount = (n: number) => countFormat.format(n);
/** 12 345 → "12.3K" for chart axes. */
export const formatCompact = (n: number) => compactFormat.format(n);
/** 0.0734 → "7.3%". */
export const formatRate = (r: number) => percentFormat.format(r);

/** A day without views has no engagement rate ("—"), which is not the same as 0 %. */
export function formatMetric(id: MetricId, m: Metrics): string {
  if (id !== 'engagement_rate') return formatCount(m[id]);
  return m.views > 0 ? formatRate(m.engagement_rate) : '—';
}

/** One chart point per day for one metric; the rate is null on days without views (a gap, not a dip to 0). */
export function seriesOf(series: DayPoint[], id: MetricId): { date: string; value: number | null }[] {
  return series.map((p) => ({ date: p.date, value: id === 'engagement_rate' && p.metrics.views === 0 ? null : p.metrics[id] }));
}

function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j += 1;
    // Ties share the mean of the ranks they span.
    for (let k = i; k <= j; k += 1) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson on ranks, ties averaged); null below 3 pairs or without spread. */
export function spearman(xs: number[], ys: number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  const rx = ranks(xs.slice(0, n));
  const ry = ranks(ys.slice(0, n));
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = rx[i]! - mean;
    const dy = ry[i]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** How strong a correlation reads in words. */
export function correlationWords(rho: number): string {
  const a = Math.abs(rho);
  const strength = a >= 0.6 ? 'strong' : a >= 0.35 ? 'moderate' : a >= 0.15 ? 'weak' : 'no clear';
  if (strength === 'no clear') return 'no clear relation';
  return `${strength} ${rho > 0 ? 'positive' : 'negative'} relation`;
}

/** A score-vs-actual pair's model: "learned" is the creator's learned model, anything else the platform prior (as the scatter draws it). */
export const modelKindLabel = (kind: string) => (kind === 'learned' ? 'Learned model' : 'Platform prior');

/** The score-vs-actual pairs for their table: highest score first, ties by engagement rate, then views. */
export function pairsByScore(pairs: ScoreVsActual[]): ScoreVsActual[] {
  return [...pairs].sort((a, b) => b.score - a.score || b.engagement_rate - a.engagement_rate || b.views - a.views);
}

/**
 * The heat map's 7×24 grid from the backend's cells: each slot's mean engagement rate relative to
 * the best slot (1), and the best five slots with posts.
 */
export function heatGrid(cells: HeatCell[]): { heat: number[][]; top: { weekday: number; hour: number }[]; max: number } {
  const max = Math.max(0, ...cells.map((c) => c.mean_engagement_rate));
  const heat = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const c of cells) {
    if (c.weekday >= 1 && c.weekday <= 7 && c.hour >= 0 && c.hour < 24) heat[c.weekday - 1]![c.hour] = max > 0 ? c.mean_engagement_rate / max : 0;
  }
  const top = [...cells]
    .filter((c) => c.posts > 0 && c.mean_engagement_rate > 0)
    .sort((a, b) => b.mean_engagement_rate - a.mean_engagement_rate || b.posts - a.posts)
    .slice(0, 5)
    .map((c) => ({ weekday: c.weekday - 1, hour: c.hour }));
  return { heat, top, max };
}

export type Change = { direction: 'up' | 'down' | 'same'; text: string };

/** "↑ 12%" against the previous period; a start from zero has no percentage. */
export function change(current: number, previous: number): Change {
  if (current === previous) return { direction: 'same', text: 'no change' };
  const direction = current > previous ? 'up' : 'down';
  if (previous === 0) return { direction, text: 'new' };
  return { direction, text: signedPercent.format((current - previous) / previous) };
}

const signedPoints = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** Rates move in percentage points ("+1.2 pts"): "+17%" of a 7% rate reads like a bigger jump than it is. */
export function changePoints(current: number, previous: number): Change {
  const diff = Math.round((current - previous) * 1000) / 10;
  if (diff === 0) return { direction: 'same', text: 'no change' };
  return { direction: diff > 0 ? 'up' : 'down', text: `${signedPoints.format(diff)} pts` };
}

/** One metric of one snapshot; the engagement rate needs views (else null, a gap rather than 0 %). */
export function pointValue(p: MetricPoint, id: MetricId): number | null {
  if (id !== 'engagement_rate') return p[id];
  const known = [p.likes, p.comments, p.shares, p.saves].filter((v): v is number => v !== null);
  if (p.views === null || p.views <= 0 || known.length === 0) return null;
  // A count the platform does not report adds nothing, as in the analytics totals.
  return known.reduce((a, b) => a + b, 0) / p.views;
}

/** A metric's value for tables: "—" where the platform gave nothing (or there were no views). */
export function formatPointValue(p: MetricPoint, id: MetricId): string {
  const v = pointValue(p, id);
  if (v === null) return '—';
  return id === 'engagement_rate' ? formatRate(v) : formatCount(v);
}

export type ResultLine = {
  targetId: string;
  label: string;
  /** Hours since the target was published, and the metric then; oldest first. */
  points: { hours: number; at: string; value: number | null }[];
};

/**
 * One line per target for a post's results chart, against time since publishing. A target that
 * was never marked published (metrics only) counts from its first snapshot.
 */
export function resultLines(targets: TargetResults[], id: MetricId, label: (t: TargetResults) => string): ResultLine[] {
  return targets.map((t) => {
    const first = t.points[0];
    const origin = Date.parse(t.published_at ?? first?.at ?? '');
    return {
      targetId: t.target_id,
      label: label(t),
      points: t.points.map((p) => ({ hours: Math.max(0, (Date.parse(p.at) - origin) / 3_600_000), at: p.at, value: pointValue(p, id) })),
    };
  });
}

/** 0.5 → "30 min", 6 → "6 h", 168 → "7 d": how long after publishing a number was read. */
export function sinceLabel(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  const days = hours / 24;
  return `${days < 10 ? Math.round(days * 10) / 10 : Math.round(days)} d`;
}
