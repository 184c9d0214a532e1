import { describe, expect, it } from 'vitest';
import { postBase, targetBase } from '../test/factories';
import { monthGrid, movedTime, visibleRange } from './calendar';
import { addDaysToDate, isoWeekday, rfc3339InZone, wallClock, zonedToInstant } from './zoned';

describe('zoned time', () => {
  it('reads a wall-clock time in a zone as the right instant on both sides of DST', () => {
    expect(new Date(zonedToInstant('2026-03-28', '18:00', 'Europe/Berlin')!).toISOString()).toBe('2026-03-28T17:00:00.000Z');
    expect(new Date(zonedToInstant('2026-03-30', '18:00', 'Europe/Berlin')!).toISOString()).toBe('2026-03-30T16:00:00.000Z');
    expect(new Date(zonedToInstant('2026-11-01', '09:30', 'America/New_York')!).toISOString()).toBe('2026-11-01T14:30:00.000Z');
    // 02:30 does not exist on 29 March in Berlin: it moves forward by the gap.
    expect(new Date(zonedToInstant('2026-03-29', '02:30', 'Europe/Berlin')!).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedToInstant('2026-02-30', '10:00', 'UTC')).toBeNull();
    expect(zonedToInstant('2026-02-10', '10:00', 'Mars/Olympus')).toBeNull();
  });

  it('writes instants with the zone’s offset', () => {
    expect(rfc3339InZone(Date.parse('2026-07-01T16:00:00Z'), 'Europe/Paris')).toBe('2026-07-01T18:00:00+02:00');
    expect(rfc3339InZone(Date.parse('2026-07-01T16:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T21:30:00+05:30');
    expect(wallClock(Date.parse('2026-12-31T23:30:00Z'), 'Pacific/Auckland')).toMatchObject({ year: 2027, month: 1, day: 1, hour: 12, minute: 30 });
    expect(addDaysToDate('2026-02-27', 3)).toBe('2026-03-02');
    expect(isoWeekday('2026-11-22')).toBe(7);
  });
});

describe('calendar grid', () => {
  it('covers whole weeks from Monday', () => {
    const weeks = monthGrid(new Date(2026, 1, 10)); // February 2026 starts on a Sunday
    expect(weeks).toHaveLength(5);
    expect(weeks[0]![0]!.getDate()).toBe(26);
    const { from, to } = visibleRange('week', new Date(2026, 10, 22));
    expect([from.getDate(), to.getDate()]).toEqual([16, 23]);
  });

  it('keeps a moved post’s time of day in its own zone across a DST change', () => {
    // 18:00 in Berlin on Friday 20 March (UTC+1), moved 10 days later to 30 March (UTC+2).
    const p = { ...postBase('p', 'c', '2026-03-20T17:00:00Z', [targetBase('t')]), timezone: 'Europe/Berlin', scheduled_local: '2026-03-20T18:00:00+01:00' };
    const move = movedTime(p, '2026-03-30', null)!;
    expect(move.at).toBe('2026-03-30T18:00');
    expect(new Date(move.ms).toISOString()).toBe('2026-03-30T16:00:00.000Z');
    // In the week view it takes the hour it is dropped on (the viewer's clock; UTC in tests).
    expect(movedTime(p, '2026-03-21', 9)?.at).toBe('2026-03-21T10:00:00+01:00');
  });
});
