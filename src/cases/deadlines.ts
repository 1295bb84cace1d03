import type { Policy } from '../policy.ts';

export interface CaseDeadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  /** The promised response time, in whole hours, for the customer-facing text. */
  responseHours: number;
}

/** Deadlines of a case opened at `openedAt` with `severity`, from the policy table. */
export function computeDeadlines(openedAt: Date, severity: string, policy: Policy): CaseDeadlines {
  const table = policy.deadlines[severity];
  if (!table) throw new Error(`no deadlines configured for severity "${severity}"`);
  return {
    firstResponseDueAt: addSeconds(openedAt, table.firstResponseSeconds),
    resolutionDueAt: addSeconds(openedAt, table.resolutionSeconds),
    responseHours: Math.max(1, Math.round(table.firstResponseSeconds / 3600)),
  };
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
