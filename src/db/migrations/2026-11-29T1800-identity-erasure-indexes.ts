import { sql, type Kysely } from 'kysely';

/**
 * Erasure and retention remove an identity's traces one identity at a time:
 * its files, its outbound messages and the delivery ids built from its
 * channel id (the web chat's `<visitor id>:<message id>`). Without indexes
 * each identity read the whole of each table (issue #17: 55 ms for the files
 * and 81 ms for the delivery ids per identity at a million cases, inside the
 * retention batch's transaction). The delivery-id index holds only ids with
 * a colon, so a Telegram update (a bare number) costs the hot path nothing;
 * `text_pattern_ops` lets `LIKE 'prefix%'` use it whatever the collation.
 *
 * Recorded in kysely_migration as '2026-11-29T1800-identity-erasure-indexes': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('attachments_customer_idx').on('attachments').column('customer_id').execute();
  await db.schema.createIndex('outbox_customer_idx').on('outbox').column('customer_id').execute();
  await sql`CREATE INDEX inbound_deliveries_prefix_idx ON inbound_deliveries (channel, delivery_id text_pattern_ops) WHERE delivery_id LIKE '%:%'`.execute(db);
}
