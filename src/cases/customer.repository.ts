import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import { conversationKey } from '../outbox/outbox.repository.ts';

/**
 * The stored reply address is refreshed from each message, except that a
 * Bot Framework reference never moves to another conversation: the
 * identity (botframework mapper) is the conversation itself, or on Teams
 * the tenant and Azure AD object id, whose personal chat with the bot does
 * not change. A message of the same identity from another conversation is
 * handled, its replies still go to the stored conversation, and the adapter
 * logs the mismatch (findStoredConversation).
 */
const refreshedAddress = sql<string>`CASE
  WHEN customers.channel = 'botframework' AND customers.address->'conversation'->>'id' IS NOT NULL
    AND customers.address->'conversation'->>'id' IS DISTINCT FROM excluded.address->'conversation'->>'id'
  THEN customers.address ELSE excluded.address END`;

export interface InboundIdentity {
  channel: string;
  externalId: string;
  address: Record<string, unknown>;
  displayName?: string;
  locale: string;
}

/** A customer locked by an inbound message, with what the hot path needs to know about its conversation's case. */
export interface LockedCustomer extends CustomerRow {
  /**
   * Status of the case the stored conversation state names (`activeCase`),
   * read in the same statement as the lock; null without one or when it is
   * gone. The statement's snapshot may predate the lock: a case seen
   * `resolved` may have closed while the lock was awaited.
   */
  active_case_status: string | null;
}

/**
 * The hot path's first statement, for a batch of inbound messages (at most one
 * per customer): records each delivery id and, only for the new ones,
 * creates or refreshes and locks the customer. A delivery seen before (a
 * redelivery) has no row in the result. Rows are locked in key order, so two
 * instances locking overlapping batches wait for each other instead of
 * deadlocking. One round trip for the whole batch, which also reads the
 * status of each conversation's case (no lock on it).
 */
export async function claimDeliveriesAndLockCustomers(
  db: Db,
  items: ReadonlyArray<{ deliveryId: string; identity: InboundIdentity }>,
): Promise<Map<string, LockedCustomer>> {
  // One JSON document for the batch (pg would escape each element of a text[] of addresses).
  const input = items.map((i) => ({
    channel: i.identity.channel,
    delivery_id: i.deliveryId,
    external_id: i.identity.externalId,
    address: i.identity.address,
    display_name: i.identity.displayName ?? null,
    locale: i.identity.locale,
  }));
  const { rows } = await sql<LockedCustomer>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        AS t(channel text, delivery_id text, external_id text, address jsonb, display_name text, locale text)),
    delivery AS (
      INSERT INTO inbound_deliveries (channel, delivery_id) SELECT channel, delivery_id FROM input
      ON CONFLICT DO NOTHING RETURNING channel, delivery_id),
    locked AS (
      INSERT INTO customers (channel, external_id, address, display_name, locale, state, updated_at)
      SELECT i.channel, i.external_id, i.address, i.display_name, i.locale, '{}'::jsonb, now()
      FROM input i JOIN delivery d ON d.channel = i.channel AND d.delivery_id = i.delivery_id
      ORDER BY i.channel, i.external_id
      ON CONFLICT (channel, external_id) DO UPDATE SET
        address = ${refreshedAddress},
        display_name = coalesce(excluded.display_name, customers.display_name),
        updated_at = now()
      RETURNING *)
    SELECT locked.*, cases.status AS active_case_status
    FROM locked LEFT JOIN cases ON cases.id = (locked.state -> 'activeCase' ->> 'id')::bigint`.execute(db);
  return new Map(rows.map((row) => [conversationKey(row.channel, row.external_id), row]));
}

export async function lockCustomer(db: Db, customerId: number): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', customerId).forUpdate().executeTakeFirst();
}

/** Records an inbound delivery id; false when it was seen before (a redelivery). */
export async function claimDelivery(db: Db, channel: string, deliveryId: string): Promise<boolean> {
  const inserted = await db
    .insertInto('inbound_deliveries')
    .values({ channel, delivery_id: deliveryId })
    .onConflict((oc) => oc.doNothing())
    .returning('delivery_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The conversation id of a customer's stored reply address, if there is one. */
export async function findStoredConversation(db: Db, channel: string, externalId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('customers')
    .select(sql<string | null>`address->'conversation'->>'id'`.as('conversation_id'))
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.conversation_id ?? undefined;
}

/** Whether a delivery id was handled before (a cheap look before downloading its files). */
export async function isDeliveryClaimed(db: Db, channel: string, deliveryId: string): Promise<boolean> {
  const row = await db
    .selectFrom('inbound_deliveries')
    .select('delivery_id')
    .where('channel', '=', channel)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Creates a customer identity before its first message (the web chat does
 * when it issues a visitor token) and returns its id. On a conflict the row
 * is the same identity's: only its last contact is refreshed.
 */
export async function registerCustomer(db: Db, identity: { channel: string; externalId: string; address: Record<string, unknown>; locale: string }): Promise<number> {
  const row = await db
    .insertInto('customers')
    .values({ channel: identity.channel, external_id: identity.externalId, address: JSON.stringify(identity.address), locale: identity.locale, state: JSON.stringify({}), updated_at: sql`now()` })
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doUpdateSet({ updated_at: sql`now()` }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The customer id of a channel identity, or undefined (never created, or erased or anonymised since). */
export async function findCustomerId(db: Db, channel: string, externalId: string): Promise<number | undefined> {
  const row = await db.selectFrom('customers').select('id').where('channel', '=', channel).where('external_id', '=', externalId).executeTakeFirst();
  return row ? Number(row.id) : undefined;
}
