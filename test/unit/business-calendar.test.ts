import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../src/cases/deadlines.ts';
import { addWorkingTime, calendarOf, workingSecondsBetween } from '../../src/cases/business-calendar.ts';
import { parsePolicy } from '../../src/policy.ts';

const HOUR = 3600;
const shanghai = parsePolicy({
  timezone: 'Asia/Shanghai',
  businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
  holidays: ['2026-10-01', '2026-10-02'],
});
const calendar = calendarOf(shanghai);
const at = (local: string, zone = '+08:00') => new Date(`${local}${zone}`);

describe('deadline arithmetic in working time', () => {
  it('counts every second without business hours', () => {
    const around = calendarOf(parsePolicy({}));
    expect(addWorkingTime(new Date('2026-11-07T23:00:00Z'), 2 * HOUR, around)).toEqual(new Date('2026-11-08T01:00:00Z'));
  });

  it('counts only working hours, continuing the next working day', () => {
    // Monday 16:00 + 4 working hours = 2 h Monday + 2 h Tuesday → Tuesday 11:00.
    expect(addWorkingTime(at('2026-11-02T16:00:00'), 4 * HOUR, calendar)).toEqual(at('2026-11-03T11:00:00'));
  });

  it('starts counting at opening time for a case opened at night', () => {
    expect(addWorkingTime(at('2026-11-02T22:30:00'), HOUR, calendar)).toEqual(at('2026-11-03T10:00:00'));
  });

  it('skips weekends', () => {
    // Friday 17:00 + 2 h → Monday 10:00.
    expect(addWorkingTime(at('2026-11-06T17:00:00'), 2 * HOUR, calendar)).toEqual(at('2026-11-09T10:00:00'));
  });

  it('skips holidays', () => {
    // Wednesday 30 Sep 17:00 + 2 h: 1 and 2 Oct are holidays, 3–4 Oct a weekend → Monday 5 Oct 10:00.
    expect(addWorkingTime(at('2026-09-30T17:00:00'), 2 * HOUR, calendar)).toEqual(at('2026-10-05T10:00:00'));
  });

  it('follows daylight-saving time in zones that have it', () => {
    const london = calendarOf(parsePolicy({ timezone: 'Europe/London', businessHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '17:00' } }));
    // Clocks go back early on Sunday 25 Oct 2026: Saturday's day ends at 17:00 BST = 16:00Z,
    // Sunday's starts at 09:00 GMT = 09:00Z; two working hours later it is 11:00Z.
    expect(addWorkingTime(new Date('2026-10-24T16:00:00Z'), 2 * HOUR, london)).toEqual(new Date('2026-10-25T11:00:00Z'));
  });

  it('measures working time between two instants (a pause)', () => {
    expect(workingSecondsBetween(at('2026-11-06T17:00:00'), at('2026-11-09T10:00:00'), calendar)).toBe(2 * HOUR);
    expect(workingSecondsBetween(at('2026-11-07T10:00:00'), at('2026-11-08T10:00:00'), calendar)).toBe(0);
    expect(workingSecondsBetween(at('2026-11-09T10:00:00'), at('2026-11-09T09:00:00'), calendar)).toBe(0);
  });

  it('computes both deadlines of a case from the severity row of the table', () => {
    const opened = at('2026-11-02T09:00:00');
    const general = computeDeadlines(opened, 'general', shanghai);
    // 24 working hours from Monday 09:00 = Monday, Tuesday (18 h) + 6 h Wednesday → Wed 15:00.
    expect(general.firstResponseDueAt).toEqual(at('2026-11-04T15:00:00'));
    const major = computeDeadlines(opened, 'major', shanghai);
    expect(major.firstResponseDueAt).toEqual(at('2026-11-03T12:00:00'));
  });
});
