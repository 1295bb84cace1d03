import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import type { MilestoneDone } from './milestones.ts';

/** Queries of the milestones (issue 18): facts per case, once-marks, and what counts as news to the customer. */

export async function lockCaseForMilestones(db: Db, caseId: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
}

export async function findCase(db: Db, caseId: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

export async function recentCasesOfCustomer(db: Db, customerId: number, limit: number): Promise<CaseRow[]> {
  return db.selectFrom('cases').selectAll().where('customer_id', '=', customerId).orderBy('id', 'desc').limit(limit).execute();
}

export interface MilestoneRecord {
  milestoneId: string;
  dueAt: Date;
  doneAt: Date | null;
  skipped: boolean;
  doneBy: string | null;
  note: string | null;
  breachedAt: Date | null;
}

export async function milestoneRecords(db: Db, caseId: number): Promise<MilestoneRecord[]> {
  const rows = await db.selectFrom('case_milestones').selectAll().where('case_id', '=', caseId).execute();
  return rows.map((r) => ({
    milestoneId: r.milestone_id,
    dueAt: new Date(r.due_at),
    doneAt: r.done_at ? new Date(r.done_at) : null,
    skipped: r.skipped,
    doneBy: r.done_by,
    note: r.note,
    breachedAt: r.breached_at ? new Date(r.breached_at) : null,
  }));
}

export function doneMap(records: readonly MilestoneRecord[]): Map<string, MilestoneDone> {
  return new Map(records.flatMap((r) => (r.doneAt ? [[r.milestoneId, { at: r.doneAt, skipped: r.skipped }] as const] : [])));
}

/** The case's clock pauses and resumptions, oldest first. */
export async function clockEvents(db: Db, caseId: number): Promise<Array<{ action: string; at: Date }>> {
  const rows = await db
    .selectFrom('case_events')
    .select(['action', 'at'])
    .where('case_id', '=', caseId)
    .where('action', 'in', ['clock_paused', 'clock_resumed'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ action: r.action, at: new Date(r.at) }));
}

/** Records that a stage was acted on for this due time; false when it already was (the timer fired twice, or on another instance). */
export async function markMilestoneStage(db: Db, mark: { caseId: number; milestoneId: string; stage: string; dueAt: Date }): Promise<boolean> {
  const row = await db
    .insertInto('case_milestone_marks')
    .values({ case_id: mark.caseId, milestone_id: mark.milestoneId, stage: mark.stage, due_at: mark.dueAt })
    .onConflict((oc) => oc.doNothing())
    .returning('case_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordMilestoneBreach(db: Db, entry: { caseId: number; milestoneId: string; dueAt: Date; at: Date; severity: string; category: string | null }): Promise<void> {
  await db
    .insertInto('case_milestones')
    .values({ case_id: entry.caseId, milestone_id: entry.milestoneId, due_at: entry.dueAt, breached_at: entry.at, severity: entry.severity, category: entry.category })
    .onConflict((oc) => oc.columns(['case_id', 'milestone_id']).doUpdateSet({ breached_at: entry.at, due_at: entry.dueAt }))
    .execute();
}

/** Records a milestone reached or skipped; false when it already was. */
export async function recordMilestoneDone(
  db: Db,
  entry: { caseId: number; milestoneId: string; dueAt: Date; at: Date; skipped: boolean; by: string; note: string | null; severity: string; category: string | null },
): Promise<boolean> {
  const values = { due_at: entry.dueAt, done_at: entry.at, skipped: entry.skipped, done_by: entry.by, note: entry.note, severity: entry.severity, category: entry.category };
  const row = await db
    .insertInto('case_milestones')
    .values({ case_id: entry.caseId, milestone_id: entry.milestoneId, ...values })
    .onConflict((oc) => oc.columns(['case_id', 'milestone_id']).doUpdateSet(values).where('case_milestones.done_at', 'is', null))
    .returning('case_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Audit actions after which the customer has had news of the case (and `milestone_reached` when they were told). */
export const NEWS_ACTIONS = ['created', 'staff_reply', 'milestone_breached', 'deadline_breached', 'progress_update', 'info_requested', 'resolved', 'reopened'];

/** When the customer last heard from us about the case: an update, a notice, or a staff reply. */
export async function lastNewsAt(db: Db, caseId: number): Promise<Date | null> {
  const event = await db
    .selectFrom('case_events')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('case_id', '=', caseId)
    .where((eb) => eb.or([eb('action', 'in', NEWS_ACTIONS), eb.and([eb('action', '=', 'milestone_reached'), sql<boolean>`details->>'told' = 'true'`])]))
    .executeTakeFirst();
  const message = await db
    .selectFrom('case_messages')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('case_id', '=', caseId)
    .where('direction', '=', 'staff')
    .where('internal', '=', false)
    .executeTakeFirst();
  const times = [event?.at, message?.at].filter((t): t is Date => t !== null && t !== undefined).map((t) => new Date(t).getTime());
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}
