import type { Updateable } from 'kysely';
import { appendCaseEvent, type CaseCustomer, findCaseCustomer, lockCase } from '../cases/case.repository.ts';
import type { PromptCatalog } from '../conversation/prompt-catalog.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow, CasesTable } from '../db/schema.ts';
import type { Policy } from '../policy.ts';
import type { DeadlineService } from '../sla/deadline.service.ts';
import type { MilestoneService } from '../sla/milestone.service.ts';
import type { Routing } from './routing.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { OPEN_STATUSES, updateCase } from './staff.repository.ts';

export interface StaffDeps {
  db: Db;
  policy: Policy;
  catalog: PromptCatalog;
  routing: Routing;
  desk: StaffDesk;
  clock: () => Date;
  /** Wakes the outbox worker after a commit that wrote outbox rows. */
  outboxWritten: () => void;
  /** Staff replies reach the customer signed by the agent or by the company. */
  attribution: 'agent' | 'company';
  /** The deadline clock: paused while waiting on the customer, recomputed on severity change and reopen. */
  deadlines: DeadlineClock;
  /** Satisfaction surveys: scheduled in the resolution's transaction; staff may skip one. Off when absent. */
  surveys?: SurveyScheduling;
  /** Milestones staff mark from the card (issue 18); off when absent. */
  milestones?: MilestoneMarker;
}

/** Whether a staff member's skip stopped the survey of a case. */
export type SkipResult = 'skipped' | 'already_skipped' | 'already_sent';

/**
 * What staff actions ask of the satisfaction surveys; src/surveys/survey.service.ts
 * implements it. A port, so that staff does not import surveys: surveys use
 * staff actions (an answer can reopen the case).
 */
export interface SurveyScheduling {
  /** In the transaction that resolved the case: schedules its survey (and the quiet-period close). */
  caseResolved(trx: Db, row: CaseRow, now: Date): Promise<void>;
  skip(trx: Db, row: CaseRow, actor: string, now: Date): Promise<SkipResult>;
}

export type DeadlineClock = Pick<DeadlineService, 'pause' | 'resume' | 'severityChanged' | 'reopened'>;
/** The milestones staff can mark (issue 18). */
export type MilestoneMarker = Pick<MilestoneService, 'mark'>;

/** Why a staff action changed nothing; the desk turns it into a sentence for the user. */
export type Refusal =
  | 'not_staff'
  | 'not_supervisor'
  | 'not_found'
  | 'not_open'
  | 'not_resolved'
  | 'already_owned'
  | 'awaiting_approval'
  | 'no_pending_remedy'
  | 'assignee_not_staff'
  | 'invalid_input'
  | 'duplicate'
  | 'survey_already_sent'
  | 'no_contact';

export type StaffResult = { ok: true; caseRow: CaseRow; changed: boolean } | { ok: false; reason: Refusal; owner?: string | null; field?: string };

export const refuse = (reason: Refusal, extra: { owner?: string | null; field?: string } = {}): StaffResult => ({ ok: false, reason, ...extra });
export const unchanged = (caseRow: CaseRow): StaffResult => ({ ok: true, caseRow, changed: false });
export const isOpen = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);

/**
 * Runs one staff action as one transaction on the locked case: the use case
 * writes the case change, its audit events and outbox rows; the outbox is
 * woken after commit. Non-staff are refused before anything is read.
 * `lockCustomer`: the action may run an event through the customer's
 * conversation, so their row is locked before the case (the order an inbound
 * message locks them in; the other order could deadlock on PostgreSQL) and
 * handed to `work`.
 */
export async function staffAction(
  deps: StaffDeps,
  caseId: number,
  actor: StaffActor,
  work: (trx: Db, row: CaseRow, now: Date, customer: CaseCustomer | undefined) => Promise<StaffResult>,
  options: { lockCustomer?: boolean } = {},
): Promise<StaffResult> {
  if (actor.role === 'none') return refuse('not_staff');
  const result = await deps.db.transaction().execute(async (trx) => {
    const customer = options.lockCustomer ? await findCaseCustomer(trx, caseId, { lock: true }) : undefined;
    const row = await lockCase(trx, caseId);
    if (!row) return refuse('not_found');
    return work(trx, row, deps.clock(), customer);
  });
  if (result.ok && result.changed) deps.outboxWritten();
  return result;
}

const OWNER_ACTIONS = ['claimed', 'assigned', 'reassigned', 'auto_assigned'];

export interface ChangeEvent {
  action: string;
  from?: string | null;
  to?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Applies `patch` to the case, records the action (and a status change, if
 * any) in the audit log and asks the desk to refresh the card.
 */
export async function changeCase(
  trx: Db,
  deps: Pick<StaffDeps, 'desk'>,
  row: CaseRow,
  actor: string | StaffActor,
  now: Date,
  patch: Updateable<CasesTable>,
  event: ChangeEvent,
): Promise<CaseRow> {
  const who = typeof actor === 'string' ? actor : actorRef(actor);
  const updated = await updateCase(trx, row.id, { ...patch, updated_at: now });
  await appendCaseEvent(trx, { caseId: row.id, at: now, actor: who, ...event });
  if (patch.owner !== undefined && patch.owner !== row.owner && !OWNER_ACTIONS.includes(event.action)) {
    // Working on an unowned case makes the worker its owner: recorded as a claim.
    await appendCaseEvent(trx, { caseId: row.id, at: now, actor: who, action: 'claimed', from: row.owner, to: patch.owner === null ? null : String(patch.owner), details: { by: event.action } });
  }
  if (patch.status !== undefined && patch.status !== row.status) {
    await appendCaseEvent(trx, { caseId: row.id, at: now, actor: who, action: 'status_changed', from: row.status, to: String(patch.status) });
  }
  await deps.desk.publish(trx, row.id, { type: 'case-changed' });
  return updated;
}

/** Status after someone takes responsibility: a new or reopened case becomes assigned. */
export function statusWhenOwned(status: string): string {
  return status === 'new' || status === 'reopened' ? 'assigned' : status;
}

/** Status once staff work on it (reply, question, proposal). */
export function statusWhenWorked(status: string): string {
  return status === 'new' || status === 'assigned' || status === 'reopened' ? 'in_progress' : status;
}
