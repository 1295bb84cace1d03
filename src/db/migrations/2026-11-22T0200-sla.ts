import { sql, type Kysely } from 'kysely';

/**
 * Recorded in kysely_migration as '2026-11-22T0200_sla': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('sla_paused_at', 'timestamptz')
    .addColumn('resolution_window_started_at', 'timestamptz')
    .addColumn('first_response_breached_at', 'timestamptz')
    .addColumn('resolution_breached_at', 'timestamptz')
    .execute();
  // One row per deadline stage acted on: a timer that fires twice acts once.
  await db.schema
    .createTable('case_deadline_marks')
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('marked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_deadline_marks_pkey', ['case_id', 'deadline', 'stage', 'due_at'])
    .execute();
}
