/**
 * Beside the calendar: "Up next" (what the scheduler will publish, soonest first), drafts, and
 * the scheduler's health (paused or not, who holds the publisher lease and whether it is alive,
 * queue depth, restarts, each account's last error, recent events). Both poll every 2 s.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toApiError, useBackend, type PostView, type QueueItem } from '../backend';
import { TARGET_STATE_LABEL } from '../lib/posts';
import { invalidateScheduling, queryKeys, useQueue, useSchedulerStatus } from '../queries';

const when = (iso: string) => new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

export function UpNext({ onOpen }: { onOpen: (postId: string) => void }) {
  const queue = useQueue();
  const items = queue.data ?? [];
  return (
    <section className="card side-card" aria-labelledby="up-next-title" data-testid="up-next">
      <h2 id="up-next-title">Up next</h2>
      {queue.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : queue.isError ? (
        <p className="field-error" role="alert">
          Could not load the queue: {toApiError(queue.error).message}
        </p>
      ) : items.length === 0 ? (
        <p className="muted" data-testid="up-next-empty">
          Nothing queued. Scheduled posts show here.
        </p>
      ) : (
        <ul className="queue-list">
          {items.slice(0, 12).map((q) => (
            <QueueRow key={q.target_id} item={q} onOpen={() => onOpen(q.post_id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function QueueRow({ item: q, onOpen }: { item: QueueItem; onOpen: () => void }) {
  return (
    <li>
      <button type="button" className="queue-row" onClick={onOpen} data-testid="queue-row" data-post-id={q.post_id} data-state={q.state}>
        <span className="queue-when">{when(q.next_attempt_at ?? q.due_at)}</span>
        <span className="queue-who">
          {q.platform} · {q.handle}
        </span>
        <span className="queue-caption">{q.caption || '(no caption)'}</span>
        <span className={`badge target-state is-${q.state}`}>{TARGET_STATE_LABEL[q.state]}</span>
      </button>
    </li>
  );
}

export function Drafts({ posts, onOpen }: { posts: PostView[]; onOpen: (postId: string) => void }) {
  if (posts.length === 0) return null;
  return (
    <section className="card side-card" aria-labelledby="drafts-title" data-testid="drafts">
      <h2 id="drafts-title">Drafts</h2>
      <ul className="queue-list">
        {posts.map((p) => (
          <li key={p.id}>
            <button type="button" className="queue-row" onClick={() => onOpen(p.id)} data-testid="draft-row" data-post-id={p.id}>
              <span className="queue-caption">{p.caption || p.title || 'Untitled draft'}</span>
              <span className="queue-who">{p.targets.map((t) => t.platform_name).join(', ')}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const since = (iso: string) => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

export function HealthPanel() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const status = useSchedulerStatus();
  const pause = useMutation({
    mutationFn: (paused: boolean) => backend.schedulerSetPaused(paused),
    onSuccess: async (s) => {
      queryClient.setQueryData(queryKeys.schedulerStatus, s);
      await invalidateScheduling(queryClient);
    },
  });
  const s = status.data;
  return (
    <section className="card side-card" aria-labelledby="health-title" data-testid="scheduler-health">
      <h2 id="health-title">Scheduler</h2>
      {status.isPending ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : status.isError ? (
        <p className="field-error" role="alert">
          Could not read the scheduler: {toApiError(status.error).message}
        </p>
      ) : (
        s && (
          <>
            <label className="toggle health-pause">
              <input type="checkbox" role="switch" checked={s.paused} disabled={pause.isPending} onChange={(e) => pause.mutate(e.target.checked)}
                data-testid="scheduler-paused" />
              Pause publishing
            </label>
            <p className={`health-state ${s.paused ? 'is-paused' : ''}`} data-testid="scheduler-state" aria-live="polite">
              {s.paused ? 'Paused: nothing is published until you resume.' : 'Publishing on schedule.'}
            </p>
            {pause.isError && <p className="field-error">{toApiError(pause.error).message}</p>}
            <p className="health-lease" data-testid="scheduler-lease" data-alive={s.lease?.alive ?? false}>
              <span className={`health-dot ${s.lease?.alive ? 'is-alive' : 'is-dead'}`} aria-hidden="true" />
              {s.lease
                ? `${s.lease.owner_label} ${s.lease.alive ? 'is publishing' : 'stopped answering'} (since ${since(s.lease.since)})`
                : 'No publisher is running. Open the app or start studio daemon.'}
            </p>
            <dl className="health-stats">
              <div>
                <dt>Queued</dt>
                <dd data-testid="scheduler-queued">{s.queued}</dd>
              </div>
              <div>
                <dt>Due now</dt>
                <dd data-testid="scheduler-due">{s.due_now}</dd>
              </div>
              <div>
                <dt>Running</dt>
                <dd data-testid="scheduler-running">{s.running}</dd>
              </div>
              <div>
                <dt>Needs review</dt>
                <dd data-testid="scheduler-review">{s.needs_review}</dd>
              </div>
            </dl>
            <p className="muted" data-testid="scheduler-restarts">
              {s.restarts === 0 ? 'No restarts' : `${s.restarts} ${s.restarts === 1 ? 'restart' : 'restarts'}`}
              {s.last_restart && `, last ${since(s.last_restart)}`}
            </p>
            {s.accounts.some((a) => a.last_error || a.status !== 'connected') && (
              <ul className="health-accounts" aria-label="Accounts with problems">
                {s.accounts
                  .filter((a) => a.last_error || a.status !== 'connected')
                  .map((a) => (
                    <li key={a.account_id} data-testid="scheduler-account" data-account-id={a.account_id}>
                      <strong>
                        {a.platform} {a.handle}
                      </strong>
                      {a.status !== 'connected' && <span className="badge badge-danger">{a.status.replace('_', ' ')}</span>}
                      {a.last_error && (
                        <span className="muted">
                          {' '}
                          {a.last_error}
                          {a.last_error_at && ` (${since(a.last_error_at)})`}
                        </span>
                      )}
                    </li>
                  ))}
              </ul>
            )}
            {s.events.length > 0 && (
              <details className="health-events">
                <summary>Recent events</summary>
                <ol>
                  {s.events.map((e, i) => (
                    <li key={i} data-testid="scheduler-event" data-kind={e.kind}>
                      <time dateTime={e.at}>{since(e.at)}</time> {e.kind.replace('_', ' ')}
                      {e.detail && <span className="muted"> — {e.detail}</span>}
                    </li>
                  ))}
                </ol>
              </details>
            )}
          </>
        )
      )}
    </section>
  );
}
