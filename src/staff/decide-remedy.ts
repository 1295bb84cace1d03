import { messageCaseCustomer } from '../cases/customer-message.ts';
import { resultText } from './customer-texts.ts';
import { staffReport } from './delivery-reported.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import { changeCase, refuse, staffAction, type StaffDeps, type StaffResult } from './staff-action.ts';
import { appendStaffMessage } from './staff.repository.ts';

/**
 * A supervisor approves or rejects a pending remedy. Approval resolves the
 * case and sends the customer the written result; rejection sends the case
 * back to its owner, and the customer is told nothing.
 */
export async function decideRemedy(deps: StaffDeps, input: { caseId: number; actor: StaffActor; approve: boolean }): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (input.actor.role !== 'supervisor') return refuse('not_supervisor');
    if (row.remedy_approval !== 'pending') return refuse('no_pending_remedy');
    const decided = { remedy_decided_by: input.actor.userId, remedy_decided_at: now };
    const details = { remedy: row.remedy, amount: row.remedy_amount };
    let updated;
    if (input.approve) {
      updated = await changeCase(trx, deps, row, input.actor, now, { ...decided, remedy_approval: 'approved', status: 'resolved', resolved_at: now }, {
        action: 'remedy_approved',
        from: 'pending',
        to: 'approved',
        details,
      });
      await appendStaffMessage(trx, { caseId: row.id, author: actorRef(input.actor), body: updated.resolution_summary ?? '', internal: false });
      await messageCaseCustomer(trx, updated.id, { text: resultText(deps, updated) }, staffReport(updated.id, 'result'));
    await deps.surveys?.caseResolved(trx, updated, now);
    } else {
      updated = await changeCase(trx, deps, row, input.actor, now, { ...decided, remedy_approval: 'rejected', status: 'in_progress' }, {
        action: 'remedy_rejected',
        from: 'pending',
        to: 'rejected',
        details,
      });
    }
    await deps.desk.publish(trx, row.id, { type: 'remedy-decided', approved: input.approve, by: input.actor.userId, owner: row.owner });
    return { ok: true, caseRow: updated, changed: true };
  });
}
