/**
 * Analytics: how published posts did, for a date range and optionally one campaign, account or
 * platform. Totals with revenue and ROI, a metric over time, breakdowns (click one to filter),
 * best and worst posts, the score against real engagement, and when posting worked best.
 * The filter and the chart's metric live in the hash query (#/analytics?range=30&campaign=…&metric=likes)
 * so a view can be bookmarked or linked from Home; it is written with replaceState, so it adds no
 * history entries.
 */
import { lazy, Suspense, useId, useMemo, useState, type ReactNode } from 'react';
import { toApiError, type PlatformView, type Analytics as AnalyticsData, type BreakdownRow, type RankedPost, type RevenueSummary } from '../backend';
import { ErrorBanner } from '../components/ErrorBanner';
import { HeatMap } from '../components/HeatMap';
import { MetricSelect } from '../components/MetricSelect';
import { MoneyTable, type MoneyTableIds } from '../components/MoneyTotals';
import { PostDetail } from '../components/PostDetail';
import { ScreenHeader } from '../components/ScreenHeader';
import { TableToggle } from '../components/TableToggle';
import {
  correlationWords,
  customRangeProblem,
  filterFromHash,
  formatCount,
  formatMetric,
  formatRate,
  hashForFilter,
  heatGrid,
  metricLabel,
  modelKindLabel,
  pairsByScore,
  RANGE_PRESETS,
  seriesOf,
  spearman,
  toBackendFilter,
  type FilterState,
  type MetricId,
  type RangePreset,
} from '../lib/analytics';
import { formatDate } from '../lib/format';
import { DAY_NAMES, slotLabel } from '../lib/learning';
import { useAccountPlatforms, useAccounts, useAnalytics, useCampaignList } from '../queries';
import { hrefFor, navigate } from '../router';

// Recharts is most of this screen's weight: it loads with the first chart, not with the app.
const SeriesChart = lazy(() => import('../components/AnalyticsCharts').then((m) => ({ default: m.SeriesChart })));
const ScoreScatter = lazy(() => import('../components/AnalyticsCharts').then((m) => ({ default: m.ScoreScatter })));

function ChartFallback({ height }: { height: number }) {
  return (
    <div className="skeleton-block" style={{ height }} role="status">
      <span className="sr-only">Loading chart…</span>
    </div>
  );
}

const whenFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "youtube" → "YouTube" from the app's platform list (the id capitalised until it loads). */
function platformNamer(platforms: PlatformView[] | undefined) {
  const names = new Map((platforms ?? []).map((p) => [p.id as string, p.name]));
  return (id: string) => names.get(id) ?? (id ? id[0]!.toUpperCase() + id.slice(1) : 'Unknown');
}

export function Analytics() {
  const [filter, setFilterState] = useState<FilterState>(() => filterFromHash(window.location.hash));
  const setFilter = (patch: Partial<FilterState>) => {
    const next = { ...filter, ...patch };
    setFilterState(next);
    window.history.replaceState(window.history.state, '', hashForFilter(next));
  };
  const backendFilter = useMemo(() => toBackendFilter(filter), [filter]);
  const analytics = useAnalytics(backendFilter);
  const platforms = useAccountPlatforms();
  const platformName = platformNamer(platforms.data);
  const [openPost, setOpenPost] = useState<string | null>(null);

  return (
    <>
      <ScreenHeader title="Analytics" subtitle="How your published posts did: views, engagement, revenue, and when posting works best." />
      <Filters filter={filter} onChange={setFilter} platformName={platformName} seenPlatforms={analytics.data?.by_platform.map((r) => r.key) ?? []} />
      <Results query={analytics} filter={filter} onFilter={setFilter} platformName={platformName} onOpenPost={setOpenPost} />
      {openPost !== null && <PostDetail postId={openPost} onClose={() => setOpenPost(null)} onEdit={() => navigate('calendar')} />}
    </>
  );
}

type Query = ReturnType<typeof useAnalytics>;

function Results({ query, filter, onFilter, platformName, onOpenPost }: {
  query: Query; filter: FilterState; onFilter: (p: Partial<FilterState>) => void; platformName: (id: string) => string; onOpenPost: (id: string) => void;
}) {
  if (filter.range === 'custom' && customRangeProblem(filter.from, filter.to) !== null) {
    return <p className="state-message">Fix the dates above to see results.</p>;
  }
  if (query.isError) {
    const e = toApiError(query.error);
    return <ErrorBanner message={`Could not load analytics: ${e.message}`} onRetry={() => void query.refetch()} />;
  }
  if (!query.data) {
    return (
      <div className="analytics-skeleton" role="status" data-testid="analytics-loading">
        <span className="sr-only">Loading analytics…</span>
        <div className="skeleton-row">{Array.from({ length: 6 }, (_, i) => <span key={i} className="skeleton-block" />)}</div>
        <span className="skeleton-block is-tall" />
      </div>
    );
  }
  const a = query.data;
  const nothing = a.totals.published_targets === 0 && a.revenue.currencies.length === 0;
  const filtered = filter.campaign !== null || filter.account !== null || filter.platform !== null;
  const dated = filter.range !== 'all';
  return (
    <div className="analytics" aria-busy={query.isFetching} data-testid="analytics" data-updating={query.isPlaceholderData || undefined}>
      <p className="muted analytics-zone" data-testid="analytics-zone">
        {a.from || a.to ? `${a.from ? formatDate(a.from) : 'The beginning'} – ${a.to ? formatDate(a.to) : 'today'}` : 'All time'}, days in {a.timezone}
        {query.isPlaceholderData && <span role="status"> · Updating…</span>}
      </p>
      {nothing ? (
        <section className="card empty-state" data-testid="analytics-empty">
          <h2>{filtered ? 'No results for this filter' : dated ? 'No results in this range' : 'No results yet'}</h2>
          <p className="muted">
            {filtered
              ? 'Nothing matching this campaign, account or platform was published in this range. Clear the filters or try a longer range.'
              : 'Results appear here once posts are published and their metrics come in. Schedule a post on the Calendar'}
            {!filtered && (dated ? ', or look at a longer range.' : ' to get started.')}
          </p>
          <div className="empty-actions">
            {(filtered || dated) && (
              <button type="button" className="btn" onClick={() => onFilter({ range: 'all', campaign: null, account: null, platform: null })}
                data-testid="analytics-show-all">
                Show all time, all posts
              </button>
            )}
            <a className="btn btn-primary" href={hrefFor('calendar')}>
              Open the calendar
            </a>
          </div>
        </section>
      ) : (
        <>
          <Totals data={a} />
          <OverTime data={a} metric={filter.metric} onMetric={(metric) => onFilter({ metric })} />
          <Breakdowns data={a} filter={filter} onFilter={onFilter} platformName={platformName} />
          <RankedPosts data={a} platformName={platformName} onOpenPost={onOpenPost} />
          <div className="analytics-pair">
            <ScoreVsActualSection data={a} platformName={platformName} />
            <BestTimesSection data={a} />
          </div>
        </>
      )}
    </div>
  );
}

function Filters({ filter, onChange, platformName, seenPlatforms }: {
  filter: FilterState; onChange: (p: Partial<FilterState>) => void; platformName: (id: string) => string; seenPlatforms: string[];
}) {
  const ids = useId();
  const campaigns = useCampaignList(true);
  const accounts = useAccounts();
  const platforms = [...new Set([...(accounts.data ?? []).map((a) => a.platform as string), ...seenPlatforms, ...(filter.platform ? [filter.platform] : [])])].sort();
  const problem = filter.range === 'custom' ? customRangeProblem(filter.from, filter.to) : null;
  const narrowed = filter.campaign !== null || filter.account !== null || filter.platform !== null;
  const missing = (id: string | null, list: { id: string }[] | undefined) => id !== null && list !== undefined && !list.some((x) => x.id === id);
  return (
    <div className="toolbar analytics-filters" role="group" aria-label="Filters" data-testid="analytics-filters">
      <fieldset className="plain-fieldset">
        <legend className="sr-only">Date range</legend>
        <div className="segmented segmented-compact">
          {RANGE_PRESETS.map((p) => (
            <label key={p.id} className="segment">
              <input type="radio" name={`${ids}-range`} checked={filter.range === p.id} data-testid={`analytics-range-${p.id}`}
                onChange={() => onChange({ range: p.id as RangePreset })} />
              <span>{p.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {filter.range === 'custom' && (
        <div className="analytics-dates">
          <label htmlFor={`${ids}-from`}>From</label>
          <input id={`${ids}-from`} type="date" value={filter.from} max={filter.to || undefined} onChange={(e) => onChange({ from: e.target.value })}
            aria-invalid={problem !== null} aria-describedby={problem ? `${ids}-problem` : undefined} data-testid="analytics-from" />
          <label htmlFor={`${ids}-to`}>to</label>
          <input id={`${ids}-to`} type="date" value={filter.to} min={filter.from || undefined} onChange={(e) => onChange({ to: e.target.value })}
            aria-invalid={problem !== null} aria-describedby={problem ? `${ids}-problem` : undefined} data-testid="analytics-to" />
          {problem && (
            <span id={`${ids}-problem`} className="field-error" role="alert">
              {problem}
            </span>
          )}
        </div>
      )}
      <label htmlFor={`${ids}-campaign`} className="sr-only">
        Campaign
      </label>
      <select id={`${ids}-campaign`} className="select" value={filter.campaign ?? ''} data-testid="analytics-campaign"
        onChange={(e) => onChange({ campaign: e.target.value || null })}>
        <option value="">All campaigns</option>
        {(campaigns.data ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.archived ? ' (archived)' : ''}
          </option>
        ))}
        {missing(filter.campaign, campaigns.data) && <option value={filter.campaign!}>(deleted campaign)</option>}
      </select>
      <label htmlFor={`${ids}-account`} className="sr-only">
        Account
      </label>
      <select id={`${ids}-account`} className="select" value={filter.account ?? ''} data-testid="analytics-account"
        onChange={(e) => onChange({ account: e.target.value || null })}>
        <option value="">All accounts</option>
        {(accounts.data ?? []).map((a) => (
          <option key={a.id} value={a.id}>
            {a.handle} ({a.platform_name})
          </option>
        ))}
        {missing(filter.account, accounts.data) && <option value={filter.account!}>(disconnected account)</option>}
      </select>
      <label htmlFor={`${ids}-platform`} className="sr-only">
        Platform
      </label>
      <select id={`${ids}-platform`} className="select" value={filter.platform ?? ''} data-testid="analytics-platform"
        onChange={(e) => onChange({ platform: e.target.value || null })}>
        <option value="">All platforms</option>
        {platforms.map((p) => (
          <option key={p} value={p}>
            {platformName(p)}
          </option>
        ))}
      </select>
      {narrowed && (
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange({ campaign: null, account: null, platform: null })} data-testid="analytics-clear">
          Clear filters
        </button>
      )}
    </div>
  );
}

function Section({ title, id, children, actions, testId }: { title: string; id: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="card analytics-section" aria-labelledby={id} data-testid={testId}>
      <div className="analytics-section-head">
        <h2 id={id} className="analytics-section-title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

function Totals({ data: a }: { data: AnalyticsData }) {
  const id = useId();
  const t = a.totals;
  const tiles: { label: string; value: string; hint?: string; testId: string }[] = [
    { label: 'Views', value: formatCount(t.views), testId: 'total-views' },
    { label: 'Likes', value: formatCount(t.likes), testId: 'total-likes' },
    { label: 'Comments', value: formatCount(t.comments), testId: 'total-comments' },
    { label: 'Shares', value: formatCount(t.shares), testId: 'total-shares' },
    { label: 'Saves', value: formatCount(t.saves), testId: 'total-saves' },
    { label: 'Engagement rate', value: formatRate(t.engagement_rate), hint: 'Likes, comments, shares and saves per view', testId: 'total-engagement' },
  ];
  return (
    <Section title="Totals" id={`${id}-totals`} testId="analytics-totals"
      actions={<span className="muted">{`${formatCount(t.posts)} ${t.posts === 1 ? 'post' : 'posts'} · ${formatCount(t.published_targets)} published to accounts`}</span>}>
      <dl className="analytics-tiles">
        {tiles.map((x) => (
          <div key={x.label} className="analytics-tile" data-testid={x.testId} title={x.hint}>
            <dt>{x.label}</dt>
            <dd>{x.value}</dd>
          </div>
        ))}
      </dl>
      <Revenue revenue={a.revenue} />
    </Section>
  );
}

const REVENUE_IDS: MoneyTableIds = { row: 'revenue-row', roi: 'revenue-roi', converted: 'revenue-converted' };

function Revenue({ revenue: r }: { revenue: RevenueSummary }) {
  if (r.currencies.length === 0) {
    return (
      <p className="muted" data-testid="revenue-empty">
        No revenue or costs recorded for this range. Add them on a campaign to see ROI here.
      </p>
    );
  }
  return (
    <div className="analytics-revenue" data-testid="revenue">
      <h3 className="analytics-subtitle">Revenue and ROI</h3>
      <div className="table-wrap">
        <MoneyTable summary={r} caption="Revenue, cost, net and return on investment per currency" testIds={REVENUE_IDS}
          noCostTitle="No costs recorded: ROI needs a cost" />
      </div>
      {r.missing_rates.length > 0 && (
        <p className="muted" data-testid="revenue-missing-rates">
          Not combined into one total: no exchange rate set for {r.missing_rates.join(', ')}.
        </p>
      )}
      {r.currencies.length > 1 && !r.converted && r.missing_rates.length === 0 && (
        <p className="muted">Currencies are shown apart: set exchange rates to see one total and an overall ROI.</p>
      )}
      {r.currencies.every((c) => c.roi === null) && <p className="muted">ROI shows “—” until a cost is recorded.</p>}
    </div>
  );
}

function OverTime({ data: a, metric, onMetric }: { data: AnalyticsData; metric: MetricId; onMetric: (m: MetricId) => void }) {
  const id = useId();
  const points = seriesOf(a.series, metric);
  const label = `${metricLabel(metric)} per day`;
  const anything = a.series.some((p) => p.metrics.published_targets > 0);
  return (
    <Section title="Over time" id={`${id}-time`} testId="analytics-over-time"
      actions={
        <MetricSelect id={`${id}-metric`} value={metric} onChange={onMetric} testId="analytics-metric" />
      }>
      {anything ? (
        <>
          <Suspense fallback={<ChartFallback height={260} />}>
            <SeriesChart points={points} metric={metric} label={`${label}, by day of publishing`} />
          </Suspense>
          <p className="muted analytics-note">Each day counts the posts published that day, with their latest metrics.</p>
          <TableToggle>
            <table className="table" data-testid="series-table">
              <caption className="sr-only">{label}</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col" className="num">Posts</th>
                  <th scope="col" className="num">{metricLabel(metric)}</th>
                </tr>
              </thead>
              <tbody>
                {a.series.map((p) => (
                  <tr key={p.date}>
                    <th scope="row">{formatDate(p.date)}</th>
                    <td className="num">{formatCount(p.metrics.posts)}</td>
                    <td className="num">{formatMetric(metric, p.metrics)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableToggle>
        </>
      ) : (
        <p className="muted" data-testid="series-empty">
          Nothing was published in this range, so there is nothing to chart.
        </p>
      )}
    </Section>
  );
}

type Dim = 'platform' | 'account' | 'campaign';

function Breakdowns({ data: a, filter, onFilter, platformName }: {
  data: AnalyticsData; filter: FilterState; onFilter: (p: Partial<FilterState>) => void; platformName: (id: string) => string;
}) {
  const id = useId();
  return (
    <Section title="Breakdown" id={`${id}-breakdown`} testId="analytics-breakdown">
      <p className="muted analytics-note">Most views first. Choose a row to show only its results.</p>
      <div className="analytics-breakdowns">
        <BreakdownTable title="By platform" dim="platform" rows={a.by_platform} active={filter.platform} label={(r) => platformName(r.key)}
          onSelect={(k) => onFilter({ platform: filter.platform === k ? null : k })} />
        <BreakdownTable title="By account" dim="account" rows={a.by_account} active={filter.account} label={(r) => r.label}
          onSelect={(k) => onFilter({ account: filter.account === k ? null : k })} />
        <BreakdownTable title="By campaign" dim="campaign" rows={a.by_campaign} active={filter.campaign} label={(r) => r.label || '(no campaign)'}
          onSelect={(k) => onFilter({ campaign: filter.campaign === k ? null : k })} />
      </div>
    </Section>
  );
}

function BreakdownTable({ title, dim, rows, active, label, onSelect }: {
  title: string; dim: Dim; rows: BreakdownRow[]; active: string | null; label: (r: BreakdownRow) => string; onSelect: (key: string) => void;
}) {
  const max = Math.max(1, ...rows.map((r) => r.metrics.views));
  return (
    <div className="analytics-breakdown" data-testid={`breakdown-${dim}`}>
      <h3 className="analytics-subtitle">{title}</h3>
      <table className="table analytics-breakdown-table">
        <caption className="sr-only">{title}: posts, views and engagement rate</caption>
        <thead>
          <tr>
            <th scope="col">{dim === 'platform' ? 'Platform' : dim === 'account' ? 'Account' : 'Campaign'}</th>
            <th scope="col" className="num">Views</th>
            <th scope="col" className="num" title="Engagement rate">Eng.</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={active === r.key ? 'is-active' : undefined} data-testid="breakdown-row" data-key={r.key}>
              <th scope="row">
                <button type="button" className="link-button" aria-pressed={active === r.key} onClick={() => onSelect(r.key)}
                  title={active === r.key ? 'Show all again' : `Show only ${label(r)}`}>
                  {label(r)}
                </button>
                <span className="analytics-bar" aria-hidden="true">
                  <span className="analytics-bar-fill" style={{ width: `${(r.metrics.views / max) * 100}%` }} />
                </span>
                <span className="muted analytics-sub">{`${formatCount(r.metrics.posts)} ${r.metrics.posts === 1 ? 'post' : 'posts'}`}</span>
              </th>
              <td className="num">{formatCount(r.metrics.views)}</td>
              <td className="num">{formatRate(r.metrics.engagement_rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RankedPosts({ data: a, platformName, onOpenPost }: { data: AnalyticsData; platformName: (id: string) => string; onOpenPost: (id: string) => void }) {
  const id = useId();
  const [by, setBy] = useState<'engagement' | 'views'>('engagement');
  const top = by === 'engagement' ? a.top_by_engagement : a.top_by_views;
  const topIds = new Set(top.map((p) => p.post_id));
  // With few posts the two lists overlap: the bottom list only shows posts not already on top.
  const bottom = (by === 'engagement' ? a.bottom_by_engagement : a.bottom_by_views).filter((p) => !topIds.has(p.post_id));
  const unrated = by === 'engagement' && a.totals.posts > a.top_by_engagement.length && a.top_by_engagement.length < 10;
  return (
    <Section title="Best and worst posts" id={`${id}-ranked`} testId="analytics-ranked"
      actions={
        <fieldset className="plain-fieldset">
          <legend className="sr-only">Rank posts by</legend>
          <div className="segmented segmented-compact">
            {(['engagement', 'views'] as const).map((k) => (
              <label key={k} className="segment">
                <input type="radio" name={`${id}-rank`} checked={by === k} onChange={() => setBy(k)} data-testid={`rank-by-${k}`} />
                <span>{k === 'engagement' ? 'Engagement rate' : 'Views'}</span>
              </label>
            ))}
          </div>
        </fieldset>
      }>
      {top.length === 0 ? (
        <p className="muted" data-testid="ranked-empty">
          {by === 'engagement' ? 'No post has views yet, so none can be ranked by engagement.' : 'No posts in this range.'}
        </p>
      ) : (
        <div className="analytics-ranked">
          <PostList title="Top" posts={top} testId="top-posts" platformName={platformName} onOpenPost={onOpenPost} />
          {bottom.length > 0 ? (
            <PostList title="Bottom" posts={bottom} testId="bottom-posts" platformName={platformName} onOpenPost={onOpenPost} />
          ) : (
            <p className="muted">Every post is in the top list.</p>
          )}
        </div>
      )}
      {unrated && <p className="muted analytics-note">Posts without views are left out of the engagement ranking.</p>}
    </Section>
  );
}

function PostList({ title, posts, testId, platformName, onOpenPost }: {
  title: string; posts: RankedPost[]; testId: string; platformName: (id: string) => string; onOpenPost: (id: string) => void;
}) {
  return (
    <div>
      <h3 className="analytics-subtitle">{title}</h3>
      <ol className="analytics-posts" data-testid={testId}>
        {posts.map((p) => (
          <li key={p.post_id} className="analytics-post" data-testid="ranked-post" data-post-id={p.post_id}>
            <span className="analytics-post-caption">{p.title || p.caption || '(no caption)'}</span>
            <span className="analytics-post-meta muted">
              {p.platforms.map(platformName).join(', ')} · <time dateTime={p.published_at}>{whenFormat.format(new Date(p.published_at))}</time>
            </span>
            <span className="analytics-post-metrics">
              <span>
                <strong>{formatCount(p.metrics.views)}</strong> views
              </span>
              <span>
                <strong>{formatRate(p.metrics.engagement_rate)}</strong> engagement
              </span>
              <span className="muted">
                {formatCount(p.metrics.likes)} likes · {formatCount(p.metrics.comments)} comments · {formatCount(p.metrics.shares)} shares
              </span>
            </span>
            <button type="button" className="btn btn-small" onClick={() => onOpenPost(p.post_id)} aria-label={`Open post: ${p.title || p.caption || 'no caption'}`}>
              Open
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

function ScoreVsActualSection({ data: a, platformName }: { data: AnalyticsData; platformName: (id: string) => string }) {
  const id = useId();
  const pairs = a.score_vs_actual;
  const rated = pairs.filter((p) => p.views > 0);
  const rho = spearman(rated.map((p) => p.score), rated.map((p) => p.engagement_rate));
  return (
    <Section title="Score vs actual engagement" id={`${id}-score`} testId="analytics-score">
      <p className="muted analytics-note">
        The viral score is made to rank a creator’s own options against each other before posting, not to predict exact numbers. Here each dot is a
        published post: the score it got against the engagement rate it earned.
      </p>
      {pairs.length === 0 ? (
        <p className="muted" data-testid="score-empty">
          No scored posts in this range. Score a video before publishing it (Library → Score) to see here how the score held up.
        </p>
      ) : (
        <>
          <Suspense fallback={<ChartFallback height={280} />}>
            <ScoreScatter pairs={pairs} label="Predicted score against actual engagement rate, one dot per published post" />
          </Suspense>
          <p data-testid="score-spearman">
            {rho === null ? (
              'Too few posts with views to measure how well the score ranked them (needs 3).'
            ) : (
              <>
                Spearman’s ρ = <strong>{rho.toFixed(2)}</strong> over {formatCount(rated.length)} posts with views: {correlationWords(rho)} between the score’s
                order and the real engagement order (1 is the same order, 0 no relation). Computed here from the points shown.
              </>
            )}
          </p>
          <TableToggle summary="Show the scores as a table">
            <table className="table table-compact" data-testid="score-table">
              <caption className="sr-only">Predicted score and actual engagement, one row per published post, highest score first</caption>
              <thead>
                <tr>
                  <th scope="col">Platform</th>
                  <th scope="col" className="num">Score</th>
                  <th scope="col" className="num">Engagement rate</th>
                  <th scope="col" className="num">Views</th>
                  <th scope="col">Model</th>
                </tr>
              </thead>
              <tbody>
                {pairsByScore(pairs).map((p) => (
                  <tr key={p.target_id} data-testid="score-row" data-post-id={p.post_id}>
                    <th scope="row">{platformName(p.platform)}</th>
                    <td className="num">{Math.round(p.score)}</td>
                    <td className="num">{p.views > 0 ? formatRate(p.engagement_rate) : '—'}</td>
                    <td className="num">{formatCount(p.views)}</td>
                    <td>{modelKindLabel(p.model_kind)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableToggle>
        </>
      )}
    </Section>
  );
}

function BestTimesSection({ data: a }: { data: AnalyticsData }) {
  const id = useId();
  const grid = useMemo(() => heatGrid(a.heatmap), [a.heatmap]);
  const cells = useMemo(() => new Map(a.heatmap.map((c) => [(c.weekday - 1) * 24 + c.hour, c])), [a.heatmap]);
  const describe = (d: number, h: number) => {
    const c = cells.get(d * 24 + h);
    const slot = slotLabel({ day: DAY_NAMES[d] ?? '?', hour: h });
    if (!c) return `${slot}: no posts`;
    return `${slot}: ${c.posts} ${c.posts === 1 ? 'post' : 'posts'}, ${formatRate(c.mean_engagement_rate)} mean engagement`;
  };
  return (
    <Section title="When posting worked best" id={`${id}-heat`} testId="analytics-heat">
      {a.heatmap.length === 0 ? (
        <p className="muted" data-testid="heat-empty">
          No published posts in this range.
        </p>
      ) : (
        <>
          <HeatMap view={{ heat: grid.heat, top: grid.top, time_zone: 'each account’s zone' }}
            label="Mean engagement rate by publish weekday and hour" describe={describe} />
          <p className="muted heatmap-legend">
            Darker is a higher mean engagement rate ({formatRate(grid.max)} at the darkest); outlined cells are the five best slots. Hours are in each
            account’s posting zone.
          </p>
        </>
      )}
    </Section>
  );
}
