import type { StaffActor } from './staff-actor.ts';
import { actorRef } from './staff-actor.ts';
import { refuse, staffAction, unchanged, type StaffDeps, type StaffResult } from './staff-action.ts';

/** Staff decide that this case gets no satisfaction survey (before it is sent). */
export async function skipSurvey(deps: StaffDeps, input: { caseId: number; actor: StaffActor }): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!deps.surveys) return refuse('invalid_input');
    const outcome = await deps.surveys.skip(trx, row, actorRef(input.actor), now);
    if (outcome === 'already_sent') return refuse('survey_already_sent');
    if (outcome === 'already_skipped') return unchanged(row);
    await deps.desk.publish(trx, row.id, { type: 'survey-skipped', by: input.actor.userId });
    await deps.desk.publish(trx, row.id, { type: 'case-changed' });
    return { ok: true, caseRow: row, changed: true };
  });
}
