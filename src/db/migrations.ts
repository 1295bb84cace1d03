import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * In-code migration list: no file loader, same list for PGlite and
 * PostgreSQL. Migrations are frozen in time: typed Kysely<any>, never import
 * app code, never edited once released — add a new one instead.
 * Stay within PostgreSQL 15 features.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0001_intake': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('address', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('display_name', 'text')
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('state', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addUniqueConstraint('customers_channel_external_id_key', ['channel', 'external_id'])
        .execute();

      await sql`CREATE SEQUENCE case_number_seq`.execute(db);
      await db.schema
        .createTable('cases')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('category', 'text')
        .addColumn('description', 'text')
        .addColumn('when_where', 'text')
        .addColumn('order_ref', 'text')
        .addColumn('desired_resolution', 'text')
        .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('contact_name', 'text')
        .addColumn('contact_phone', 'text')
        .addColumn('contact_email', 'text')
        .addColumn('consent_given', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('consent_version', 'text')
        .addColumn('consent_at', 'timestamptz')
        .addColumn('opened_via', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('team', 'text')
        .addColumn('first_response_due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('resolution_due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('first_responded_at', 'timestamptz')
        .addColumn('resolved_at', 'timestamptz')
        .addColumn('closed_at', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('cases_customer_id_idx').on('cases').columns(['customer_id', 'created_at']).execute();
      await db.schema.createIndex('cases_status_idx').on('cases').column('status').execute();

      await db.schema
        .createTable('case_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .execute();
      await db.schema.createIndex('case_events_case_id_idx').on('case_events').columns(['case_id', 'id']).execute();
      // The audit log is append-only: records kept for review and discipline.
      await sql`
        CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'case_events is append-only';
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
        FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`.execute(db);

      await db.schema
        .createTable('case_messages')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('author', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('case_messages_case_id_idx').on('case_messages').columns(['case_id', 'id']).execute();

      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'bigint', (c) => c.references('customers.id'))
        .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addColumn('content', 'bytea')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('inbound_deliveries')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('inbound_deliveries_pkey', ['channel', 'delivery_id'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('customer_id', 'bigint', (c) => c.references('customers.id'))
        .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('address', 'jsonb', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('sent_at', 'timestamptz')
        .execute();
      await sql`CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE status = 'pending'`.execute(db);
      await sql`CREATE INDEX outbox_pending_conversation_idx ON outbox (conversation_key, id) WHERE status = 'pending'`.execute(db);

      await db.schema
        .createTable('webchat_messages')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('webchat_messages_visitor_idx').on('webchat_messages').columns(['visitor_id', 'id']).execute();
    },
  },

  '2026-11-22T0100_slack': {
    async up(db: Kysely<any>) {
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
    },
  },
  '2026-11-22T0200_sla': {
    async up(db: Kysely<any>) {
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
    },
  },
  '2026-11-22T0300_privacy': {
    async up(db: Kysely<any>) {
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
    },
  },
  '2026-11-22T0400_surveys': {
    async up(db: Kysely<any>) {
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
    },
  },
  '2026-11-22T0500_repeat_lookup': {
    // The repeat-complaint check at case opening looks cases up by contact
    // e-mail and phone: without these it read the whole table every time.
    async up(db) {
      await db.schema.createIndex('cases_contact_email_idx').on('cases').columns(['contact_email', 'created_at']).execute();
      await db.schema.createIndex('cases_contact_phone_idx').on('cases').columns(['contact_phone', 'created_at']).execute();
    },
  },
  '2026-11-22T0600_campaign_marks': {
    // One row per campaign stage acted on for a customer ('send', 'remind'):
    // a campaign job delivered twice acts once. It says that the customer was
    // sent the campaign, nothing about answering: no time (it could be
    // matched to the day of an answer), and the reminder's row is written
    // whether or not a question was still pending. Deleted with the identity.
    async up(db) {
      await db.schema
        .createTable('campaign_marks')
        .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('survey_campaigns.id'))
        .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_marks_pkey', ['campaign_id', 'customer_id', 'stage'])
        .execute();
      await db.schema.createIndex('campaign_marks_customer_idx').on('campaign_marks').column('customer_id').execute();
    },
  },
  '2026-11-22T0600_single_use_export_links': {
    // A customer export link works once: its id is inserted on the first
    // download, in the export's transaction (the primary key makes a second
    // or concurrent download find it used). Kept until the link expires.
    async up(db) {
      await db.schema
        .createTable('used_export_links')
        .addColumn('link_id', 'text', (c) => c.primaryKey())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('used_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
  '2026-11-22T0700_slack_thread_posts': {
    // Bot posts in a case thread that carry the customer's words (their
    // messages, a survey comment): where they are, and the text without them
    // that replaces them when the case is anonymised (outbox rows and their
    // ts are not kept long enough for that).
    async up(db) {
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
    },
  },
  '2026-11-29T1100_s-files_botframework_identity': {
    // Bot Framework customers were keyed on `<channelId>:<from.id>`, which any
    // conversation can claim. Rekey them as the adapter now does (botframework
    // mapper, botFrameworkIdentity): Teams `msteams:<tenant>:<aadObjectId>`,
    // other channels `<channelId>:conversation:<conversation id>`, from the
    // stored conversation reference. When several old rows map to one new key,
    // the oldest keeps it; the others stay unreachable under their old key
    // (the retention job removes them). Pending outbox rows follow their
    // customer's new key so per-conversation ordering holds.
    async up(db: Kysely<any>) {
      await sql`
        WITH rekeyed AS (
          SELECT id, CASE
            WHEN address->>'channelId' = 'msteams' AND coalesce(address->'conversation'->>'tenantId', '') <> '' AND coalesce(address->'user'->>'aadObjectId', '') <> ''
              THEN 'msteams:' || (address->'conversation'->>'tenantId') || ':' || (address->'user'->>'aadObjectId')
            ELSE (address->>'channelId') || ':conversation:' || (address->'conversation'->>'id')
          END AS external_id
          FROM customers
          WHERE channel = 'botframework' AND anonymised_at IS NULL
            AND coalesce(address->>'channelId', '') <> '' AND coalesce(address->'conversation'->>'id', '') <> ''),
        chosen AS (
          SELECT DISTINCT ON (r.external_id) r.id, r.external_id FROM rekeyed r
          WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.channel = 'botframework' AND c.external_id = r.external_id)
          ORDER BY r.external_id, r.id)
        UPDATE customers SET external_id = chosen.external_id FROM chosen WHERE customers.id = chosen.id`.execute(db);
      await sql`
        UPDATE outbox SET conversation_key = 'botframework:' || c.external_id
        FROM customers c
        WHERE outbox.customer_id = c.id AND c.channel = 'botframework' AND outbox.status = 'pending'`.execute(db);
    },
  },
  // --- m-milestones (issue 18): appended on its own; one entry, nothing else touched. ---
  '2026-11-29T1500_m-milestones_case_milestones': {
    // Milestones between opening and resolution: only the facts are stored
    // (reached, skipped, breached; the due time they were read against), the
    // plan is computed from the policy. Marks make each reminder, breach and
    // progress update act once per due time across instances.
    async up(db: Kysely<any>) {
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
    },
  },
};
