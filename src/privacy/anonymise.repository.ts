import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { PrivacySubject } from './privacy-hook.ts';

/**
 * Writes that remove personal data from cases and identities (erasure and
 * retention both use them). `db` may be a transaction; the use case owns it.
 */

/** File entries in jsonb arrays keep their type and size, not their name or id. */
const withoutFileNames = (column: string) =>
  sql<string>`(SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN e - 'fileName' - 'id' ELSE 'null'::jsonb END), '[]'::jsonb)
    FROM jsonb_array_elements(${sql.ref(column)}) AS e)`;

/** Ids and counts of what was changed, per case id. */
export interface CaseAnonymisation {
  cases: number;
  messages: Map<number, number>;
  attachments: Map<number, number>;
  outbox: Map<number, number>;
}

/**
 * Removes personal fields and free text of cases: description, when/where,
 * order number, contact, file names; message bodies blanked; files and
 * outbound messages about the case deleted. Category, severity, status,
 * owner, dates and deadlines stay for the reports.
 */
export async function anonymiseCaseRecords(db: Db, caseIds: number[], now: Date): Promise<CaseAnonymisation> {
  const result: CaseAnonymisation = { cases: 0, messages: new Map(), attachments: new Map(), outbox: new Map() };
  if (caseIds.length === 0) return result;
  const updated = await db
    .updateTable('cases')
    .set({
      description: null,
      when_where: null,
      order_ref: null,
      contact_name: null,
      contact_phone: null,
      contact_email: null,
      evidence: withoutFileNames('evidence'),
      anonymised_at: now,
    })
    .where('id', 'in', caseIds)
    .executeTakeFirst();
  result.cases = Number(updated.numUpdatedRows);
  const tally = (map: Map<number, number>, rows: Array<{ case_id: number | null }>) => {
    for (const row of rows) if (row.case_id !== null) map.set(row.case_id, (map.get(row.case_id) ?? 0) + 1);
  };
  // Files: the case's evidence, and files the customer added later in case messages (not linked by case_id).
  const fileIds = filesOfCaseMessages(caseIds);
  const files = await db
    .deleteFrom('attachments')
    .where((eb) => eb.or([eb('case_id', 'in', caseIds), eb('id', 'in', fileIds)]))
    .returning(['case_id', 'id'])
    .execute();
  const messageFiles = await db
    .selectFrom('case_messages')
    .select(['case_id', sql<string>`e ->> 'id'`.as('file_id')])
    .innerJoin(sql<{ e: unknown }>`jsonb_array_elements(case_messages.attachments)`.as('e'), (join) => join.onTrue())
    .where('case_id', 'in', caseIds)
    .execute();
  const caseOfFile = new Map(messageFiles.map((f) => [f.file_id, f.case_id]));
  tally(result.attachments, files.map((f) => ({ case_id: f.case_id ?? caseOfFile.get(f.id) ?? null })));
  tally(
    result.messages,
    await db.updateTable('case_messages').set({ body: '', attachments: withoutFileNames('attachments') }).where('case_id', 'in', caseIds).returning('case_id').execute(),
  );
  tally(result.outbox, await db.deleteFrom('outbox').where('case_id', 'in', caseIds).returning('case_id').execute());
  // Survey scores stay for the reports; the customer's own words go, and a pending survey question with them.
  // Milestone facts stay for the reports; staff notes on them may quote the customer.
  await db.updateTable('case_milestones').set({ note: null }).where('case_id', 'in', caseIds).where('note', 'is not', null).execute();
  await db.updateTable('surveys').set({ comment: null }).where('case_id', 'in', caseIds).where('comment', 'is not', null).execute();
  await db.updateTable('surveys').set({ status: 'expired' }).where('case_id', 'in', caseIds).where('status', 'in', ['scheduled', 'sent']).execute();
  // A customer's state names only their own cases and surveys: look at those customers (by index), not every customer.
  const concerned = sql<boolean>`id IN (SELECT customer_id FROM cases WHERE id = ANY(${caseIds}) UNION SELECT customer_id FROM surveys WHERE case_id = ANY(${caseIds}))`;
  await db
    .updateTable('customers')
    .set({ state: sql`state - 'survey'` })
    .where(concerned)
    .where(sql<boolean>`(state -> 'survey' ->> 'caseId')::bigint = ANY(${caseIds})`)
    .execute();
  // A later message from the customer starts a new conversation instead of landing on the anonymised case.
  await db
    .updateTable('customers')
    .set({ state: sql`state - 'activeCase' - 'lastCaseAckAt'` })
    .where(concerned)
    .where(sql<boolean>`(state -> 'activeCase' ->> 'id')::bigint = ANY(${caseIds})`)
    .execute();
  return result;
}

/** Ids of files referenced by the messages of `caseIds`, as a subquery. */
function filesOfCaseMessages(caseIds: number[]) {
  return sql<string>`(SELECT e ->> 'id' FROM case_messages m, jsonb_array_elements(m.attachments) AS e WHERE m.case_id = ANY(${caseIds}) AND jsonb_typeof(e) = 'object')`;
}

export interface IdentityAnonymisation {
  attachments: number;
  outbox: number;
  deliveryIds: number;
}

/**
 * Removes an identity's personal traces: its files, outbound messages,
 * delivery ids and campaign marks (who was sent which campaign), then its
 * channel id, address, display name and conversation state (what modules
 * keep in their own tables, such as the web chat's transcript, goes through
 * their PrivacyHook, see anonymiseIdentity in anonymise-cases.ts). The row stays (cases keep pointing at it);
 * the same person writing again becomes a new customer.
 */
export async function anonymiseIdentityRecords(db: Db, customer: PrivacySubject, now: Date, marker: 'erased' | 'anonymised'): Promise<IdentityAnonymisation> {
  const attachments = await db.deleteFrom('attachments').where('customer_id', '=', customer.id).executeTakeFirst();
  const outbox = await db.deleteFrom('outbox').where('customer_id', '=', customer.id).executeTakeFirst();
  // Channels that build delivery ids from the identity (web chat: `<visitor id>:<message id>`).
  // The escaped prefix as a LIKE pattern, and `LIKE '%:%'`, let inbound_deliveries_prefix_idx find them (no scan per identity).
  const prefix = `${customer.external_id}:`;
  const deliveryIds = await db
    .deleteFrom('inbound_deliveries')
    .where('channel', '=', customer.channel)
    .where(sql<boolean>`delivery_id LIKE '%:%'`)
    .where(sql<boolean>`delivery_id LIKE ${`${prefix.replace(/[\\%_]/g, '\\$&')}%`}`)
    .executeTakeFirst();
  await db.deleteFrom('campaign_marks').where('customer_id', '=', customer.id).execute();
  await db
    .updateTable('customers')
    .set({ external_id: `${marker}:${customer.id}`, address: JSON.stringify({}), display_name: null, state: JSON.stringify({}), anonymised_at: now })
    .where('id', '=', customer.id)
    .execute();
  return {
    attachments: Number(attachments.numDeletedRows),
    outbox: Number(outbox.numDeletedRows),
    deliveryIds: Number(deliveryIds.numDeletedRows),
  };
}

