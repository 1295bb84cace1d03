import type { Kysely } from 'kysely';

/**
 * Erasure and retention remove an identity's files by customer: without an
 * index each identity read the whole attachments table (issue #17: 55 ms per
 * identity at a million cases, inside the retention batch's transaction).
 *
 * Recorded in kysely_migration as '2026-11-29T1800-attachments-customer-index': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('attachments_customer_idx').on('attachments').column('customer_id').execute();
}
