import type { StaffActor, StaffRole } from './staff-actor.ts';
import { changeCase, isOpen, refuse, staffAction, statusWhenOwned, unchanged, type StaffDeps, type StaffResult } from './staff-action.ts';

/** Gives the case to another staff member; a change of owner is recorded as a reassignment. */
export async function assignCase(
  deps: StaffDeps,
  input: { caseId: number; actor: StaffActor; assignee: string; assigneeRole: StaffRole },
): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (input.assigneeRole === 'none') return refuse('assignee_not_staff', { field: 'assignee' });
    if (!isOpen(row.status)) return refuse('not_open');
    if (row.owner === input.assignee) return unchanged(row);
    const updated = await changeCase(trx, deps, row, input.actor, now, { owner: input.assignee, status: statusWhenOwned(row.status) }, {
      action: row.owner ? 'reassigned' : 'assigned',
      from: row.owner,
      to: input.assignee,
    });
    await deps.desk.publish(trx, row.id, { type: 'assigned', to: input.assignee, by: input.actor.userId });
    return { ok: true, caseRow: updated, changed: true };
  });
}
