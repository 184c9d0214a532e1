/**
 * Home's "Recent results": the last 7 days against the 7 before (views, engagements, engagement
 * rate, each with an arrow), the week's top 3 posts by engagement rate, and a link to Analytics.
 * Days are the machine's, as on the Analytics screen.
 */
import { useMemo } from 'react';
import { toApiError, type AnalyticsFilter, type Metrics } from '../backend';
import { change, changePoints, formatCount, formatRate, hashForFilter, lastDays, today, EMPTY_FILTER } from '../lib/analytics';
import { addDaysToDate } from '../lib/zoned';
import { useAnalytics } from '../queries';

const ALL: Omit<AnalyticsFilter, 'from' | 'to'> = { campaign_id: null, account_id: null, platform: null, timezone: null };

type Stat = { label: string; value: (m: Metrics) => number; format: (n: number) => string; compare: typeof change; testId: string };

const STATS: Stat[] = [
  { label: 'Views', value: (m) => m.views, format: formatCount, compare: change, testId: 'recent-views' },
  { label: 'Engagements', value: (m) => m.engagements, format: formatCount, compare: change, testId: 'recent-engagements' },
  { label: 'Engagement rate', value: (m) => m.engagement_rate, format: formatRate, compare: changePoints, testId: 'recent-rate' },
];

const ARROW = { up: '↑', down: '↓', same: '→' } as const;

export function RecentResults() {
  const [week, before] = useMemo(() => {
    const end = today();
    return [{ ...ALL, ...lastDays(7, end) }, { ...ALL, ...lastDays(7, addDaysToDate(end, -7)) }];
  }, []);
  const current = useAnalytics(week);
  const previous = useAnalytics(before);
  const error = current.error ?? previous.error;
  const link = hashForFilter({ ...EMPTY_FILTER, range: '7' });

  let body;
  if (error) {
    body = (
      <div className="banner banner-error" role="alert" data-testid="home-results-error">
        <span className="banner-message">Could not load recent results: {toApiError(error).message}</span>
        <span className="banner-actions">
          <button type="button" className="btn btn-small" onClick={() => void Promise.all([current.refetch(), previous.refetch()])}>
            Retry
          </button>
        </span>
      </div>
    );
  } else if (!current.data || !previous.data) {
    body = (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  } else if (current.data.totals.published_targets === 0 && previous.data.totals.published_targets === 0) {
    body = (
      <p className="muted" data-testid="home-results-empty">
        Nothing was published in the last two weeks. Results show up here once posts go out and their metrics come in.
      </p>
    );
  } else {
    const now = current.data.totals;
    const then = previous.data.totals;
    const top = current.data.top_by_engagement.slice(0, 3);
    body = (
      <>
        <dl className="home-results-stats">
          {STATS.map((s) => {
            const c = s.compare(s.value(now), s.value(then));
            return (
              <div key={s.label} data-testid={s.testId}>
                <dt className="stat-label">{s.label}</dt>
                <dd>
                  <span className="home-results-value">{s.format(s.value(now))}</span>
                  <span className={`trend is-${c.direction}`} data-testid="trend" data-direction={c.direction}>
                    <span aria-hidden="true">{ARROW[c.direction]} </span>
                    {c.direction === 'same' ? c.text : `${c.text} vs the 7 days before (${s.format(s.value(then))})`}
                  </span>
                </dd>
              </div>
            );
          })}
        </dl>
        {top.length > 0 ? (
          <div>
            <h3 className="stat-label">Top posts this week</h3>
            <ol className="home-results-top" data-testid="home-results-top">
              {top.map((p) => (
                <li key={p.post_id}>
                  {p.title || p.caption || '(no caption)'} <span className="muted">· {formatRate(p.metrics.engagement_rate)} engagement, {formatCount(p.metrics.views)} views</span>
                </li>
              ))}
            </ol>
          </div>
        ) : (
          <p className="muted">No post from this week has views yet.</p>
        )}
      </>
    );
  }
  return (
    <section className="card home-results" aria-labelledby="home-results" data-testid="home-results">
      <div className="home-results-head">
        <h2 id="home-results" className="stat-label">
          Recent results <span className="muted">· last 7 days</span>
        </h2>
        <a className="btn btn-small" href={link} data-testid="home-results-link">
          Open Analytics
        </a>
      </div>
      {body}
    </section>
  );
}
