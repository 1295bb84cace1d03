import { DateTime } from 'luxon';
import type { Policy } from '../policy.ts';

/**
 * Working time for deadlines. Without business hours every second counts;
 * with them, only the configured hours of working days that are not holidays,
 * in the policy's time zone (daylight-saving changes included).
 */
export interface BusinessCalendar {
  timezone: string;
  hours: { days: number[]; start: string; end: string } | null;
  holidays: ReadonlySet<string>;
}

/** How far ahead the arithmetic looks for working time before giving up. */
const MAX_DAYS = 3 * 366;

export function calendarOf(policy: Policy): BusinessCalendar {
  return { timezone: policy.timezone, hours: policy.businessHours, holidays: new Set(policy.holidays) };
}

/** The instant `seconds` of working time after `start`. */
export function addWorkingTime(start: Date, seconds: number, calendar: BusinessCalendar): Date {
  if (!calendar.hours || seconds <= 0) return new Date(start.getTime() + Math.max(0, seconds) * 1000);
  let remainingMs = seconds * 1000;
  for (const window of workingWindows(start, calendar)) {
    const from = Math.max(start.getTime(), window.start);
    const available = window.end - from;
    if (available <= 0) continue;
    if (remainingMs <= available) return new Date(from + remainingMs);
    remainingMs -= available;
  }
  throw new Error(`no working time within ${MAX_DAYS} days: check businessHours and holidays`);
}

/** Working seconds in [from, to). */
export function workingSecondsBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  if (to <= from) return 0;
  if (!calendar.hours) return (to.getTime() - from.getTime()) / 1000;
  let total = 0;
  for (const window of workingWindows(from, calendar)) {
    if (window.start >= to.getTime()) break;
    total += Math.max(0, Math.min(window.end, to.getTime()) - Math.max(window.start, from.getTime()));
  }
  return total / 1000;
}

function* workingWindows(from: Date, calendar: BusinessCalendar): Generator<{ start: number; end: number }> {
  const hours = calendar.hours!;
  const [startHour, startMinute] = hours.start.split(':').map(Number) as [number, number];
  const [endHour, endMinute] = hours.end.split(':').map(Number) as [number, number];
  let day = DateTime.fromJSDate(from, { zone: calendar.timezone }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i += 1, day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday) || calendar.holidays.has(day.toISODate()!)) continue;
    yield {
      start: day.set({ hour: startHour, minute: startMinute }).toMillis(),
      end: day.set({ hour: endHour, minute: endMinute }).toMillis(),
    };
  }
}
