import type { OutboundMessage } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';
import { conversationKey, enqueueOutbound } from '../outbox/outbox.repository.ts';

/** The case's customer, with what is needed to message them on their own channel. */
export async function findCaseCustomer(db: Db, caseId: number) {
  return db
    .selectFrom('cases')
    .innerJoin('customers', 'customers.id', 'cases.customer_id')
    .select(['customers.id as customerId', 'customers.channel', 'customers.external_id', 'customers.address', 'customers.locale', 'cases.number'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
}

/**
 * Queues a message to the case's customer on their own channel, inside the
 * caller's transaction. Returns false when the case has no customer.
 */
export async function enqueueCustomerMessage(db: Db, caseId: number, message: OutboundMessage): Promise<boolean> {
  const customer = await findCaseCustomer(db, caseId);
  if (!customer) return false;
  await enqueueOutbound(db, [
    {
      customerId: customer.customerId,
      caseId,
      channel: customer.channel,
      conversationKey: conversationKey(customer.channel, customer.external_id),
      address: customer.address,
      payload: message as unknown as Record<string, unknown>,
    },
  ]);
  return true;
}
