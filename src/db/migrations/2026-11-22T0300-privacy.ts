import { sql, type Kysely } from 'kysely';

/**
 * Recorded in kysely_migration as '2026-11-22T0300_privacy': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Set when the personal fields were removed (retention or erasure); the statistics stay.
  await db.schema.alterTable('cases').addColumn('anonymised_at', 'timestamptz').execute();
  await db.schema.alterTable('customers').addColumn('anonymised_at', 'timestamptz').execute();
  // Export and erasure requests, also for customers who have no case to log them on.
  await db.schema
    .createTable('privacy_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('webchat_messages_created_at_idx').on('webchat_messages').column('created_at').execute();
  await sql`CREATE INDEX cases_not_anonymised_idx ON cases (id) WHERE anonymised_at IS NULL`.execute(db);
}
