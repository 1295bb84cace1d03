import type { Db } from '../db/database.ts';

export type DeadlineKind = 'first_response' | 'resolution';

/** Records that a deadline stage was acted on; false when it already was (the timer fired twice). */
export async function markDeadlineStage(db: Db, mark: { caseId: number; deadline: DeadlineKind; stage: string; dueAt: Date }): Promise<boolean> {
  const row = await db
    .insertInto('case_deadline_marks')
    .values({ case_id: mark.caseId, deadline: mark.deadline, stage: mark.stage, due_at: mark.dueAt })
    .onConflict((oc) => oc.doNothing())
    .returning('case_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setBreached(db: Db, caseId: number, deadline: DeadlineKind, at: Date): Promise<void> {
  const column = deadline === 'first_response' ? 'first_response_breached_at' : 'resolution_breached_at';
  await db.updateTable('cases').set({ [column]: at, updated_at: at }).where('id', '=', caseId).execute();
}

export async function updateClock(
  db: Db,
  caseId: number,
  change: { firstResponseDueAt?: Date; resolutionDueAt?: Date; pausedAt?: Date | null; resolutionWindowStartedAt?: Date; clearResolutionBreach?: boolean; at: Date },
): Promise<void> {
  await db
    .updateTable('cases')
    .set({
      ...(change.firstResponseDueAt ? { first_response_due_at: change.firstResponseDueAt } : {}),
      ...(change.resolutionDueAt ? { resolution_due_at: change.resolutionDueAt } : {}),
      ...(change.pausedAt !== undefined ? { sla_paused_at: change.pausedAt } : {}),
      ...(change.resolutionWindowStartedAt ? { resolution_window_started_at: change.resolutionWindowStartedAt } : {}),
      ...(change.clearResolutionBreach ? { resolution_breached_at: null } : {}),
      updated_at: change.at,
    })
    .where('id', '=', caseId)
    .execute();
}
