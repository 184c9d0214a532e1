import { toApiError } from '../backend';
import { RecentResults } from '../components/RecentResults';
import { ScreenHeader } from '../components/ScreenHeader';
import { TARGET_STATE_LABEL } from '../lib/posts';
import { useCampaignList, useSchedulerStatus } from '../queries';
import { hrefFor } from '../router';

const when = (iso: string) => new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

export function Home() {
  const active = useCampaignList(false);
  const status = useSchedulerStatus();
  const count = active.data?.length;
  const attention = status.data?.needs_attention;
  return (
    <>
      <ScreenHeader title="Welcome to Viral Studio" subtitle="Plan campaigns, render cuts and publish — all on your own machine." />
      <div className="home-grid">
        <section className="card stat-card" aria-labelledby="home-campaigns">
          <h2 id="home-campaigns" className="stat-label">
            Active campaigns
          </h2>
          <p className="stat-value" data-testid="home-active-count" aria-live="polite">
            {active.isPending ? '…' : active.isError ? '—' : count}
          </p>
          {active.isError && <p className="muted">Could not load campaigns: {toApiError(active.error).message}</p>}
          <a className="btn btn-primary" href={hrefFor('campaigns')}>
            Go to Campaigns
          </a>
        </section>
        <section className="card stat-card" aria-labelledby="home-attention">
          <h2 id="home-attention" className="stat-label">
            Needs attention
          </h2>
          <p className={`stat-value ${attention ? 'is-attention' : ''}`} data-testid="home-attention-count" aria-live="polite">
            {status.isPending ? '…' : status.isError ? '—' : attention}
          </p>
          <p className="muted">
            {status.isError
              ? `Could not read the scheduler: ${toApiError(status.error).message}`
              : attention
                ? 'Posts that failed, were missed or could not be confirmed.'
                : 'Every post is on track.'}
          </p>
          <a className="btn" href={hrefFor('calendar')}>
            Open the calendar
          </a>
        </section>
        <section className="card home-next" aria-labelledby="home-next">
          <h2 id="home-next" className="stat-label">
            Next up
          </h2>
          {status.data && status.data.next.length > 0 ? (
            <ul className="queue-list" data-testid="home-next-list">
              {status.data.next.map((q) => (
                <li key={q.target_id} className="queue-row" data-testid="home-next-item">
                  <span className="queue-when">{when(q.next_attempt_at ?? q.due_at)}</span>
                  <span className="queue-who">
                    {q.platform} · {q.handle}
                  </span>
                  <span className="queue-caption">{q.caption || '(no caption)'}</span>
                  <span className={`badge target-state is-${q.state}`}>{TARGET_STATE_LABEL[q.state]}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted" data-testid="home-next-empty">
              {status.isPending ? 'Loading…' : 'Nothing scheduled. Plan a post on the Calendar.'}
            </p>
          )}
        </section>
        <RecentResults />
      </div>
    </>
  );
}
