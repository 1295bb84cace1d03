import type { OutboundMessage } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import { conversationKey, enqueueOutbound, type NewOutboxMessage } from '../outbox/outbox.repository.ts';
import { findCaseCustomer } from './case.repository.ts';

/**
 * The one path of every message to a customer. Texts are written by the
 * conversation engine (its replies, survey questions, deadline notices: from
 * the prompt catalogue, in the customer's language and script) and by the
 * staff desk's actions (src/staff/customer-texts.ts); this module decides
 * where they go: the customer's own channel and reply address, in their
 * conversation's order (one conversation key for everything they receive),
 * tied to the case they are about, optionally with a delivery report. Rows
 * are written in the caller's transaction and delivered after commit by the
 * outbox worker.
 *
 * It lives beside the cases, not in src/outbox, so that the outbox (the
 * delivery machinery below) never imports the case repository.
 */

/** What is needed to reach a customer on their own channel. */
export type CustomerAddress = Pick<CustomerRow, 'id' | 'channel' | 'external_id' | 'address'>;

/** Ask for the delivery outcome to be reported to the DeliveryListener named `to` (src/outbox/delivery-listener.ts). */
export type DeliveryReport = NonNullable<NewOutboxMessage['report']>;

/** The outbox row of a message to `customer`, about `caseId` (null: the conversation, no case). */
export function customerMessage(customer: CustomerAddress, message: OutboundMessage, about: { caseId: number | null; report?: DeliveryReport }): NewOutboxMessage {
  return {
    customerId: customer.id,
    caseId: about.caseId,
    channel: customer.channel,
    conversationKey: conversationKey(customer.channel, customer.external_id),
    address: customer.address,
    payload: message as unknown as Record<string, unknown>,
    ...(about.report ? { report: about.report } : {}),
  };
}

/**
 * Queues a message to the case's customer inside the caller's transaction.
 * Returns false when the case is unknown.
 */
export async function messageCaseCustomer(db: Db, caseId: number, message: OutboundMessage, report?: DeliveryReport): Promise<boolean> {
  const customer = await findCaseCustomer(db, caseId);
  if (!customer) return false;
  await enqueueOutbound(db, [customerMessage(customer, message, { caseId, ...(report ? { report } : {}) })]);
  return true;
}
