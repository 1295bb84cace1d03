import { sql, type Kysely } from 'kysely';

/**
 * The reports select by time range: cases by created_at, surveys by sent_at
 * and answered_at, campaign answers by answered_at; the reopen figure looks
 * for one event kind per case. Without these indexes every report read the
 * whole tables (issue #17: a company with 1,000,000 cases). Built inside the
 * migration's transaction: at a million cases, a few seconds' lock at
 * deploy time.
 *
 * Recorded in kysely_migration as '2026-11-29T1600-report-indexes': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_created_at_idx').on('cases').column('created_at').execute();
  await db.schema.createIndex('surveys_sent_at_idx').on('surveys').column('sent_at').execute();
  await db.schema.createIndex('surveys_answered_at_idx').on('surveys').column('answered_at').execute();
  await db.schema.createIndex('campaign_answers_answered_at_idx').on('campaign_answers').column('answered_at').execute();
  await sql`CREATE INDEX case_events_reopened_idx ON case_events (case_id) WHERE action = 'reopened'`.execute(db);
}
