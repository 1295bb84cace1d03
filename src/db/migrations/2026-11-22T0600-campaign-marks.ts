import type { Kysely } from 'kysely';

/**
 * One row per campaign stage acted on for a customer ('send', 'remind'):
 * a campaign job delivered twice acts once. It says that the customer was
 * sent the campaign, nothing about answering: no time (it could be
 * matched to the day of an answer), and the reminder's row is written
 * whether or not a question was still pending. Deleted with the identity.
 *
 * Recorded in kysely_migration as '2026-11-22T0600_campaign_marks': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaign_marks')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('survey_campaigns.id'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_marks_pkey', ['campaign_id', 'customer_id', 'stage'])
    .execute();
  await db.schema.createIndex('campaign_marks_customer_idx').on('campaign_marks').column('customer_id').execute();
}
