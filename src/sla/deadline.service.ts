import type { CaseListener, DeadlineEvent } from '../cases/case-listener.ts';
import { appendCaseEvent, findCaseCustomer, lockCase } from '../cases/case.repository.ts';
import { deadlineTable } from '../cases/deadlines.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import { addWorkingTime, calendarOf, workingSecondsBetween } from '../cases/business-calendar.ts';
import { markDeadlineStage, setBreached, updateClock, type DeadlineKind } from './deadline.repository.ts';

export const DEADLINE_QUEUE = 'case-deadline';

export interface DeadlineTimer {
  caseId: number;
  deadline: DeadlineKind;
  stage: 'reminder' | 'breach';
  /** The due time this timer was scheduled for; a moved deadline makes it stale. */
  dueAt: string;
}

export interface DeadlineDeps {
  db: Db;
  timers: Timers;
  policy: Policy;
  logger: Logger;
  clock: () => Date;
  outboxWritten: () => void;
  /** Listeners told about reminders and breaches (the Slack desk). */
  listeners: CaseListener[];
  /** Runs an event through the customer's conversation inside `trx`: the engine writes the breach notice. */
  conversations: { handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> };
}

/**
 * Response and resolution deadlines as durable timers. Scheduling happens in
 * the transaction that sets a due time; each firing re-checks the case (met,
 * paused, moved on) and acts at most once per stage and due time. A breach
 * reaches the customer as a `deadline-missed` event of their conversation,
 * which renders it like every other text to them.
 */
export class DeadlineService {
  private readonly calendar;

  constructor(private readonly deps: DeadlineDeps) {
    this.calendar = calendarOf(deps.policy);
  }

  /** Schedules the deadlines of every new case. */
  readonly listener: CaseListener = {
    caseOpened: async (trx, event) => {
      await this.schedule(trx, event.caseId, event.severity, 'first_response', event.firstResponseDueAt, event.at);
      await this.schedule(trx, event.caseId, event.severity, 'resolution', event.resolutionDueAt, event.at);
    },
  };

  async handle(timer: DeadlineTimer): Promise<void> {
    const now = this.deps.clock();
    const acted = await this.deps.db.transaction().execute(async (trx) => {
      // A breach runs through the customer's conversation: their row is locked first, as an inbound message locks it.
      const customer = timer.stage === 'breach' ? await findCaseCustomer(trx, timer.caseId, { lock: true }) : undefined;
      const row = await lockCase(trx, timer.caseId);
      if (!row || this.dueOf(row, timer.deadline).toISOString() !== timer.dueAt) return false;
      if (this.isMet(row, timer.deadline) || row.sla_paused_at) return false;
      // A reminder that comes due only after its deadline (the app was down) would just precede the breach notice.
      if (timer.stage === 'reminder' && now.getTime() >= new Date(timer.dueAt).getTime()) return false;
      if (!(await markDeadlineStage(trx, { caseId: row.id, deadline: timer.deadline, stage: timer.stage, dueAt: new Date(timer.dueAt) }))) return false;
      const event: DeadlineEvent = { caseId: row.id, number: row.number, severity: row.severity, deadline: timer.deadline, dueAt: new Date(timer.dueAt), at: now };
      if (timer.stage === 'reminder') {
        await appendCaseEvent(trx, { caseId: row.id, at: now, actor: 'system', action: 'deadline_reminder', to: timer.deadline, details: { dueAt: timer.dueAt } });
        for (const listener of this.deps.listeners) await listener.deadlineReminder?.(trx, event);
        return true;
      }
      event.newExpectation = addWorkingTime(now, deadlineTable(row.severity, this.deps.policy).extensionSeconds, this.calendar);
      await setBreached(trx, row.id, timer.deadline, now);
      await appendCaseEvent(trx, {
        caseId: row.id,
        at: now,
        actor: 'system',
        action: 'deadline_breached',
        to: timer.deadline,
        details: { dueAt: timer.dueAt, newExpectation: event.newExpectation.toISOString() },
      });
      // An erased identity has no address and no conversation left to tell.
      if (customer && !customer.anonymised_at) {
        await this.deps.conversations.handleEventIn(trx, customer.id, {
          type: 'deadline-missed',
          caseId: row.id,
          caseNumber: row.number,
          deadline: timer.deadline,
          newExpectation: event.newExpectation.toISOString(),
        });
      }
      for (const listener of this.deps.listeners) await listener.deadlineBreached?.(trx, event);
      return true;
    });
    if (acted) {
      this.deps.logger.info({ caseId: timer.caseId, deadline: timer.deadline, stage: timer.stage }, 'deadline stage reached');
      this.deps.outboxWritten();
    }
  }

  /** The case waits on the customer: its clock stops. */
  async pause(trx: Db, caseId: number, now: Date, actor: string): Promise<void> {
    const row = await lockCase(trx, caseId);
    if (!row || row.sla_paused_at) return;
    await updateClock(trx, caseId, { pausedAt: now, at: now });
    await appendCaseEvent(trx, { caseId, at: now, actor, action: 'clock_paused' });
  }

  /** The customer answered: unmet deadlines move by the working time spent waiting. */
  async resume(trx: Db, caseId: number, now: Date, actor: string): Promise<void> {
    const row = await lockCase(trx, caseId);
    if (!row?.sla_paused_at) return;
    const paused = workingSecondsBetween(new Date(row.sla_paused_at), now, this.calendar);
    const change: Parameters<typeof updateClock>[2] = { pausedAt: null, at: now };
    if (!this.isMet(row, 'first_response')) change.firstResponseDueAt = addWorkingTime(new Date(row.first_response_due_at), paused, this.calendar);
    if (!this.isMet(row, 'resolution')) change.resolutionDueAt = addWorkingTime(new Date(row.resolution_due_at), paused, this.calendar);
    await updateClock(trx, caseId, change);
    await appendCaseEvent(trx, { caseId, at: now, actor, action: 'clock_resumed', details: { pausedWorkingSeconds: Math.round(paused) } });
    if (change.firstResponseDueAt) await this.schedule(trx, caseId, row.severity, 'first_response', change.firstResponseDueAt, now);
    if (change.resolutionDueAt) await this.schedule(trx, caseId, row.severity, 'resolution', change.resolutionDueAt, now);
    for (const listener of this.deps.listeners) await listener.clockResumed?.(trx, { caseId, at: now });
  }

  /** A new severity means the other row of the policy table, counted from the start of each window. */
  async severityChanged(trx: Db, caseId: number, severity: string, now: Date): Promise<void> {
    const row = await lockCase(trx, caseId);
    if (!row) return;
    const table = deadlineTable(severity, this.deps.policy);
    const change: Parameters<typeof updateClock>[2] = { at: now };
    if (!this.isMet(row, 'first_response')) change.firstResponseDueAt = addWorkingTime(new Date(row.created_at), table.firstResponseSeconds, this.calendar);
    if (!this.isMet(row, 'resolution')) change.resolutionDueAt = addWorkingTime(this.resolutionStart(row), table.resolutionSeconds, this.calendar);
    await updateClock(trx, caseId, change);
    if (change.firstResponseDueAt) await this.schedule(trx, caseId, severity, 'first_response', change.firstResponseDueAt, now);
    if (change.resolutionDueAt) await this.schedule(trx, caseId, severity, 'resolution', change.resolutionDueAt, now);
    for (const listener of this.deps.listeners) await listener.severityChanged?.(trx, { caseId, severity, at: now });
  }

  /** Reopening starts a new resolution window. */
  async reopened(trx: Db, caseId: number, now: Date): Promise<void> {
    const row = await lockCase(trx, caseId);
    if (!row) return;
    const due = addWorkingTime(now, deadlineTable(row.severity, this.deps.policy).resolutionSeconds, this.calendar);
    await updateClock(trx, caseId, { resolutionDueAt: due, resolutionWindowStartedAt: now, clearResolutionBreach: true, at: now });
    await this.schedule(trx, caseId, row.severity, 'resolution', due, now);
    for (const listener of this.deps.listeners) await listener.caseReopened?.(trx, { caseId, at: now });
  }

  private async schedule(trx: Db, caseId: number, severity: string, deadline: DeadlineKind, dueAt: Date, now: Date): Promise<void> {
    const table = deadlineTable(severity, this.deps.policy);
    const window = deadline === 'first_response' ? table.firstResponseSeconds : table.resolutionSeconds;
    const remaining = workingSecondsBetween(now, dueAt, this.calendar);
    const untilReminder = remaining - (1 - table.reminderAt) * window;
    const data = { caseId, deadline, dueAt: dueAt.toISOString() };
    if (untilReminder > 0) {
      await this.deps.timers.schedule(trx, DEADLINE_QUEUE, { ...data, stage: 'reminder' }, addWorkingTime(now, untilReminder, this.calendar));
    }
    await this.deps.timers.schedule(trx, DEADLINE_QUEUE, { ...data, stage: 'breach' }, dueAt);
  }

  private dueOf(row: CaseRow, deadline: DeadlineKind): Date {
    return new Date(deadline === 'first_response' ? row.first_response_due_at : row.resolution_due_at);
  }

  private isMet(row: CaseRow, deadline: DeadlineKind): boolean {
    if (deadline === 'first_response') return row.first_responded_at !== null;
    return row.resolved_at !== null || row.status === 'resolved' || row.status === 'closed';
  }

  private resolutionStart(row: CaseRow): Date {
    return new Date(row.resolution_window_started_at ?? row.created_at);
  }
}
