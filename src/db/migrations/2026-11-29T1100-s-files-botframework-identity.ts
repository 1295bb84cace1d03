import { sql, type Kysely } from 'kysely';

/**
 * Bot Framework customers were keyed on `<channelId>:<from.id>`, which any
 * conversation can claim. Rekey them as the adapter now does (botframework
 * mapper, botFrameworkIdentity): Teams `msteams:<tenant>:<aadObjectId>`,
 * other channels `<channelId>:conversation:<conversation id>`, from the
 * stored conversation reference. When several old rows map to one new key,
 * the oldest keeps it; the others stay unreachable under their old key
 * (the retention job removes them). Pending outbox rows follow their
 * customer's new key so per-conversation ordering holds.
 *
 * Recorded in kysely_migration as '2026-11-29T1100_s-files_botframework_identity': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
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
}
