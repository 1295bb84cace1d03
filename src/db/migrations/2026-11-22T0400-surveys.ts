import { sql, type Kysely } from 'kysely';

/**
 * Recorded in kysely_migration as '2026-11-22T0400_surveys': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One satisfaction survey per resolution of a case, sent on the customer's own channel.
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    // Credited to the case owner at the time the survey was sent.
    .addColumn('owner', 'text')
    // scheduled | sent | answered | expired | skipped
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_for', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('resolved', 'boolean')
    .addColumn('csat', 'integer')
    .addColumn('nps', 'integer')
    .addColumn('comment', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('surveys_case_idx').on('surveys').column('case_id').execute();
  await db.schema.createIndex('surveys_customer_idx').on('surveys').columns(['customer_id', 'sent_at']).execute();
  // Periodic anonymous satisfaction survey: answers are not linked to a person or a case.
  await db.schema
    .createTable('survey_campaigns')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('campaign_answers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('survey_campaigns.id'))
    .addColumn('csat', 'integer')
    .addColumn('nps', 'integer')
    .addColumn('comment', 'text')
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
