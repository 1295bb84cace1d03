import type { Policy } from '../policy.ts';
import { addWorkingTime, calendarOf } from './business-calendar.ts';

export interface CaseDeadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  /** The promised response time, in whole hours of working time, for the customer-facing text. */
  responseHours: number;
}

/** Deadlines of a case opened at `openedAt` with `severity`, from the policy table and working hours. */
export function computeDeadlines(openedAt: Date, severity: string, policy: Policy): CaseDeadlines {
  const table = deadlineTable(severity, policy);
  const calendar = calendarOf(policy);
  return {
    firstResponseDueAt: addWorkingTime(openedAt, table.firstResponseSeconds, calendar),
    resolutionDueAt: addWorkingTime(openedAt, table.resolutionSeconds, calendar),
    responseHours: Math.max(1, Math.round(table.firstResponseSeconds / 3600)),
  };
}

/** The clock columns of a case opened at `now` with `deadlines` (its resolution window starts at opening). */
export function openingClock(now: Date, deadlines: CaseDeadlines) {
  return {
    first_response_due_at: deadlines.firstResponseDueAt,
    resolution_due_at: deadlines.resolutionDueAt,
    resolution_window_started_at: now,
    created_at: now,
    updated_at: now,
  };
}

export function deadlineTable(severity: string, policy: Policy): Policy['deadlines'][string] {
  const table = policy.deadlines[severity];
  if (!table) throw new Error(`no deadlines configured for severity "${severity}"`);
  return table;
}
