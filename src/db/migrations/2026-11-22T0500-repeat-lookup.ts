import type { Kysely } from 'kysely';

/**
 * The repeat-complaint check at case opening looks cases up by contact
 * e-mail and phone: without these it read the whole table every time.
 *
 * Recorded in kysely_migration as '2026-11-22T0500_repeat_lookup': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_contact_email_idx').on('cases').columns(['contact_email', 'created_at']).execute();
  await db.schema.createIndex('cases_contact_phone_idx').on('cases').columns(['contact_phone', 'created_at']).execute();
}
