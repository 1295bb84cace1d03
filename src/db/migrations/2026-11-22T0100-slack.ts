import type { Kysely } from 'kysely';

/**
 * Recorded in kysely_migration as '2026-11-22T0100_slack': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('determination', 'text')
    .addColumn('root_cause', 'text')
    .addColumn('resolution_summary', 'text')
    .addColumn('remedy', 'text')
    .addColumn('remedy_amount', 'numeric(12, 2)')
    .addColumn('remedy_approval', 'text')
    .addColumn('remedy_decided_by', 'text')
    .addColumn('remedy_decided_at', 'timestamptz')
    .addColumn('escalation', 'text')
    .addColumn('escalation_reason', 'text')
    .addColumn('escalated_by', 'text')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('slack_channel', 'text')
    .addColumn('slack_ts', 'text')
    .execute();
  await db.schema.createIndex('cases_slack_message_idx').on('cases').columns(['slack_channel', 'slack_ts']).execute();
  await db.schema.createIndex('cases_owner_idx').on('cases').columns(['owner', 'status']).execute();
  await db.schema.createIndex('cases_team_idx').on('cases').columns(['team', 'id']).execute();
  await db.schema.alterTable('case_messages').addColumn('internal', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  // Where the final outcome of a delivery is reported (a DeliveryListener), e.g. a staff reply's reaction.
  await db.schema.alterTable('outbox').addColumn('report', 'jsonb').execute();
}
