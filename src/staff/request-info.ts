import { messageCaseCustomer } from '../cases/customer-message.ts';
import { localeOf, signature } from './customer-texts.ts';
import { staffReport } from './delivery-reported.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import { changeCase, isOpen, refuse, staffAction, type StaffDeps, type StaffResult } from './staff-action.ts';
import { appendStaffMessage } from './staff.repository.ts';

/** Asks the customer a question on their channel; the case waits for them (awaiting_customer). */
export async function requestInfo(
  deps: StaffDeps,
  input: { caseId: number; actor: StaffActor; question: string; agentName?: string },
): Promise<StaffResult> {
  const question = input.question.trim();
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!question) return refuse('invalid_input', { field: 'question' });
    if (!isOpen(row.status)) return refuse('not_open');
    if (row.remedy_approval === 'pending') return refuse('awaiting_approval');
    const updated = await changeCase(trx, deps, row, input.actor, now, { status: 'awaiting_customer', owner: row.owner ?? input.actor.userId }, {
      action: 'info_requested',
    });
    await deps.deadlines.pause(trx, row.id, now, actorRef(input.actor));
    await appendStaffMessage(trx, { caseId: row.id, author: actorRef(input.actor), body: question, internal: false });
    const text = deps.catalog.t(localeOf(row), 'messages.requestInfo', {
      author: signature(deps, row, input.agentName),
      caseNumber: row.number,
      question,
    });
    await messageCaseCustomer(trx, row.id, { text }, staffReport(row.id, 'request_info'));
    return { ok: true, caseRow: updated, changed: true };
  });
}
