import type { CaseListener } from '../cases/case-listener.ts';
import { appendCaseEvent, type CaseCustomer, findCaseCustomer } from '../cases/case.repository.ts';
import { deadlineTable } from '../cases/deadlines.ts';
import type { ConversationEvent, NextMilestone } from '../conversation/effects.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { MilestoneSpec, Policy } from '../policy.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { addWorkingTime, calendarOf, type BusinessCalendar } from '../cases/business-calendar.ts';
import { loadCaseMilestones, type CaseMilestone } from './case-milestones.ts';
import {
  findCase,
  lastNewsAt,
  lockCaseForMilestones,
  markMilestoneStage,
  recordMilestoneBreach,
  recordMilestoneDone,
} from './milestone.repository.ts';
import { nextMilestone, reminderTime, type PlannedMilestone } from './milestones.ts';

export const MILESTONE_QUEUE = 'case-milestone';
/** The milestone id under which progress updates are marked (no milestone can have it: ids are [a-z0-9_]). */
const PROGRESS = '~progress';

export type MilestoneTimer =
  | { kind: 'milestone'; caseId: number; milestoneId: string; stage: 'reminder' | 'breach'; dueAt: string }
  | { kind: 'progress'; caseId: number; dueAt: string };

export interface MilestoneDeps {
  db: Db;
  timers: Timers;
  policy: Policy;
  desk: StaffDesk;
  logger: Logger;
  clock: () => Date;
  outboxWritten: () => void;
  /** Runs an event through the customer's conversation inside `trx`: the engine writes every notice to the customer. */
  conversations: { handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> };
}

/** A notice about the case, without what the service fills in. */
type CaseNotice = DistributiveOmit<Extract<ConversationEvent, { type: 'milestone-missed' | 'milestone-reached' | 'progress-update' }>, 'caseId' | 'caseNumber'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type MarkOutcome = { ok: true; milestone: CaseMilestone; told: boolean } | { ok: false; reason: 'unknown_milestone' | 'already_done' | 'not_skippable' | 'reason_needed' };

const CLOSED = new Set(['resolved', 'closed']);

/**
 * Milestones (issue 18) on durable timers, as the deadlines: scheduled in the
 * transaction that makes them due, each firing re-checks the case (reached,
 * paused, moved) and acts at most once per stage and due time, whichever
 * instance runs it. A breach tells the customer a new expectation; progress
 * updates tell them how the case goes. Every notice to the customer is an
 * event of their conversation (issue 16), which renders it in its language
 * and script; so the customer's row is locked before the case, as an inbound
 * message locks them (staff marking a milestone lock it first too: see
 * src/staff/mark-milestone.ts).
 */
export class MilestoneService {
  private readonly calendar: BusinessCalendar;

  constructor(private readonly deps: MilestoneDeps) {
    this.calendar = calendarOf(deps.policy);
  }

  /** Schedules a new case's milestones and its first progress update; follows the clock and severity changes. */
  readonly listener: CaseListener = {
    caseOpened: async (trx, event) => {
      await this.scheduleOpen(trx, event.caseId, event.at);
      const every = this.deps.policy.progressUpdates.everySeconds;
      if (every) await this.scheduleProgress(trx, event.caseId, addWorkingTime(event.at, every, this.calendar));
    },
    clockResumed: (trx, event) => this.scheduleOpen(trx, event.caseId, event.at),
    caseReopened: async (trx, event) => {
      await this.scheduleOpen(trx, event.caseId, event.at);
      const every = this.deps.policy.progressUpdates.everySeconds;
      if (every) await this.scheduleProgress(trx, event.caseId, addWorkingTime(event.at, every, this.calendar));
    },
    severityChanged: (trx, event) => this.scheduleOpen(trx, event.caseId, event.at),
  };

  /** The case's milestones now: from the policy for its severity and category, and the recorded facts. */
  milestonesOf(db: Db, row: CaseRow, now = this.deps.clock()): Promise<CaseMilestone[]> {
    return loadCaseMilestones(db, row, this.deps.policy, now);
  }

  async handle(timer: MilestoneTimer): Promise<void> {
    const acted = await this.deps.db.transaction().execute((trx) => (timer.kind === 'progress' ? this.progress(trx, timer) : this.stage(trx, timer)));
    if (acted) {
      this.deps.logger.info({ caseId: timer.caseId, kind: timer.kind, ...(timer.kind === 'milestone' ? { milestone: timer.milestoneId, stage: timer.stage } : {}) }, 'milestone timer acted');
      this.deps.outboxWritten();
    }
  }

  /**
   * Staff reached or skipped a milestone (inside their action's transaction,
   * the customer and then the case locked; `customer` is that locked row):
   * recorded and audited, the customer told where the policy says so, and
   * the milestones counted from it rescheduled.
   */
  async mark(trx: Db, row: CaseRow, customer: CaseCustomer | undefined, input: { milestoneId: string; skip: boolean; note: string | null; by: string; now: Date }): Promise<MarkOutcome> {
    const { now } = input;
    const before = await this.milestonesOf(trx, row, now);
    const milestone = before.find((m) => m.spec.id === input.milestoneId);
    if (!milestone) return { ok: false, reason: 'unknown_milestone' };
    if (milestone.done) return { ok: false, reason: 'already_done' };
    if (input.skip && !milestone.spec.skippable) return { ok: false, reason: 'not_skippable' };
    if (input.skip && !input.note) return { ok: false, reason: 'reason_needed' };
    const done = { caseId: row.id, milestoneId: milestone.spec.id, dueAt: milestone.dueAt, at: now, skipped: input.skip, by: input.by, note: input.note, severity: row.severity, category: row.category };
    if (!(await recordMilestoneDone(trx, done))) return { ok: false, reason: 'already_done' };
    const after = await this.milestonesOf(trx, row, now);
    const told = !input.skip && milestone.spec.tellCustomer && (await this.tell(trx, row, customer, { type: 'milestone-reached', milestone: milestone.spec.label, ...nextOf(after) }));
    const late = now.getTime() > milestone.dueAt.getTime();
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actor: input.by,
      action: input.skip ? 'milestone_skipped' : 'milestone_reached',
      to: milestone.spec.id,
      // The note itself lives with the milestone (removed when the case is anonymised), not in the kept audit log.
      details: { dueAt: milestone.dueAt.toISOString(), late, told, noted: input.note !== null },
    });
    // A milestone counted from this one starts now: its timers move.
    for (const next of after) {
      const old = before.find((m) => m.spec.id === next.spec.id)!;
      if (!next.done && next.dueAt.getTime() !== old.dueAt.getTime()) await this.scheduleMilestone(trx, row, next, now);
    }
    await this.deps.desk.publish(trx, row.id, { type: 'milestone-done', milestone: milestone.spec.id, label: milestone.spec.label, by: input.by, skipped: input.skip, note: input.note, late, told });
    await this.deps.desk.publish(trx, row.id, { type: 'case-changed' });
    return { ok: true, milestone: { ...milestone, done: { at: now, skipped: input.skip } }, told };
  }

  /** Schedules reminder and breach of every open milestone of the case (a stale timer finds its due time moved and does nothing). */
  private async scheduleOpen(trx: Db, caseId: number, now: Date): Promise<void> {
    const row = await findCase(trx, caseId);
    if (!row || CLOSED.has(row.status)) return;
    for (const milestone of await this.milestonesOf(trx, row, now)) {
      if (!milestone.done) await this.scheduleMilestone(trx, row, milestone, now);
    }
  }

  private async scheduleMilestone(trx: Db, row: CaseRow, milestone: PlannedMilestone, now: Date): Promise<void> {
    const data = { kind: 'milestone' as const, caseId: row.id, milestoneId: milestone.spec.id, dueAt: milestone.dueAt.toISOString() };
    const share = milestone.spec.reminderAt ?? deadlineTable(row.severity, this.deps.policy).reminderAt;
    const remind = reminderTime(milestone, share, this.calendar);
    if (remind && remind.getTime() > now.getTime()) await this.deps.timers.schedule(trx, MILESTONE_QUEUE, { ...data, stage: 'reminder' }, remind);
    await this.deps.timers.schedule(trx, MILESTONE_QUEUE, { ...data, stage: 'breach' }, milestone.dueAt);
  }

  private async scheduleProgress(trx: Db, caseId: number, at: Date): Promise<void> {
    await this.deps.timers.schedule(trx, MILESTONE_QUEUE, { kind: 'progress', caseId, dueAt: at.toISOString() }, at);
  }

  private async stage(trx: Db, timer: Extract<MilestoneTimer, { kind: 'milestone' }>): Promise<boolean> {
    const now = this.deps.clock();
    // A breach runs through the customer's conversation: their row is locked first, as an inbound message locks it.
    const customer = timer.stage === 'breach' ? await findCaseCustomer(trx, timer.caseId, { lock: true }) : undefined;
    const row = await lockCaseForMilestones(trx, timer.caseId);
    if (!row || CLOSED.has(row.status) || row.sla_paused_at) return false;
    const milestone = (await this.milestonesOf(trx, row, now)).find((m) => m.spec.id === timer.milestoneId);
    if (!milestone || milestone.done || milestone.dueAt.toISOString() !== timer.dueAt) return false;
    // A reminder that comes due only after its milestone (the app was down) would just precede the breach notice.
    if (timer.stage === 'reminder' && now.getTime() >= milestone.dueAt.getTime()) return false;
    if (!(await markMilestoneStage(trx, { caseId: row.id, milestoneId: milestone.spec.id, stage: timer.stage, dueAt: milestone.dueAt }))) return false;
    const base = { milestone: milestone.spec.id, label: milestone.spec.label, dueAt: milestone.dueAt, owner: row.owner };
    if (timer.stage === 'reminder') {
      await appendCaseEvent(trx, { caseId: row.id, at: now, actor: 'system', action: 'milestone_reminder', to: milestone.spec.id, details: { dueAt: timer.dueAt } });
      await this.deps.desk.publish(trx, row.id, { type: 'milestone-reminder', ...base });
      return true;
    }
    const newExpectation = addWorkingTime(now, deadlineTable(row.severity, this.deps.policy).extensionSeconds, this.calendar);
    await recordMilestoneBreach(trx, { caseId: row.id, milestoneId: milestone.spec.id, dueAt: milestone.dueAt, at: now, severity: row.severity, category: row.category });
    await appendCaseEvent(trx, {
      caseId: row.id,
      at: now,
      actor: 'system',
      action: 'milestone_breached',
      to: milestone.spec.id,
      details: { dueAt: timer.dueAt, newExpectation: newExpectation.toISOString() },
    });
    await this.tell(trx, row, customer, { type: 'milestone-missed', milestone: milestone.spec.label, newExpectation: newExpectation.toISOString() });
    await this.deps.desk.publish(trx, row.id, { type: 'milestone-breached', ...base, newExpectation });
    await this.deps.desk.publish(trx, row.id, { type: 'case-changed' });
    return true;
  }

  /**
   * A progress update is due when the case has been open this long without
   * news; otherwise the next check moves to that long after the last news.
   * Only the instance that marks the timer's due time goes on, so exactly one
   * next timer exists.
   */
  private async progress(trx: Db, timer: Extract<MilestoneTimer, { kind: 'progress' }>): Promise<boolean> {
    const every = this.deps.policy.progressUpdates.everySeconds;
    const now = this.deps.clock();
    // The update runs through the customer's conversation: their row is locked first, as an inbound message locks it.
    const customer = every ? await findCaseCustomer(trx, timer.caseId, { lock: true }) : undefined;
    const row = await lockCaseForMilestones(trx, timer.caseId);
    if (!every || !row || CLOSED.has(row.status)) return false;
    if (!(await markMilestoneStage(trx, { caseId: row.id, milestoneId: PROGRESS, stage: 'update', dueAt: new Date(timer.dueAt) }))) return false;
    const lastNews = (await lastNewsAt(trx, row.id)) ?? new Date(row.created_at);
    const dueFromNews = addWorkingTime(lastNews, every, this.calendar);
    // Waiting on the customer is no time to tell them we are working: look again later.
    if (row.sla_paused_at || dueFromNews.getTime() > now.getTime() + 1000) {
      await this.scheduleProgress(trx, row.id, row.sla_paused_at ? addWorkingTime(now, every, this.calendar) : dueFromNews);
      return false;
    }
    const milestones = await this.milestonesOf(trx, row, now);
    const done = milestones.filter((m) => m.done && !m.done.skipped).map((m) => m.spec.label);
    const told = await this.tell(trx, row, customer, { type: 'progress-update', done, ...nextOf(milestones) });
    await appendCaseEvent(trx, { caseId: row.id, at: now, actor: 'system', action: 'progress_update', details: { told } });
    if (told) await this.deps.desk.publish(trx, row.id, { type: 'progress-update' });
    await this.scheduleProgress(trx, row.id, addWorkingTime(now, every, this.calendar));
    return told;
  }

  /**
   * Runs the notice through the case customer's conversation; `customer` is
   * their row, locked before the case. Nobody is told about an anonymised
   * case or customer. False when nobody was told.
   */
  private async tell(trx: Db, row: CaseRow, customer: CaseCustomer | undefined, notice: CaseNotice): Promise<boolean> {
    if (row.anonymised_at || !customer || customer.anonymised_at) return false;
    await this.deps.conversations.handleEventIn(trx, customer.id, { ...notice, caseId: row.id, caseNumber: row.number });
    return true;
  }
}

/** The milestone due next, for a notice: labels per locale and its due time. */
function nextOf(milestones: readonly CaseMilestone[]): { next?: NextMilestone } {
  const next = nextMilestone(milestones);
  return next ? { next: { label: next.spec.label, dueAt: next.dueAt.toISOString() } } : {};
}

/** A milestone's label in `locale`, the English one when the policy gives none (staff views; the customer's notices render in the engine). */
export function labelIn(spec: Pick<MilestoneSpec, 'label'>, locale: string): string {
  return spec.label[locale] ?? spec.label.en ?? '';
}
