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

export function deadlineTable(severity: string, policy: Policy): Policy['deadlines'][string] {
  const table = policy.deadlines[severity];
  if (!table) throw new Error(`no deadlines configured for severity "${severity}"`);
  return table;
}
