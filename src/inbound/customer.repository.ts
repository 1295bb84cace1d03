import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';

/**
 * Creates the customer on first contact, or refreshes its address, and locks
 * the row until the transaction ends: messages of one conversation are
 * handled one at a time, on any instance.
 */
export async function upsertAndLockCustomer(
  db: Db,
  identity: { channel: string; externalId: string; address: Record<string, unknown>; displayName?: string; locale: string },
): Promise<CustomerRow> {
  return db
    .insertInto('customers')
    .values({
      channel: identity.channel,
      external_id: identity.externalId,
      address: JSON.stringify(identity.address),
      display_name: identity.displayName ?? null,
      locale: identity.locale,
      state: JSON.stringify({}),
      updated_at: sql`now()`,
    })
    .onConflict((oc) =>
      oc.columns(['channel', 'external_id']).doUpdateSet({
        address: (eb) => eb.ref('excluded.address'),
        display_name: sql`coalesce(excluded.display_name, customers.display_name)`,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The hot path's first statement: records the delivery id and, only if it is
 * new, creates or refreshes and locks the customer. Undefined means the
 * delivery was seen before (a redelivery). One round trip instead of two.
 */
export async function claimDeliveryAndLockCustomer(
  db: Db,
  deliveryId: string,
  identity: { channel: string; externalId: string; address: Record<string, unknown>; displayName?: string; locale: string },
): Promise<CustomerRow | undefined> {
  const { rows } = await sql<CustomerRow>`
    WITH delivery AS (
      INSERT INTO inbound_deliveries (channel, delivery_id) VALUES (${identity.channel}, ${deliveryId})
      ON CONFLICT DO NOTHING RETURNING 1)
    INSERT INTO customers (channel, external_id, address, display_name, locale, state, updated_at)
    SELECT ${identity.channel}, ${identity.externalId}, ${JSON.stringify(identity.address)}::jsonb, ${identity.displayName ?? null}, ${identity.locale}, '{}'::jsonb, now()
    WHERE EXISTS (SELECT 1 FROM delivery)
    ON CONFLICT (channel, external_id) DO UPDATE SET
      address = excluded.address,
      display_name = coalesce(excluded.display_name, customers.display_name),
      updated_at = now()
    RETURNING *`.execute(db);
  return rows[0];
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
