import { appendCaseEvent } from '../cases/case.repository.ts';
import type { InboundAttachment } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';
import type { DeadlineClock } from './staff-action.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { markCustomerAnswered } from './staff.repository.ts';

/**
 * The customer wrote to their open case (inside the conversation's
 * transaction): the message and files go to the case thread, and a case that
 * waited for the customer is back in progress.
 */
export async function customerWrote(
  trx: Db,
  desk: StaffDesk,
  deadlines: DeadlineClock,
  event: { caseId: number; text: string; attachments: InboundAttachment[]; at: Date },
): Promise<void> {
  await desk.publish(trx, event.caseId, { type: 'customer-wrote', text: event.text, attachmentIds: event.attachments.map((a) => a.id) });
  const customerId = await markCustomerAnswered(trx, event.caseId, event.at);
  if (customerId !== undefined) {
    const actor = `customer:${customerId}`;
    await appendCaseEvent(trx, { caseId: event.caseId, at: event.at, actor, action: 'customer_answered' });
    await appendCaseEvent(trx, { caseId: event.caseId, at: event.at, actor, action: 'status_changed', from: 'awaiting_customer', to: 'in_progress' });
    await deadlines.resume(trx, event.caseId, event.at, actor);
    await desk.publish(trx, event.caseId, { type: 'case-changed' });
  }
}
