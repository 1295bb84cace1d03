import { actorRef, type StaffActor } from './staff-actor.ts';
import { isOpen, refuse, staffAction, type StaffDeps, type StaffResult } from './staff-action.ts';

/**
 * Staff mark a milestone reached, with an optional note, or skip it with a
 * reason where the policy allows. Recorded with an audit event; the customer
 * is told where the policy says so; milestones counted from it move.
 */
export async function markMilestone(
  deps: StaffDeps,
  input: { caseId: number; actor: StaffActor; milestoneId: string; skip: boolean; note?: string },
): Promise<StaffResult> {
  const note = input.note?.trim().slice(0, 1000) || null;
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now, customer) => {
    if (!deps.milestones) return refuse('invalid_input', { field: 'milestone' });
    if (!isOpen(row.status)) return refuse('not_open');
    const outcome = await deps.milestones.mark(trx, row, customer, { milestoneId: input.milestoneId, skip: input.skip, note, by: actorRef(input.actor), now });
    if (!outcome.ok) {
      if (outcome.reason === 'already_done') return refuse('duplicate');
      return refuse('invalid_input', { field: outcome.reason === 'reason_needed' ? 'note' : outcome.reason === 'not_skippable' ? 'outcome' : 'milestone' });
    }
    return { ok: true, caseRow: row, changed: true };
    // Telling the customer runs through their conversation: their row is locked before the case.
  }, { lockCustomer: true });
}
