import { sql, type Kysely } from 'kysely';

/**
 * The report reads, per case opened in its range, only these columns: one
 * index on created_at that carries them (INCLUDE) lets every report scan be
 * an index-only scan of ~150 bytes a case instead of visiting the wide case
 * rows (issue #17: a year of a company with 1,000,000 cases is 333,000 heap
 * rows scattered over a third of the table). It replaces the plain
 * created_at index of 2026-11-29T1600 (same key, so inserts keep the same
 * number of indexes). Updates that change an included column (first
 * response, resolution, breach marks, root cause) can no longer be HOT; the
 * status and owner changes that come with most of them were not HOT already.
 * Built inside the migration's transaction: at a million cases, a few
 * seconds' lock at deploy time.
 *
 * Recorded in kysely_migration as '2026-11-29T1700-report-covering-index': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX cases_report_idx ON cases (created_at) INCLUDE (id, status, category, severity, channel, root_cause, determination, owner,
    first_responded_at, resolved_at, first_response_due_at, resolution_due_at, first_response_breached_at, resolution_breached_at)`.execute(db);
  await db.schema.dropIndex('cases_created_at_idx').execute();
}
