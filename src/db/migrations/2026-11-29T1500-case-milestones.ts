import { sql, type Kysely } from 'kysely';

/**
 * Milestones between opening and resolution (issue #18): only the facts are
 * stored (reached, skipped, breached; the due time they were read against),
 * the plan is computed from the policy. Marks make each reminder, breach and
 * progress update act once per due time across instances.
 *
 * Recorded in kysely_migration as '2026-11-29T1500-case-milestones': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_milestones')
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('done_at', 'timestamptz')
    .addColumn('skipped', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('done_by', 'text')
    .addColumn('note', 'text')
    .addColumn('breached_at', 'timestamptz')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addPrimaryKeyConstraint('case_milestones_pkey', ['case_id', 'milestone_id'])
    .execute();
  await db.schema
    .createTable('case_milestone_marks')
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('marked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_milestone_marks_pkey', ['case_id', 'milestone_id', 'stage', 'due_at'])
    .execute();
}
