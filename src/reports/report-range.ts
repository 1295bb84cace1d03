import { DateTime } from 'luxon';
import type { ReportRange } from './report.repository.ts';

/** The last `days` days up to `now` (rolling, for `/complaints stats`). */
export function rollingDays(now: Date, days: number): ReportRange {
  return { from: new Date(now.getTime() - days * 86_400_000), to: now };
}

/** The `days` whole calendar days before today in `timezone` (the weekly digest: last Monday to Sunday when run on a Monday). */
export function previousWholeDays(now: Date, days: number, timezone: string): ReportRange {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  return { from: today.minus({ days }).toJSDate(), to: today.toJSDate() };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_RANGE_DAYS = 400;

/**
 * Calendar days `from`..`to` (both included, YYYY-MM-DD) in `timezone` as
 * the range [start of from, start of the day after to). Undefined when a
 * date is invalid, reversed, or the range is longer than MAX_RANGE_DAYS.
 */
export function calendarRange(from: string, to: string, timezone: string): ReportRange | undefined {
  if (!DATE.test(from) || !DATE.test(to)) return undefined;
  const start = DateTime.fromISO(from, { zone: timezone });
  const end = DateTime.fromISO(to, { zone: timezone }).plus({ days: 1 });
  if (!start.isValid || !end.isValid || end <= start || end.diff(start, 'days').days > MAX_RANGE_DAYS) return undefined;
  return { from: start.toJSDate(), to: end.toJSDate() };
}

/** Every calendar day (YYYY-MM-DD in `timezone`) that the range touches. */
export function daysOf(range: ReportRange, timezone: string): string[] {
  const out: string[] = [];
  let day = DateTime.fromJSDate(range.from, { zone: timezone }).startOf('day');
  const end = DateTime.fromJSDate(range.to, { zone: timezone });
  while (day < end && out.length <= MAX_RANGE_DAYS) {
    out.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return out;
}

/** A calendar date (YYYY-MM-DD) of an instant in `timezone`. */
export function dateIn(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toISODate()!;
}
