/**
 * The in-memory analytics screen: a stand-in for crates/studio-api/src/analytics.rs and
 * studio-core's analytics.rs, computed from the `history` seed (one row per published target with
 * its latest metrics; see memoryLearning.ts `HistoryPost`). Rules, as in the real one:
 * - engagements are likes + comments + shares + saves; a set's engagement rate is its
 *   engagements / views (view-weighted), 0 without views;
 * - from/to are civil dates (both inclusive) in the filter's zone, else the campaign's when
 *   filtering by one, else the viewer's; a target belongs to the day it was published there;
 * - the series has one point per day from `from` (else the first day with data) to `to` (else
 *   the last), empty days as zeros; no data and no dates: no points;
 * - breakdowns are most views first; top/bottom lists hold 10 posts, ranking by engagement rate
 *   leaves out posts without views; score vs actual is the newest 500 scored targets;
 * - the heat map puts each target in its account's zone (its posting slots' zone, else the
 *   report's);
 * - revenue is dated by its own civil date and attributed to campaigns only (the account and
 *   platform filters do not narrow it); currencies are never added up without rates;
 * - an unknown campaign is `not_found`, an unknown account matches nothing, a bad zone is
 *   `invalid_timezone`, a bad date `invalid_date`, `to` before `from` `invalid_date_range`.
 *
 * One post's results (crates/studio-api/src/post_results.rs) come from the same rows: the real
 * database keeps every metric snapshot, a history row only the latest, so a target gets its seeded
 * `snapshots` when there are some, else one point from its history row, dated at the last metric
 * read of the publisher's schedule that has passed. Targets are listed when published or with
 * metrics, by platform, then handle; an unknown post is `not_found`.
 */
import type {
  AccountView,
  ModelKind,
  PlatformId,
  Analytics,
  AnalyticsFilter,
  BreakdownRow,
  Campaign,
  ConvertedMoney,
  CurrencyMoney,
  DayPoint,
  HeatCell,
  MetricPoint,
  Metrics,
  PostResults,
  PostView,
  RankedPost,
  RevenueEntry,
  RevenueRates,
  RevenueSummary,
  ScoreVsActual,
  TargetResults,
} from './bindings';
import { BackendError } from './errors';
import type { HistoryPost } from './memoryLearning';
import { isValidDate } from '../lib/format';
import { addDaysToDate, dateOf, isoWeekday, isValidZone, viewerZone, wallClock, zonedToInstant } from '../lib/zoned';

/** How many posts each top/bottom list holds (RANK_LIMIT). */
export const RANK_LIMIT = 10;
/** Score/actual pairs returned at most, the newest (PAIRS_LIMIT). */
const PAIRS_LIMIT = 500;
const MAX_SERIES_DAYS = 3_660;
/** When the publisher reads a target's metrics, after it was published (publisher Config::metric_offsets). */
export const METRIC_READS_MS: readonly number[] = [1, 6, 24, 48, 168].map((h) => h * 3_600_000);

export interface AnalyticsStoreOptions {
  history: () => HistoryPost[];
  accounts: () => AccountView[];
  /** Live campaigns (archived ones included: their results still count). */
  campaigns: () => Campaign[];
  /** Posts, for the caption, title, campaign and media of history rows that name their post. */
  posts: () => PostView[];
  /** The zone an account's posting slots keep, if it has any. */
  accountZone: (accountId: string) => string | null;
  revenue: () => RevenueEntry[];
  rates: () => RevenueRates | null;
  /** Every metric snapshot per target id (the `snapshots` seed); targets without any use their history row. */
  snapshots?: Readonly<Record<string, readonly MetricPoint[]>>;
  /** A stored post, or a `not_found` throw (the posts store's lookup). */
  post: (id: string) => PostView;
}

/** One published target as analytics_targets holds it. */
type Row = {
  target_id: string;
  post_id: string;
  campaign_id: string;
  account_id: string;
  platform: string;
  caption: string;
  title: string | null;
  asset_id: string | null;
  at: number;
  views: number;
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  watch_time_s: number;
  score: number | null;
  model_kind: ModelKind;
};

const nonempty = (s: string | null | undefined) => {
  const t = s?.trim() ?? '';
  return t === '' ? null : t;
};

const engagementsOf = (r: Pick<Row, 'likes' | 'comments' | 'shares' | 'saves'>) => r.likes + r.comments + r.shares + r.saves;

function metricsOf(rows: readonly Row[]): Metrics {
  const m: Metrics = {
    posts: new Set(rows.map((r) => r.post_id)).size,
    published_targets: rows.length,
    views: 0, likes: 0, comments: 0, shares: 0, saves: 0, engagements: 0, engagement_rate: 0, watch_time_s: 0,
  };
  for (const r of rows) {
    m.views += r.views;
    m.likes += r.likes;
    m.comments += r.comments;
    m.shares += r.shares;
    m.saves += r.saves;
    m.watch_time_s += r.watch_time_s;
  }
  m.engagements = m.likes + m.comments + m.shares + m.saves;
  m.engagement_rate = m.views > 0 ? m.engagements / m.views : 0;
  return m;
}

function groupBy<K>(rows: readonly Row[], key: (r: Row) => K): Map<K, Row[]> {
  const out = new Map<K, Row[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Minor-unit digits of a currency (2 for EUR, 0 for JPY), as money.rs `exponent`. */
function currencyExponent(code: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "1500.5" EUR → 150050 (minor units); unreadable amounts count as 0. */
function toMinor(amount: string, currency: string): number {
  const exp = currencyExponent(currency);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return 0;
  const frac = (m[3] ?? '').padEnd(exp, '0').slice(0, exp);
  const minor = Number(m[2]) * 10 ** exp + (exp > 0 ? Number(frac) : 0);
  return m[1] ? -minor : minor;
}

/** 150050 EUR → "1500.50", as money.rs `format_amount`. */
function formatMinor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.round(minor));
  if (exp === 0) return `${sign}${abs}`;
  const scale = 10 ** exp;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(exp, '0')}`;
}

const roi = (revenue: number, cost: number) => (cost > 0 ? (revenue - cost) / cost : null);

function revenueSummary(entries: readonly RevenueEntry[], rates: RevenueRates | null): RevenueSummary {
  const sums = new Map<string, { revenue: number; cost: number; entries: number }>();
  for (const e of entries) {
    const s = sums.get(e.currency) ?? { revenue: 0, cost: 0, entries: 0 };
    const minor = toMinor(e.amount, e.currency);
    if (e.kind === 'cost') s.cost += minor;
    else s.revenue += minor;
    s.entries += 1;
    sums.set(e.currency, s);
  }
  const codes = [...sums.keys()].sort();
  const currencies: CurrencyMoney[] = codes.map((c) => {
    const s = sums.get(c)!;
    return {
      currency: c, revenue: formatMinor(s.revenue, c), cost: formatMinor(s.cost, c), net: formatMinor(s.revenue - s.cost, c),
      roi: roi(s.revenue, s.cost), entries: s.entries,
    };
  });
  const missing_rates: string[] = [];
  let converted: ConvertedMoney | null = null;
  if (rates && codes.length > 0) {
    const base = rates.base.trim().toUpperCase();
    let rev = 0;
    let cost = 0;
    for (const c of codes) {
      const rate = c === base ? 1 : rates.rates[c];
      if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
        missing_rates.push(c);
        continue;
      }
      const s = sums.get(c)!;
      const scale = 10 ** currencyExponent(c);
      rev += (s.revenue / scale) * rate;
      cost += (s.cost / scale) * rate;
    }
    if (missing_rates.length === 0) {
      const scale = 10 ** currencyExponent(base);
      const revMinor = Math.round(rev * scale);
      const costMinor = Math.round(cost * scale);
      converted = {
        base, revenue: formatMinor(revMinor, base), cost: formatMinor(costMinor, base), net: formatMinor(revMinor - costMinor, base),
        roi: roi(revMinor, costMinor),
      };
    }
  }
  const overall = currencies.length === 1 ? currencies[0]!.roi : converted ? converted.roi : null;
  return { currencies, converted, missing_rates, roi: overall };
}

export function createAnalyticsStore(opts: AnalyticsStoreOptions) {
  /** Every published target, joined with its post and account the way analytics_targets is. */
  function rows(): Row[] {
    const posts = new Map(opts.posts().map((p) => [p.id, p]));
    const accounts = new Map(opts.accounts().map((a) => [a.id, a]));
    const out: Row[] = [];
    for (const [i, h] of opts.history().entries()) {
      const at = Date.parse(h.published_at);
      if (Number.isNaN(at)) continue;
      const post = h.post_id ? posts.get(h.post_id) : undefined;
      // A history row without a post stands for a post of its own (the learning seed's shape).
      const postId = h.post_id ?? `history-${h.account_id}-${i}`;
      out.push({
        target_id: h.target_id ?? `${postId}/${h.account_id}`,
        post_id: postId,
        campaign_id: h.campaign_id ?? post?.campaign_id ?? '',
        account_id: h.account_id,
        platform: (h.platform ?? accounts.get(h.account_id)?.platform ?? 'unknown').toLowerCase(),
        caption: h.caption ?? post?.caption ?? '',
        title: h.title ?? post?.title ?? null,
        asset_id: h.asset_id ?? post?.media ?? null,
        at,
        views: h.views, likes: h.likes, comments: h.comments, shares: h.shares, saves: h.saves,
        watch_time_s: h.watch_time_s ?? 0,
        score: h.score ?? null,
        model_kind: h.model_kind ?? 'prior',
      });
    }
    return out;
  }

  function resolve(f: AnalyticsFilter) {
    const campaignId = nonempty(f.campaign_id);
    const campaign = campaignId === null ? null : opts.campaigns().find((c) => c.id === campaignId);
    if (campaign === undefined) throw new BackendError('not_found', `No campaign with id ${campaignId}.`);
    const zone = nonempty(f.timezone) ?? campaign?.timezone ?? viewerZone();
    if (!isValidZone(zone)) throw new BackendError('invalid_timezone', `Unknown time zone "${zone}".`);
    const from = nonempty(f.from);
    const to = nonempty(f.to);
    for (const [field, d] of [['from', from], ['to', to]] as const) {
      if (d !== null && !isValidDate(d)) throw new BackendError('invalid_date', `${field} "${d}" is not a valid YYYY-MM-DD date.`);
    }
    if (from !== null && to !== null && to < from) {
      throw new BackendError('invalid_date_range', `The range ends (${to}) before it starts (${from}).`);
    }
    const fromMs = from === null ? null : zonedToInstant(from, '00:00', zone);
    const toMs = to === null ? null : zonedToInstant(addDaysToDate(to, 1), '00:00', zone);
    return {
      zone, from, to, campaignId,
      accountId: nonempty(f.account_id),
      platform: nonempty(f.platform)?.toLowerCase() ?? null,
      fromMs, toMs,
    };
  }

  function ranked(rows: readonly Row[], by: 'engagement' | 'views', best: boolean): RankedPost[] {
    const dir = best ? -1 : 1;
    const posts = [...groupBy(rows, (r) => r.post_id).entries()].map(([postId, list]) => ({ postId, list, m: metricsOf(list) }));
    const eligible = by === 'engagement' ? posts.filter((p) => p.m.views > 0) : posts;
    // Best first is descending; ties go to the smaller post id either way, as in the SQL.
    const cmp = (a: number, b: number) => Math.sign(a - b) * dir;
    eligible.sort((a, b) =>
      by === 'engagement'
        ? cmp(a.m.engagement_rate, b.m.engagement_rate) || cmp(a.m.views, b.m.views) || a.postId.localeCompare(b.postId)
        : cmp(a.m.views, b.m.views) || cmp(a.m.engagements, b.m.engagements) || a.postId.localeCompare(b.postId),
    );
    return eligible.slice(0, RANK_LIMIT).map(({ postId, list, m }) => {
      const first = list.reduce((a, b) => (b.at < a.at ? b : a));
      return {
        post_id: postId,
        campaign_id: first.campaign_id,
        caption: first.caption,
        title: first.title,
        published_at: new Date(first.at).toISOString(),
        platforms: [...new Set(list.map((r) => r.platform as PlatformId))],
        asset_id: list.find((r) => r.asset_id !== null)?.asset_id ?? null,
        metrics: { ...m, posts: 1 },
      };
    });
  }

  function heatmap(rows: readonly Row[], zone: string): HeatCell[] {
    const cells = new Map<number, { weekday: number; hour: number; posts: number; rated: number; sum: number }>();
    for (const r of rows) {
      const accountZone = opts.accountZone(r.account_id);
      const tz = accountZone !== null && isValidZone(accountZone) ? accountZone : zone;
      const w = wallClock(r.at, tz);
      const weekday = isoWeekday(dateOf(w));
      const key = weekday * 24 + w.hour;
      const c = cells.get(key) ?? { weekday, hour: w.hour, posts: 0, rated: 0, sum: 0 };
      c.posts += 1;
      if (r.views > 0) {
        c.rated += 1;
        c.sum += engagementsOf(r) / r.views;
      }
      cells.set(key, c);
    }
    return [...cells.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({ weekday: c.weekday, hour: c.hour, posts: c.posts, mean_engagement_rate: c.rated > 0 ? c.sum / c.rated : 0 }));
  }

  function analytics(filter: AnalyticsFilter): Analytics {
    const r = resolve(filter);
    const all = rows().filter(
      (x) =>
        (r.campaignId === null || x.campaign_id === r.campaignId) &&
        (r.accountId === null || x.account_id === r.accountId) &&
        (r.platform === null || x.platform === r.platform) &&
        (r.fromMs === null || x.at >= r.fromMs) &&
        (r.toMs === null || x.at < r.toMs),
    );
    const dayOf = (ms: number) => dateOf(wallClock(ms, r.zone));
    const byDay = groupBy(all, (x) => dayOf(x.at));
    const days = [...byDay.keys()].sort();
    const first = r.from ?? days[0];
    const last = r.to ?? days[days.length - 1];
    const series: DayPoint[] = [];
    if (first !== undefined && last !== undefined) {
      for (let d = first, n = 0; d <= last && n <= MAX_SERIES_DAYS; d = addDaysToDate(d, 1), n += 1) {
        series.push({ date: d, metrics: metricsOf(byDay.get(d) ?? []) });
      }
    }
    const accounts = new Map(opts.accounts().map((a) => [a.id, a]));
    const campaigns = new Map(opts.campaigns().map((c) => [c.id, c]));
    const breakdown = (key: (x: Row) => string, label: (k: string) => string): BreakdownRow[] =>
      [...groupBy(all, key).entries()]
        .map(([k, list]) => ({ key: k, label: label(k), metrics: metricsOf(list) }))
        .sort((a, b) => b.metrics.views - a.metrics.views || a.key.localeCompare(b.key));
    const scored = all
      .filter((x) => x.score !== null)
      .sort((a, b) => b.at - a.at)
      .slice(0, PAIRS_LIMIT);
    const score_vs_actual: ScoreVsActual[] = scored.map((x) => ({
      target_id: x.target_id, post_id: x.post_id, platform: x.platform as PlatformId, score: x.score!, model_kind: x.model_kind,
      views: x.views, engagement_rate: x.views > 0 ? engagementsOf(x) / x.views : 0,
    }));
    const revenue = opts
      .revenue()
      .filter((e) => (r.campaignId === null || e.campaign_id === r.campaignId) && (r.from === null || e.occurred_on >= r.from) && (r.to === null || e.occurred_on <= r.to));
    return {
      timezone: r.zone,
      from: r.from,
      to: r.to,
      totals: metricsOf(all),
      series,
      by_platform: breakdown((x) => x.platform, (k) => k),
      by_account: breakdown(
        (x) => x.account_id,
        (k) => {
          const a = accounts.get(k);
          return a ? `${a.handle || a.display_name || a.id} (${a.platform})` : k;
        },
      ),
      by_campaign: breakdown((x) => x.campaign_id, (k) => campaigns.get(k)?.name ?? k),
      top_by_engagement: ranked(all, 'engagement', true),
      bottom_by_engagement: ranked(all, 'engagement', false),
      top_by_views: ranked(all, 'views', true),
      bottom_by_views: ranked(all, 'views', false),
      score_vs_actual,
      heatmap: heatmap(all, r.zone),
      revenue: revenueSummary(revenue, opts.rates()),
    };
  }

  /** The single point a history row stands for: its counts, read at the last check that has passed. */
  function latestPoint(h: HistoryPost, publishedAt: string, now: number): MetricPoint {
    const published = Date.parse(publishedAt);
    const elapsed = now - published;
    const offset = [...METRIC_READS_MS].reverse().find((o) => o <= elapsed);
    const at = Number.isNaN(published) || offset === undefined ? now : published + offset;
    return { at: new Date(at).toISOString(), views: h.views, likes: h.likes, comments: h.comments, shares: h.shares, saves: h.saves };
  }

  function postResults(postId: string, now = Date.now()): PostResults {
    const post = opts.post(postId);
    const history = opts.history();
    const targets: TargetResults[] = [];
    for (const t of post.targets) {
      const seeded = opts.snapshots?.[t.id];
      // A row names its target, or (the learning seed's shape) its post and account.
      const row = history.filter((h) => h.target_id === t.id || (h.target_id === undefined && h.post_id === post.id && h.account_id === t.account_id)).at(-1);
      const points = seeded && seeded.length > 0
        ? [...seeded].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((p) => ({ ...p }))
        : row
          ? [latestPoint(row, t.published_at ?? row.published_at, now)]
          : [];
      if (t.state !== 'published' && points.length === 0) continue;
      targets.push({
        target_id: t.id, platform: t.platform, handle: t.handle, published_at: t.published_at ?? row?.published_at ?? null, post_url: t.post_url, points,
      });
    }
    // Byte order, as SQLite's ORDER BY a.platform, a.handle, t.id.
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    targets.sort((a, b) => cmp(a.platform, b.platform) || cmp(a.handle, b.handle) || cmp(a.target_id, b.target_id));
    return { post_id: post.id, targets };
  }

  return { analytics, postResults };
}
