import { changeCase, isOpen, refuse, staffAction, statusWhenOwned, unchanged, type StaffDeps, type StaffResult } from './staff-action.ts';
import type { StaffActor } from './staff-actor.ts';

/** The actor takes an unowned open case. Someone else's case is refused: use Assign… to move it. */
export async function claimCase(deps: StaffDeps, input: { caseId: number; actor: StaffActor }): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!isOpen(row.status)) return refuse('not_open');
    if (row.owner === input.actor.userId) return unchanged(row);
    if (row.owner) return refuse('already_owned', { owner: row.owner });
    const updated = await changeCase(trx, deps, row, input.actor, now, { owner: input.actor.userId, status: statusWhenOwned(row.status) }, {
      action: 'claimed',
      from: null,
      to: input.actor.userId,
    });
    return { ok: true, caseRow: updated, changed: true };
  });
}
