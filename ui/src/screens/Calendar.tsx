/**
 * Calendar: posts by month or week at the viewer's local time, with per-account status chips.
 * Drag a scheduled post to another day (month, same time of day in its zone) or day and hour
 * (week) to reschedule it; the past is refused before asking the backend. Beside it: what is up
 * next, drafts, and the scheduler's health. Keys: ←/→ period, T today, M/W view, N new post.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { toApiError, useBackend, type PostView } from '../backend';
import { CalendarGrid } from '../components/CalendarGrid';
import { Composer } from '../components/Composer';
import { Icon } from '../components/Icon';
import { PostDetail } from '../components/PostDetail';
import { Drafts, HealthPanel, UpNext } from '../components/SchedulerPanels';
import { ScreenHeader } from '../components/ScreenHeader';
import { dayKey, movedTime, periodLabel, shiftPeriod, startOfDay, visibleRange, type CalendarView } from '../lib/calendar';
import { canDrag } from '../lib/posts';
import { formatInZone } from '../lib/zoned';
import { invalidateScheduling, useAccounts, usePostList } from '../queries';
import { isTypingTarget } from '../shortcuts';

type Notice = { kind: 'error' | 'info'; text: string } | null;
type Editing = { post?: PostView } | null;

export function Calendar() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [view, setView] = useState<CalendarView>('month');
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [composer, setComposer] = useState<Editing>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const accounts = useAccounts();

  const range = visibleRange(view, anchor);
  const [from, to] = [range.from.toISOString(), range.to.toISOString()];
  const query = useMemo(() => ({ from, to, campaign_id: null, drafts: true }), [from, to]);
  const posts = usePostList(query);
  const list = posts.data ?? [];
  const scheduled = list.filter((p) => p.scheduled_at !== null);
  const drafts = list.filter((p) => p.scheduled_at === null);

  const move = useMutation({
    mutationFn: ({ post, at, timezone }: { post: PostView; at: string; timezone: string }) =>
      backend.postSchedule({
        post_id: post.id, at, timezone, next_slot: false, now: false, recurrence: post.recurrence, override_reason: post.compliance_override,
        expected_version: post.version,
      }),
    onSuccess: async (p) => {
      await invalidateScheduling(queryClient);
      const at = p.scheduled_at ? formatInZone(Date.parse(p.scheduled_at), p.timezone ?? 'UTC') : '';
      setNotice({ kind: 'info', text: `Moved to ${at} (${p.timezone ?? 'UTC'}).` });
    },
    onError: async (err) => {
      const e = toApiError(err);
      await invalidateScheduling(queryClient);
      const why =
        e.code === 'invalid_time' ? `Can’t move it there: ${e.message}` :
        e.code === 'conflict' ? `This post changed meanwhile; look again and retry. (${e.message})` :
        e.code === 'compliance_failed' ? `It fails the compliance checks now: ${e.message}` :
        `Could not reschedule: ${e.message}`;
      setNotice({ kind: 'error', text: why });
    },
  });

  const onMove = (post: PostView, day: string, hour: number | null) => {
    if (!canDrag(post)) {
      setNotice({ kind: 'error', text: 'This post is already publishing or done; it can’t be moved.' });
      return;
    }
    const next = movedTime(post, day, hour);
    if (!next || next.ms === Date.parse(post.scheduled_at ?? '')) return;
    if (next.ms < Date.now()) {
      setNotice({ kind: 'error', text: 'You can’t move a post into the past. Pick a later day or time.' });
      return;
    }
    setNotice(null);
    move.mutate({ post, at: next.at, timezone: next.timezone });
  };

  const dialogOpen = composer !== null || detail !== null;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || dialogOpen || document.querySelector('dialog[open]')) return;
      if (isTypingTarget(e.target)) return;
      const inControl = e.target instanceof HTMLElement && (e.target.tagName === 'INPUT' || e.target.getAttribute('role') === 'tab');
      const key = e.key.toLowerCase();
      if ((key === 'arrowleft' || key === 'arrowright') && !inControl && !e.shiftKey) {
        setAnchor((a) => shiftPeriod(view, a, key === 'arrowleft' ? -1 : 1));
      } else if (key === 't' && !e.shiftKey) setAnchor(startOfDay(new Date()));
      else if (key === 'm' && !e.shiftKey) setView('month');
      else if (key === 'w' && !e.shiftKey) setView('week');
      else if (key === 'n' && !e.shiftKey) setComposer({});
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view, dialogOpen]);

  const noAccounts = accounts.isSuccess && accounts.data.length === 0;
  const label = periodLabel(view, anchor);
  return (
    <div className="calendar-screen">
      <ScreenHeader title="Calendar" subtitle="What goes out when, on every account. Drag a post to move it."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setComposer({})} aria-keyshortcuts="N" data-testid="calendar-new-post">
            New post <kbd className="kbd-hint" aria-hidden="true">N</kbd>
          </button>
        } />

      {notice && (
        <div className={`banner ${notice.kind === 'error' ? 'banner-error' : 'banner-info'}`} role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="calendar-notice" data-kind={notice.kind}>
          <span className="banner-message">
            {notice.kind === 'info' && <Icon name="check" />} {notice.text}
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      {posts.isError && (
        <div className="banner banner-error" role="alert" data-testid="error-banner">
          <span className="banner-message">Could not load posts: {toApiError(posts.error).message}</span>
        </div>
      )}

      <div className="calendar-layout">
        <div className="calendar-main">
          <div className="toolbar calendar-toolbar">
            <div className="segmented" role="radiogroup" aria-label="View">
              {(['month', 'week'] as const).map((v) => (
                <label key={v} className="segment">
                  <input type="radio" name="calendar-view" checked={view === v} onChange={() => setView(v)} aria-keyshortcuts={v === 'month' ? 'M' : 'W'}
                    data-testid={`calendar-view-${v}`} />
                  <span>{v === 'month' ? 'Month' : 'Week'}</span>
                </label>
              ))}
            </div>
            <div className="calendar-nav">
              <button type="button" className="btn btn-small" onClick={() => setAnchor((a) => shiftPeriod(view, a, -1))}
                aria-label={view === 'month' ? 'Previous month' : 'Previous week'} aria-keyshortcuts="ArrowLeft" data-testid="calendar-prev">
                <Icon name="chevron" className="flip" />
              </button>
              <button type="button" className="btn btn-small" onClick={() => setAnchor(startOfDay(new Date()))} aria-keyshortcuts="T"
                data-testid="calendar-today">
                Today
              </button>
              <button type="button" className="btn btn-small" onClick={() => setAnchor((a) => shiftPeriod(view, a, 1))}
                aria-label={view === 'month' ? 'Next month' : 'Next week'} aria-keyshortcuts="ArrowRight" data-testid="calendar-next">
                <Icon name="chevron" />
              </button>
            </div>
            <h2 className="calendar-period" aria-live="polite" data-testid="calendar-period">
              {label}
            </h2>
            <span className="muted calendar-count" data-testid="calendar-count">
              {posts.isPending ? 'Loading…' : scheduled.length === 0 ? 'Nothing scheduled' : `${scheduled.length} ${scheduled.length === 1 ? 'post' : 'posts'}`}
            </span>
          </div>
          {scheduled.length === 0 && posts.isSuccess && (
            <p className="calendar-empty muted" data-testid="calendar-empty">
              {noAccounts ? (
                <>
                  No accounts connected yet: <a href="#/accounts">connect one</a> to schedule posts.
                </>
              ) : (
                <>Nothing scheduled {view === 'month' ? 'this month' : 'this week'}. Press N or “New post” to plan one.</>
              )}
            </p>
          )}
          <CalendarGrid view={view} anchor={anchor} today={dayKey(new Date())} posts={scheduled} onOpen={(p) => setDetail(p.id)} onMove={onMove} />
        </div>
        <aside className="calendar-side" aria-label="Queue and scheduler">
          <UpNext onOpen={setDetail} />
          <Drafts posts={drafts} onOpen={setDetail} />
          <HealthPanel />
        </aside>
      </div>

      {composer && (
        <Composer post={composer.post} onClose={() => setComposer(null)}
          onDone={(p, action) => {
            setComposer(null);
            setNotice({ kind: 'info', text: action === 'draft' ? 'Saved as a draft.' : `Scheduled for ${p.scheduled_at ? formatInZone(Date.parse(p.scheduled_at), p.timezone ?? 'UTC') : 'now'} (${p.timezone ?? 'UTC'}).` });
            if (action === 'schedule' && p.scheduled_at) setAnchor(startOfDay(new Date(p.scheduled_at)));
          }} />
      )}
      {detail && (
        <PostDetail postId={detail} onClose={() => setDetail(null)}
          onEdit={(p) => {
            setDetail(null);
            setComposer({ post: p });
          }} />
      )}
    </div>
  );
}
