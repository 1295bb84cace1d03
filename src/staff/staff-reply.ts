import { appendCaseEvent } from '../cases/case.repository.ts';
import { messageCaseCustomer } from '../cases/customer-message.ts';
import { claimDelivery } from '../cases/customer.repository.ts';
import { localeOf, signature } from './customer-texts.ts';
import { staffReport } from './delivery-reported.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import { changeCase, refuse, staffAction, statusWhenWorked, type StaffDeps, type StaffResult } from './staff-action.ts';
import { appendStaffMessage } from './staff.repository.ts';

export interface StaffThreadMessage {
  caseId: number;
  actor: StaffActor;
  /** `reply` goes to the customer; `note` stays internal. The desk's reply rule decides which. */
  kind: 'reply' | 'note';
  text: string;
  /** Inbound idempotency key (Slack event_id): a redelivered event changes nothing. */
  delivery: { channel: string; id: string };
  /** The desk's reference to the staff message (Slack channel and ts), handed back with the delivery outcome. */
  ref: Record<string, unknown>;
  agentName?: string;
}

/**
 * A staff message in the case thread. A reply is queued to the customer on
 * their own channel (signed per configuration) and moves the case into
 * progress; its outcome comes back through the delivery report. A note is
 * only recorded.
 */
export async function staffThreadMessage(deps: StaffDeps, input: StaffThreadMessage): Promise<StaffResult> {
  const text = input.text.trim();
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!(await claimDelivery(trx, input.delivery.channel, input.delivery.id))) return refuse('duplicate');
    if (!text) return refuse('invalid_input', { field: 'text' });
    const author = actorRef(input.actor);
    if (input.kind === 'note') {
      await appendStaffMessage(trx, { caseId: row.id, author, body: text, internal: true });
      await appendCaseEvent(trx, { caseId: row.id, at: now, actor: author, action: 'internal_note' });
      return { ok: true, caseRow: row, changed: false };
    }
    await appendStaffMessage(trx, { caseId: row.id, author, body: text, internal: false });
    const message = deps.catalog.t(localeOf(row), 'messages.staffReply', { author: signature(deps, row, input.agentName), text });
    await messageCaseCustomer(trx, row.id, { text: message }, staffReport(row.id, 'reply', input.ref));
    const status = row.status === 'awaiting_customer' ? row.status : statusWhenWorked(row.status);
    const owner = row.owner ?? input.actor.userId;
    if (status === row.status && owner === row.owner) {
      await appendCaseEvent(trx, { caseId: row.id, at: now, actor: author, action: 'staff_reply' });
      return { ok: true, caseRow: row, changed: true };
    }
    const updated = await changeCase(trx, deps, row, input.actor, now, { status, owner }, { action: 'staff_reply' });
    return { ok: true, caseRow: updated, changed: true };
  });
}
