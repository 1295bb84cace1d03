import { sql, type Kysely } from 'kysely';

/**
 * Bot posts in a case thread that carry the customer's words (their
 * messages, a survey comment): where they are, and the text without them
 * that replaces them when the case is anonymised (outbox rows and their
 * ts are not kept long enough for that).
 *
 * Recorded in kysely_migration as '2026-11-22T0700_slack_thread_posts': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_thread_posts')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('redacted_text', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('redaction_queued_at', 'timestamptz')
    .addPrimaryKeyConstraint('slack_thread_posts_pkey', ['channel', 'ts'])
    .execute();
  await db.schema.createIndex('slack_thread_posts_case_idx').on('slack_thread_posts').column('case_id').execute();
}
