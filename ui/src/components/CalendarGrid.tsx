/**
 * The month and week grids (tables: a row per week or hour, a column per day) with posts as
 * chips at their local time. A scheduled post's chip can be dragged to another day (month) or
 * day and hour (week), or moved from the keyboard with Alt+arrows; the screen decides whether
 * the move is allowed.
 */
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { PostView, TargetView } from '../backend';
import { addDays, dayKey, fromDayKey, hourLabel, localSlot, monthGrid, timeLabel, weekDays, type CalendarView } from '../lib/calendar';
import { canDrag, POST_STATE_LABEL, TARGET_STATE_LABEL } from '../lib/posts';

type Props = {
  view: CalendarView;
  anchor: Date;
  today: string;
  posts: PostView[];
  onOpen: (post: PostView) => void;
  onMove: (post: PostView, day: string, hour: number | null) => void;
};

const WEEKDAY_NAMES = Array.from({ length: 7 }, (_, i) => new Date(2024, 0, 1 + i)); // 2024-01-01 was a Monday
const dayName = (d: Date, weekday: 'short' | 'long') => new Intl.DateTimeFormat(undefined, { weekday }).format(d);
const fullDay = (d: Date) => new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' }).format(d);
const HOURS = Array.from({ length: 24 }, (_, h) => h);

export function CalendarGrid({ view, anchor, today, posts, onOpen, onMove }: Props) {
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const byId = (id: string) => posts.find((p) => p.id === id);
  const placed = posts.filter((p) => p.scheduled_at !== null);

  const dropProps = (day: string, hour: number | null) => {
    const key = hour === null ? day : `${day}T${hour}`;
    return {
      'data-over': over === key || undefined,
      onDragOver: (e: DragEvent) => {
        if (dragging === null) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
        if (over !== key) setOver(key);
      },
      onDragLeave: () => setOver((o) => (o === key ? null : o)),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        const id = e.dataTransfer?.getData('text/plain') || dragging;
        setDragging(null);
        setOver(null);
        const post = id ? byId(id) : undefined;
        if (post) onMove(post, day, hour);
      },
    };
  };

  const chip = (p: PostView) => (
    <PostChip key={p.id} post={p} compact={view === 'month'} onOpen={() => onOpen(p)}
      onDragStart={() => setDragging(p.id)} onDragEnd={() => { setDragging(null); setOver(null); }}
      onKeyMove={(days, hours) => {
        const slot = localSlot(p);
        if (!slot) return;
        const day = dayKey(addDays(fromDayKey(slot.day), days));
        onMove(p, day, view === 'week' ? Math.min(23, Math.max(0, slot.hour + hours)) : null);
      }} />
  );

  if (view === 'month') {
    const weeks = monthGrid(anchor);
    const month = anchor.getMonth();
    return (
      <table className="cal cal-month" data-testid="calendar-month" aria-label={new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(anchor)}>
        <thead>
          <tr>
            {WEEKDAY_NAMES.map((d) => (
              <th key={d.getDay()} scope="col" abbr={dayName(d, 'long')}>
                {dayName(d, 'short')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={dayKey(week[0]!)}>
              {week.map((d) => {
                const key = dayKey(d);
                const items = placed.filter((p) => localSlot(p)?.day === key);
                return (
                  <td key={key} className={`cal-day ${d.getMonth() !== month ? 'is-outside' : ''} ${key === today ? 'is-today' : ''}`}
                    data-testid="calendar-day" data-day={key} aria-label={`${fullDay(d)}${items.length ? `, ${items.length} ${items.length === 1 ? 'post' : 'posts'}` : ''}`}
                    {...dropProps(key, null)}>
                    <span className="cal-day-number" aria-hidden="true">
                      {d.getDate()}
                    </span>
                    {items.length > 0 && <ul className="cal-chips">{items.map((p) => <li key={p.id}>{chip(p)}</li>)}</ul>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  const days = weekDays(anchor);
  return (
    <WeekScroller>
      <table className="cal cal-week" data-testid="calendar-week" aria-label={`Week of ${fullDay(days[0]!)}`}>
        <thead>
          <tr>
            <td className="cal-hour-label" />
            {days.map((d) => (
              <th key={dayKey(d)} scope="col" className={dayKey(d) === today ? 'is-today' : undefined} abbr={fullDay(d)}>
                {dayName(d, 'short')} {d.getDate()}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {HOURS.map((h) => (
            <tr key={h} data-hour={h}>
              <th scope="row" className="cal-hour-label">
                {hourLabel(h)}
              </th>
              {days.map((d) => {
                const key = dayKey(d);
                const items = placed.filter((p) => {
                  const s = localSlot(p);
                  return s?.day === key && s.hour === h;
                });
                return (
                  <td key={key} className={`cal-hour ${key === today ? 'is-today' : ''}`} data-testid="calendar-hour" data-day={key} data-hour={h}
                    {...dropProps(key, h)}>
                    {items.length > 0 && <ul className="cal-chips">{items.map((p) => <li key={p.id}>{chip(p)}</li>)}</ul>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </WeekScroller>
  );
}

/** The week's 24 hours scroll; it opens at 07:00 (or the first post's hour, if earlier). */
function WeekScroller({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const row = ref.current?.querySelector<HTMLElement>('tr[data-hour="7"]');
    if (ref.current && row) ref.current.scrollTop = row.offsetTop - 40;
  }, []);
  return (
    <div className="cal-week-scroll" ref={ref}>
      {children}
    </div>
  );
}

function targetLabel(t: TargetView): string {
  const progress = t.state === 'uploading' && t.upload_progress !== null ? ` ${Math.round(t.upload_progress * 100)}%` : '';
  return `${t.platform_name} ${t.handle}: ${TARGET_STATE_LABEL[t.state]}${progress}`;
}

type ChipProps = { post: PostView; compact: boolean; onOpen: () => void; onDragStart: () => void; onDragEnd: () => void; onKeyMove: (days: number, hours: number) => void };

function PostChip({ post: p, compact, onOpen, onDragStart, onDragEnd, onKeyMove }: ChipProps) {
  const movable = canDrag(p);
  const time = p.scheduled_at ? timeLabel(Date.parse(p.scheduled_at)) : '';
  const caption = p.caption.trim() === '' ? (p.title ?? 'Untitled post') : p.caption;
  const label = `${time} ${caption}. ${POST_STATE_LABEL[p.state]}. ${p.targets.map(targetLabel).join('; ')}${movable ? '. Alt+arrow keys move it' : ''}`;
  const onKey = (e: KeyboardEvent) => {
    if (!movable || !e.altKey) return;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: compact ? [-7, 0] : [0, -1], ArrowDown: compact ? [7, 0] : [0, 1] }[e.key];
    if (!move) return;
    e.preventDefault();
    e.stopPropagation();
    onKeyMove(move[0]!, move[1]!);
  };
  return (
    <button type="button" className={`post-chip is-${p.state}`} draggable={movable} aria-label={label} title={movable ? 'Drag to reschedule' : undefined}
      data-testid="post-chip" data-post-id={p.id} data-state={p.state} data-draggable={movable} onClick={onOpen} onKeyDown={onKey}
      onDragStart={(e) => {
        if (!movable) {
          e.preventDefault();
          return;
        }
        e.dataTransfer?.setData('text/plain', p.id);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}>
      <span className="post-chip-time">{time}</span>
      <span className="post-chip-caption">{caption}</span>
      <span className="post-chip-targets" aria-hidden="true">
        {p.targets.map((t) => (
          <span key={t.id} className={`target-chip is-${t.state}`} title={targetLabel(t)} data-testid="target-chip" data-state={t.state}>
            {t.platform_name.charAt(0)}
          </span>
        ))}
      </span>
    </button>
  );
}
