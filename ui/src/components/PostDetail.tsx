/**
 * One post: its caption, time (the viewer's and the post's zone), repeat rule, and per account a
 * timeline of what happened (queued, uploading x%, processing, published with its link, failed
 * with the reason) with the actions that state allows: Retry, Cancel, Mark as posted. The post
 * itself can be edited or unscheduled while it has not started, and deleted (after asking).
 * It polls, so an upload's progress moves while it is open. Once something is published, its
 * results over time follow (PostResults).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toApiError, useBackend, type PostView, type TargetView } from '../backend';
import { canCancel, canDelete, canEdit, canMarkPosted, canRetry, canRetryFollowUps, canUnschedule, POST_STATE_LABEL, recurrenceSummary, TARGET_STATE_LABEL } from '../lib/posts';
import { formatInZone, viewerZone } from '../lib/zoned';
import { invalidateScheduling, queryKeys, usePost } from '../queries';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { hasResults, PostResults } from './PostResults';

type Props = { postId: string; onClose: () => void; onEdit: (post: PostView) => void };

type TargetAction = { kind: 'retry' | 'cancel' } | { kind: 'posted'; url: string | null };

export function PostDetail({ postId, onClose, onEdit }: Props) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const post = usePost(postId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const done = async (p: PostView, text: string) => {
    // A target that becomes published brings its results: PostResults refetches them when it
    // sees the new post, so they are not invalidated (and fetched twice) here.
    queryClient.setQueryData(queryKeys.post(p.id), p);
    await invalidateScheduling(queryClient);
    setNotice(text);
  };

  const act = useMutation({
    mutationFn: ({ target, action }: { target: TargetView; action: TargetAction }) => {
      if (action.kind === 'posted') return backend.targetMarkPosted(target.id, action.url);
      return action.kind === 'retry' ? backend.targetRetry(target.id) : backend.targetCancel(target.id);
    },
    onSuccess: (p, { target, action }) =>
      done(p, `${target.platform_name} ${target.handle}: ${action.kind === 'retry' ? 'queued again' : action.kind === 'cancel' ? 'cancelled' : 'marked as posted'}.`),
  });
  const unschedule = useMutation({
    mutationFn: (id: string) => backend.postUnschedule(id),
    onSuccess: (p) => done(p, 'Unscheduled: the post is a draft again.'),
  });
  const remove = useMutation({
    mutationFn: (id: string) => backend.postDelete(id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: queryKeys.post(postId) });
      queryClient.removeQueries({ queryKey: queryKeys.postResults(postId) });
      await invalidateScheduling(queryClient);
      onClose();
    },
  });
  const error = act.error ?? unschedule.error;

  const p = post.data;
  const title = p ? (p.title ?? (p.state === 'draft' ? 'Draft post' : 'Post')) : 'Post';
  const busy = act.isPending || unschedule.isPending || remove.isPending;
  return (
    <Dialog title={title} onClose={onClose} size="wide" testId="post-detail">
      {post.isPending ? (
        <p className="state-message" role="status">
          Loading…
        </p>
      ) : post.isError ? (
        <div className="detail-body">
          <ErrorBanner message={`Could not load the post: ${toApiError(post.error).message}`} onRetry={() => void post.refetch()} />
        </div>
      ) : (
        p && (
          <>
            {error && <ErrorBanner message={toApiError(error).message} onDismiss={() => { act.reset(); unschedule.reset(); }} />}
            {notice && !error && (
              <div className="banner banner-info" role="status" data-testid="post-notice">
                <span className="banner-message">{notice}</span>
              </div>
            )}
            <div className="detail-body post-detail">
              <section className="post-summary" aria-label="Post">
                <dl className="about post-facts">
                  <dt>State</dt>
                  <dd>
                    <span className={`badge post-state is-${p.state}`} data-testid="post-state" data-state={p.state}>
                      {POST_STATE_LABEL[p.state]}
                    </span>
                  </dd>
                  <dt>Campaign</dt>
                  <dd>{p.campaign_name}</dd>
                  <dt>When</dt>
                  <dd data-testid="post-when">
                    <When post={p} />
                  </dd>
                  <dt>Repeats</dt>
                  <dd data-testid="post-recurrence">{recurrenceSummary(p.recurrence)}</dd>
                  {p.compliance_override && (
                    <>
                      <dt>Compliance</dt>
                      <dd data-testid="post-override">Scheduled despite issues: {p.compliance_override}</dd>
                    </>
                  )}
                </dl>
                <p className="post-caption" data-testid="post-caption">
                  {p.caption || <span className="muted">No caption</span>}
                </p>
              </section>

              <section aria-label="Accounts" className="post-targets">
                {p.targets.map((t) => (
                  <TargetCard key={t.id} target={t} busy={busy} onAction={(action) => act.mutate({ target: t, action })} />
                ))}
              </section>
              {hasResults(p) && <PostResults post={p} />}
            </div>
            <footer className="dialog-footer">
              {canDelete(p) && (
                <button type="button" className="btn btn-ghost btn-danger-ghost footer-start" onClick={() => setConfirmDelete(true)} disabled={busy}
                  data-testid="post-delete">
                  Delete
                </button>
              )}
              {canUnschedule(p) && (
                <button type="button" className="btn" onClick={() => unschedule.mutate(p.id)} disabled={busy} data-testid="post-unschedule">
                  {unschedule.isPending ? 'Unscheduling…' : 'Unschedule'}
                </button>
              )}
              {canEdit(p) && (
                <button type="button" className="btn" onClick={() => onEdit(p)} disabled={busy} data-testid="post-edit">
                  Edit
                </button>
              )}
              <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus data-testid="post-close">
                Close
              </button>
            </footer>
            {confirmDelete && (
              <ConfirmDialog title="Delete this post?" confirmLabel="Delete" pendingLabel="Deleting…" confirmTestId="post-delete-confirm"
                pending={remove.isPending} error={remove.isError ? toApiError(remove.error).message : null}
                onConfirm={() => remove.mutate(p.id)} onCancel={() => { setConfirmDelete(false); remove.reset(); }}>
                It disappears from the calendar and will not be published. Posts already on a platform stay there.
              </ConfirmDialog>
            )}
          </>
        )
      )}
    </Dialog>
  );
}

function When({ post: p }: { post: PostView }) {
  if (!p.scheduled_at) return <span className="muted">Not scheduled</span>;
  const ms = Date.parse(p.scheduled_at);
  const mine = viewerZone();
  const tz = p.timezone ?? mine;
  return (
    <span>
      {formatInZone(ms, tz)} <span className="muted">{tz}</span>
      {tz !== mine && (
        <span className="muted" data-testid="post-when-local">
          {' '}
          · {formatInZone(ms, mine)} your time
        </span>
      )}
    </span>
  );
}

const fmtAt = (iso: string) => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));

function TargetCard({ target: t, busy, onAction }: { target: TargetView; busy: boolean; onAction: (a: TargetAction) => void }) {
  const [marking, setMarking] = useState(false);
  const [url, setUrl] = useState('');
  const percent = t.upload_progress === null ? null : Math.round(t.upload_progress * 100);
  const submitPosted = (e: FormEvent) => {
    e.preventDefault();
    onAction({ kind: 'posted', url: url.trim() === '' ? null : url.trim() });
    setMarking(false);
  };
  const headingId = `target-${t.id}`;
  return (
    <article className="card target-card" data-testid="target-card" data-target-id={t.id} data-state={t.state} aria-labelledby={headingId}>
      <header className="target-head">
        <span className={`platform-mark platform-mark-${t.platform}`} aria-hidden="true">
          {t.platform_name.charAt(0)}
        </span>
        <h3 id={headingId}>
          {t.platform_name} <span className="muted">{t.handle}</span>
        </h3>
        <span className={`badge target-state is-${t.state}`} data-testid="target-state">
          {TARGET_STATE_LABEL[t.state]}
        </span>
      </header>
      {t.state === 'uploading' && (
        <div className="target-progress">
          <div className="progress" role="progressbar" aria-label={`Uploading to ${t.platform_name}`} aria-valuemin={0} aria-valuemax={100}
            aria-valuenow={percent ?? undefined} data-testid="target-progress">
            <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
          </div>
          <span className="muted">{percent === null ? 'Starting…' : `${percent}%`}</span>
        </div>
      )}
      {t.post_url && (
        <p>
          <a href={t.post_url} target="_blank" rel="noreferrer" data-testid="target-link">
            View on {t.platform_name}
          </a>
          {t.late_by_s !== null && t.late_by_s >= 60 && <span className="muted"> · {Math.round(t.late_by_s / 60)} min late</span>}
        </p>
      )}
      {t.failure_message && (
        <p className="target-failure" data-testid="target-failure">
          {t.failure_message}
        </p>
      )}
      {t.attention === 'missed' && <p className="target-attention">Missed while the computer was off or asleep. Post it now, or cancel it.</p>}
      {t.attention === 'unconfirmed' && (
        <p className="target-attention">We could not confirm it went out. Check {t.platform_name}, then retry or mark it as posted.</p>
      )}
      {canRetryFollowUps(t) && (
        <p className="target-attention" data-testid="target-replies-failed">
          The post is live, but part of its thread or its first comment did not post. Post the rest, or add it by hand on {t.platform_name}.
        </p>
      )}
      {t.next_attempt_at && <p className="muted">Next try {fmtAt(t.next_attempt_at)} (attempt {t.attempts + 1})</p>}
      {t.events.length > 0 && (
        <ol className="timeline" aria-label={`${t.platform_name} timeline`} data-testid="target-timeline">
          {t.events.map((ev, i) => (
            <li key={i} className={`timeline-item is-${ev.state}`} data-testid="timeline-item" data-state={ev.state}>
              <time dateTime={ev.at}>{fmtAt(ev.at)}</time>
              <span className="timeline-state">{TARGET_STATE_LABEL[ev.state as keyof typeof TARGET_STATE_LABEL] ?? ev.state}</span>
              {ev.detail && <span className="muted timeline-detail">{ev.detail}</span>}
            </li>
          ))}
        </ol>
      )}
      {marking ? (
        <form className="mark-posted" onSubmit={submitPosted} aria-label="Mark as posted">
          <label htmlFor={`url-${t.id}`}>Link to the post (optional)</label>
          <div className="copy-row">
            <input id={`url-${t.id}`} type="text" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…"
              data-testid="target-posted-url" autoFocus />
            <button type="submit" className="btn btn-small btn-primary" data-testid="target-posted-save">
              Mark as posted
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setMarking(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        (canRetry(t.state) || canRetryFollowUps(t) || canCancel(t.state) || canMarkPosted(t.state)) && (
          <div className="target-actions">
            {canRetryFollowUps(t) && (
              <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => onAction({ kind: 'retry' })} data-testid="target-retry-replies">
                Post the rest
              </button>
            )}
            {canRetry(t.state) && (
              <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => onAction({ kind: 'retry' })} data-testid="target-retry">
                {t.state === 'needs_review' ? 'Post now' : 'Retry'}
              </button>
            )}
            {canMarkPosted(t.state) && (
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => setMarking(true)} data-testid="target-mark-posted">
                Mark as posted…
              </button>
            )}
            {canCancel(t.state) && (
              <button type="button" className="btn btn-small btn-ghost btn-danger-ghost" disabled={busy} onClick={() => onAction({ kind: 'cancel' })}
                data-testid="target-cancel">
                Cancel
              </button>
            )}
          </div>
        )
      )}
    </article>
  );
}
