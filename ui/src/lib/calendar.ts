/**
 * Calendar arithmetic in the viewer's own zone (the browser's local time): month and week grids
 * starting on Monday, the range to load, the label, and where a dragged post lands. A post moved
 * to another day keeps its time of day in its own zone (18:00 Berlin stays 18:00 Berlin, DST or
 * not); in the week view it takes the hour it is dropped on.
 */
import type { PostView } from '../backend';
import { addDaysToDate, rfc3339InZone, splitLocal, viewerZone, zonedToInstant } from './zoned';

export type CalendarView = 'month' | 'week';

const pad = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DD" of a local date. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function fromDayKey(key: string): Date {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

export function startOfWeek(d: Date): Date {
  const wd = (d.getDay() + 6) % 7; // Monday = 0
  return addDays(startOfDay(d), -wd);
}

/** Whole weeks (Monday first) covering `anchor`'s month: 4 to 6 rows of 7 days. */
export function monthGrid(anchor: Date): Date[][] {
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const weeks: Date[][] = [];
  for (let start = startOfWeek(first); start <= last; start = addDays(start, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(start, i)));
  }
  return weeks;
}

export function weekDays(anchor: Date): Date[] {
  const start = startOfWeek(anchor);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** The instants the view shows: [first day 00:00, day after the last 00:00). */
export function visibleRange(view: CalendarView, anchor: Date): { from: Date; to: Date } {
  if (view === 'week') {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 7) };
  }
  const weeks = monthGrid(anchor);
  return { from: weeks[0]![0]!, to: addDays(weeks.at(-1)![6]!, 1) };
}

export function shiftPeriod(view: CalendarView, anchor: Date, dir: -1 | 1): Date {
  if (view === 'week') return addDays(anchor, 7 * dir);
  return new Date(anchor.getFullYear(), anchor.getMonth() + dir, 1);
}

export function periodLabel(view: CalendarView, anchor: Date): string {
  if (view === 'month') return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(anchor);
  const days = weekDays(anchor);
  const f = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  return `${f.format(days[0]!)} – ${f.format(days[6]!)}`;
}

/** Where a post sits on the viewer's calendar. */
export function localSlot(post: Pick<PostView, 'scheduled_at'>): { day: string; hour: number; minute: number } | null {
  if (!post.scheduled_at) return null;
  const d = new Date(post.scheduled_at);
  return { day: dayKey(d), hour: d.getHours(), minute: d.getMinutes() };
}

export type Move = { at: string; timezone: string; ms: number };

/**
 * The new time of a post dropped on `day` (and `hour` in the week view). Month: the same time of
 * day in the post's zone, `days` later. Week: that hour on the viewer's clock, minutes kept.
 */
export function movedTime(post: PostView, day: string, hour: number | null): Move | null {
  const slot = localSlot(post);
  if (!slot || !post.scheduled_at) return null;
  const tz = post.timezone ?? viewerZone();
  if (hour === null) {
    const local = post.scheduled_local ? splitLocal(post.scheduled_local) : null;
    if (!local) return null;
    const days = Math.round((fromDayKey(day).getTime() - fromDayKey(slot.day).getTime()) / 86_400_000);
    const date = addDaysToDate(local.date, days);
    const at = `${date}T${local.time}`;
    const ms = zonedToInstant(date, local.time, tz);
    return ms === null ? null : { at, timezone: tz, ms };
  }
  const d = fromDayKey(day);
  const local = new Date(d.getFullYear(), d.getMonth(), d.getDate(), hour, slot.minute);
  return { at: rfc3339InZone(local.getTime(), tz), timezone: tz, ms: local.getTime() };
}

export function hourLabel(hour: number): string {
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).format(new Date(2000, 0, 1, hour));
}

export function timeLabel(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
}
