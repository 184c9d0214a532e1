/**
 * Wall-clock time in IANA zones with nothing but `Intl`: what an instant reads as in a zone, and
 * which instant a zone's wall-clock time is. Scheduling keeps the creator's zone (a post at 18:00
 * Berlin stays at 18:00 Berlin across DST); the calendar shows the viewer's own zone.
 */

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The viewer's own zone ("UTC" when the runtime does not say). */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** What `ms` reads as on a wall clock in `tz`. */
export function wallClock(ms: number, tz: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0,
  };
}

/** Minutes `tz` is ahead of UTC at `ms`. */
export function offsetMinutes(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/**
 * The instant `date` ("2026-03-29") `time` ("18:00") is in `tz`; null when unreadable. A time a
 * spring-forward skips moves forward by the gap, as the Rust side does.
 */
export function zonedToInstant(date: string, time: string, tz: string): number | null {
  const d = DATE_RE.exec(date);
  const t = TIME_RE.exec(time);
  if (!d || !t || !isValidZone(tz)) return null;
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (h > 23 || mi > 59) return null;
  const guess = Date.UTC(y, mo - 1, da, h, mi);
  const check = new Date(guess);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) return null;
  const before = offsetMinutes(guess - 86_400_000, tz);
  const after = offsetMinutes(guess + 86_400_000, tz);
  // Of the offsets around that day, take the one that reads back as the wanted wall clock.
  for (const off of [before, after]) {
    const ms = guess - off * 60_000;
    const w = wallClock(ms, tz);
    if (w.hour === h && w.minute === mi && w.day === da) return ms;
  }
  // Skipped by a spring-forward: the earlier offset puts it after the gap.
  return guess - before * 60_000;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

export function dateOf(w: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

export function timeOf(w: Pick<WallClock, 'hour' | 'minute'>): string {
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** RFC 3339 with `tz`'s offset at that instant: "2026-03-29T18:00:00+02:00". */
export function rfc3339InZone(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  const off = offsetMinutes(ms, tz);
  const sign = off >= 0 ? '+' : '-';
  return `${dateOf(w)}T${timeOf(w)}:${pad(w.second)}${sign}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** "2026-03-29T18:00:00+02:00" → its wall clock date and time as written ("2026-03-29", "18:00"). */
export function splitLocal(rfc: string): { date: string; time: string } | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc);
  return m ? { date: m[1]!, time: m[2]! } : null;
}

/** Adds whole days to a "YYYY-MM-DD" date (calendar days, no time zone involved). */
export function addDaysToDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a "YYYY-MM-DD" date. */
export function isoWeekday(date: string): number {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** "18:00 Europe/Berlin, Mon 30 Nov" — how a time reads where it happens. */
export function formatInZone(ms: number, tz: string, opts: Intl.DateTimeFormatOptions = {}): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', ...opts }).format(new Date(ms));
}
