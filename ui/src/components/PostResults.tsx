/**
 * A published post's results over time, in its detail dialog: one chosen metric against time
 * since publishing (a line per account), the latest numbers per account, and the same series as a
 * table for keyboard and screen-reader users. Metrics come in the background (about 1 h, 6 h,
 * 24 h, 48 h and 7 d after publishing), so until the first read there is only a note.
 */
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import { toApiError, type PostView, type TargetResults } from '../backend';
import { formatPointValue, METRICS, metricLabel, resultLines, sinceLabel, type MetricId } from '../lib/analytics';
import { queryKeys, usePostResults } from '../queries';
import { ErrorBanner } from './ErrorBanner';
import { MetricSelect } from './MetricSelect';
import { TableToggle } from './TableToggle';

// Recharts loads with the first chart, not with the dialog (as on the Analytics screen).
const ResultsChart = lazy(() => import('./AnalyticsCharts').then((m) => ({ default: m.ResultsChart })));

const whenFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const hoursSince = (t: TargetResults, at: string) => (Date.parse(at) - Date.parse(t.published_at ?? t.points[0]?.at ?? at)) / 3_600_000;

/** Whether a post has anything the results section can show (the backend lists the same targets). */
export function hasResults(p: PostView): boolean {
  return p.targets.some((t) => t.state === 'published' || t.published_at !== null);
}

export function PostResults({ post: p }: { post: PostView }) {
  const id = useId();
  const queryClient = useQueryClient();
  const results = usePostResults(p.id);
  const [metric, setMetric] = useState<MetricId>('views');

  // A target published while the dialog is open (the post polls) brings its own line.
  const published = p.targets.filter((t) => t.state === 'published').map((t) => t.id).join(' ');
  const seen = useRef(published);
  useEffect(() => {
    if (seen.current === published) return;
    seen.current = published;
    void queryClient.invalidateQueries({ queryKey: queryKeys.postResults(p.id) });
  }, [published, p.id, queryClient]);

  const names = useMemo(() => new Map(p.targets.map((t) => [t.id, t.platform_name])), [p.targets]);
  const labelOf = useMemo(() => (t: TargetResults) => `${names.get(t.target_id) ?? t.platform} · ${t.handle}`, [names]);
  const data = results.data;
  const targets = useMemo(() => data?.targets ?? [], [data]);
  const lines = useMemo(() => resultLines(targets, metric, labelOf), [targets, metric, labelOf]);
  const anyPoints = targets.some((t) => t.points.length > 0);
  const metricName = metricLabel(metric);

  return (
    <section className="post-results" aria-labelledby={`${id}-title`} data-testid="post-results">
      <div className="analytics-section-head">
        <h3 id={`${id}-title`} className="analytics-section-title">
          Results
        </h3>
        {anyPoints && (
          <MetricSelect id={`${id}-metric`} value={metric} onChange={setMetric} testId="post-results-metric" />
        )}
      </div>
      {results.isPending ? (
        <div className="skeleton-block post-results-skeleton" role="status" data-testid="post-results-loading">
          <span className="sr-only">Loading results…</span>
        </div>
      ) : results.isError ? (
        <ErrorBanner message={`Could not load the results: ${toApiError(results.error).message}`} onRetry={() => void results.refetch()} />
      ) : !anyPoints ? (
        <p className="muted" data-testid="post-results-empty">
          Metrics arrive about an hour after publishing, then again after 6 hours, a day, two days and a week.
        </p>
      ) : (
        <>
          <Suspense
            fallback={
              <div className="skeleton-block post-results-skeleton" role="status">
                <span className="sr-only">Loading chart…</span>
              </div>
            }>
            <ResultsChart lines={lines} metric={metric} label={`${metricName} over time since publishing, one line per account`} />
          </Suspense>
          <LatestTable targets={targets} label={labelOf} metric={metric} />
          <TableToggle summary={`Show ${metricName.toLowerCase()} over time as a table`}>
            <table className="table" data-testid="post-results-series">
              <caption className="sr-only">{metricName} at each metric read, per account</caption>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Read</th>
                  <th scope="col">After</th>
                  <th scope="col" className="num">
                    {metricName}
                  </th>
                </tr>
              </thead>
              {/* A body per account, so its name heads the rows of its reads. */}
              {targets.map((t) => (
                <tbody key={t.target_id}>
                  {t.points.map((pt, i) => (
                    <tr key={i} data-testid="post-results-series-row" data-target-id={t.target_id}>
                      {i === 0 && (
                        <th scope="rowgroup" rowSpan={t.points.length}>
                          {labelOf(t)}
                        </th>
                      )}
                      <td>
                        <time dateTime={pt.at}>{whenFormat.format(new Date(pt.at))}</time>
                      </td>
                      <td>{sinceLabel(Math.max(0, hoursSince(t, pt.at)))}</td>
                      <td className="num">{formatPointValue(pt, metric)}</td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </TableToggle>
        </>
      )}
    </section>
  );
}

/** Each account's most recent read; the column of the charted metric is marked. */
function LatestTable({ targets, label, metric }: { targets: TargetResults[]; label: (t: TargetResults) => string; metric: MetricId }) {
  return (
    <div className="table-wrap">
      <table className="table post-results-latest" data-testid="post-results-latest">
        <caption className="sr-only">Latest numbers per account</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            {METRICS.map((m) => (
              <th key={m.id} scope="col" className={m.id === metric ? 'num is-selected' : 'num'}
                title={m.id === 'engagement_rate' ? 'Likes, comments, shares and saves per view' : undefined}>
                {m.id === 'engagement_rate' ? 'Eng. rate' : m.label}
              </th>
            ))}
            <th scope="col">As of</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => {
            const last = t.points.at(-1);
            return (
              <tr key={t.target_id} data-testid="post-results-row" data-target-id={t.target_id}>
                <th scope="row">
                  {t.post_url ? (
                    <a href={t.post_url} target="_blank" rel="noreferrer">
                      {label(t)}
                    </a>
                  ) : (
                    label(t)
                  )}
                </th>
                {METRICS.map((m) => (
                  <td key={m.id} className={m.id === metric ? 'num is-selected' : 'num'} data-metric={m.id}>
                    {last ? formatPointValue(last, m.id) : '—'}
                  </td>
                ))}
                <td className="muted">
                  {last ? (
                    <time dateTime={last.at} title={whenFormat.format(new Date(last.at))}>
                      {sinceLabel(Math.max(0, hoursSince(t, last.at)))} after publishing
                    </time>
                  ) : (
                    'No metrics yet'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
