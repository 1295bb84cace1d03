import type { Db } from '../db/database.ts';
import { findCaseById, lockCase } from '../cases/case.repository.ts';
import type { CaseRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import { reopenLockedCase } from '../staff/reopen-case.ts';
import { changeCase, type DeadlineClock } from '../staff/staff-action.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { latestSurveyOfCase } from './survey.repository.ts';

export const CASE_CLOSE_QUEUE = 'case-close';

/** The quiet-period timer of one resolution (`resolvedAt`): stale once the case was reopened or resolved again. */
export interface CaseCloseTimer {
  caseId: number;
  resolvedAt: string;
}

export interface CaseClosingDeps {
  db: Db;
  timers: Timers;
  policy: Policy;
  desk: StaffDesk;
  deadlines: DeadlineClock;
  logger: Logger;
  clock: () => Date;
  outboxWritten: () => void;
}

export type CloseReason = 'survey_satisfied' | 'quiet_period';

/** What became of a customer's message to the case it last wrote about (policy.closing.afterClose). */
export type AfterClose = 'open' | 'reopened' | 'left_closed';

/**
 * Resolved → closed. A case closes when the customer answers its survey
 * "resolved" with a satisfied score, or once policy.closing.quietSeconds pass
 * after the resolution (durable timer, fires once across instances) unless
 * the customer answered dissatisfied. A later message either reopens the
 * case or, by default, starts a new complaint (policy.closing.afterClose).
 */
export class CaseClosing {
  constructor(private readonly deps: CaseClosingDeps) {}

  /** In the resolution's transaction: the quiet-period timer. */
  async caseResolved(trx: Db, row: CaseRow, now: Date): Promise<void> {
    const resolvedAt = row.resolved_at ? new Date(row.resolved_at) : now;
    const at = new Date(resolvedAt.getTime() + this.deps.policy.closing.quietSeconds * 1000);
    await this.deps.timers.schedule(trx, CASE_CLOSE_QUEUE, { caseId: row.id, resolvedAt: resolvedAt.toISOString() } satisfies CaseCloseTimer, at);
  }

  /** The quiet period passed. Idempotent: only a case still resolved by that same resolution closes. */
  async handle(timer: CaseCloseTimer): Promise<void> {
    const now = this.deps.clock();
    const closed = await this.deps.db.transaction().execute(async (trx) => {
      const row = await lockCase(trx, timer.caseId);
      if (!row || row.status !== 'resolved' || !row.resolved_at || new Date(row.resolved_at).toISOString() !== timer.resolvedAt) return false;
      const survey = await latestSurveyOfCase(trx, row.id);
      // The customer said it is not resolved, or scored it low, and staff kept it resolved: theirs to close, not the clock's.
      if (survey?.status === 'answered' && this.dissatisfied(survey)) return false;
      await this.closeLocked(trx, row, 'system', now, 'quiet_period');
      return true;
    });
    if (closed) this.deps.outboxWritten();
  }

  /** Whether a finished survey answer closes the case now. */
  satisfied(answer: { resolved: boolean | null; csat: number | null }): boolean {
    return answer.resolved === true && answer.csat !== null && answer.csat >= this.deps.policy.closing.satisfiedCsat;
  }

  /** Closes a resolved case the caller has locked: status, closed_at, audit (`closed`), card refresh. */
  async closeLocked(trx: Db, row: CaseRow, actor: string, now: Date, reason: CloseReason): Promise<CaseRow> {
    const updated = await changeCase(trx, this.deps, row, actor, now, { status: 'closed', closed_at: now }, { action: 'closed', from: row.status, to: 'closed', details: { reason } });
    this.deps.logger.info({ caseId: row.id, reason }, 'case closed');
    return updated;
  }

  /**
   * Before a customer's message reaches the conversation engine, which still
   * holds `caseId` as the case it talks about: a closed case is reopened
   * (policy `reopen`, the message then joins it) or left closed (`new_case`:
   * the caller lets the engine see a customer without a case).
   */
  async messageAfterClose(trx: Db, caseId: number, now: Date): Promise<AfterClose> {
    // Read without a lock: most messages go to open cases, and the inbound batch should not hold their rows.
    const seen = await findCaseById(trx, caseId);
    if (!seen || seen.status !== 'closed') return 'open';
    if (this.deps.policy.closing.afterClose === 'new_case') return 'left_closed';
    const row = await lockCase(trx, caseId);
    if (!row || row.status !== 'closed') return 'open';
    await reopenLockedCase(trx, this.deps, row, 'customer', now);
    this.deps.logger.info({ caseId }, 'closed case reopened by a customer message');
    return 'reopened';
  }

  private dissatisfied(answer: { resolved: boolean | null; csat: number | null }): boolean {
    return answer.resolved === false || (answer.csat !== null && answer.csat <= this.deps.policy.survey.lowScoreThreshold);
  }
}
