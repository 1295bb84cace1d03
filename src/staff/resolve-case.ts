import { messageCaseCustomer } from '../cases/customer-message.ts';
import { resultText } from './customer-texts.ts';
import { staffReport } from './delivery-reported.ts';
import { remedyNeedsApproval } from './routing.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import { changeCase, isOpen, refuse, staffAction, statusWhenWorked, type StaffDeps, type StaffResult } from './staff-action.ts';
import { appendStaffMessage } from './staff.repository.ts';

export interface Resolution {
  /** The written result for the customer. */
  summary: string;
  /** A remedy code from routing.resolution.remedies, or 'none'. */
  remedy: string;
  /** Decimal with at most 2 places, or null. */
  amount: string | null;
  determination: 'responsible' | 'not_responsible';
  rootCause: string;
}

export const AMOUNT_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

/** Which field of a proposed resolution is unacceptable, if any. */
export function invalidResolutionField(deps: Pick<StaffDeps, 'routing'>, resolution: Resolution): keyof Resolution | undefined {
  if (!resolution.summary.trim() || resolution.summary.length > 3000) return 'summary';
  if (resolution.remedy !== 'none' && !deps.routing.resolution.remedies.includes(resolution.remedy)) return 'remedy';
  if (resolution.amount !== null && (!AMOUNT_PATTERN.test(resolution.amount) || resolution.remedy === 'none')) return 'amount';
  if (resolution.determination !== 'responsible' && resolution.determination !== 'not_responsible') return 'determination';
  if (!deps.routing.resolution.rootCauses.includes(resolution.rootCause)) return 'rootCause';
  return undefined;
}

/**
 * Records the resolution. A remedy that needs approval (on a major case, by
 * default) waits for a supervisor and the customer is told nothing yet;
 * otherwise the case is resolved and the customer gets the written result.
 */
export async function resolveCase(deps: StaffDeps, input: { caseId: number; actor: StaffActor; resolution: Resolution }): Promise<StaffResult> {
  const { resolution } = input;
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    const invalid = invalidResolutionField(deps, resolution);
    if (invalid) return refuse('invalid_input', { field: invalid });
    if (!isOpen(row.status)) return refuse('not_open');
    if (row.remedy_approval === 'pending') return refuse('awaiting_approval');
    const fields = {
      resolution_summary: resolution.summary.trim(),
      remedy: resolution.remedy,
      remedy_amount: resolution.amount,
      determination: resolution.determination,
      root_cause: resolution.rootCause,
      remedy_decided_by: null,
      remedy_decided_at: null,
      owner: row.owner ?? input.actor.userId,
    };
    const details = { remedy: resolution.remedy, amount: resolution.amount, determination: resolution.determination, rootCause: resolution.rootCause };
    if (remedyNeedsApproval(deps.routing, row.severity, resolution.remedy)) {
      const updated = await changeCase(trx, deps, row, input.actor, now, { ...fields, remedy_approval: 'pending', status: statusWhenWorked(row.status) }, {
        action: 'resolution_proposed',
        to: 'pending_approval',
        details,
      });
      await deps.desk.publish(trx, row.id, { type: 'approval-needed', by: input.actor.userId });
      return { ok: true, caseRow: updated, changed: true };
    }
    const updated = await changeCase(trx, deps, row, input.actor, now, { ...fields, remedy_approval: null, status: 'resolved', resolved_at: now }, {
      action: 'resolved',
      details,
    });
    await appendStaffMessage(trx, { caseId: row.id, author: actorRef(input.actor), body: updated.resolution_summary ?? '', internal: false });
    await messageCaseCustomer(trx, updated.id, { text: resultText(deps, updated) }, staffReport(updated.id, 'result'));
    await deps.surveys?.caseResolved(trx, updated, now);
    return { ok: true, caseRow: updated, changed: true };
  });
}
