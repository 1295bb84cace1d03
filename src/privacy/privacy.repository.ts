import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CustomerRow, Database } from '../db/schema.ts';

/**
 * Writes that remove personal data: anonymising cases and identities, and
 * the retention clean-ups. `db` may be a transaction; the use case owns it.
 */

/** An attachment that no case message carries (files added to a case later are linked only from the message). */
export function notInACaseMessage({ not, exists, selectFrom }: ExpressionBuilder<Database, 'attachments'>) {
  return not(
    exists(
      selectFrom('case_messages')
        .select(sql`1`.as('one'))
        .where(sql<boolean>`case_messages.attachments @> jsonb_build_array(jsonb_build_object('id', attachments.id))`),
    ),
  );
}

/** Case statuses after which a case is finished; anything else is still open. */
export const FINAL_STATUSES = ['resolved', 'closed'] as const;

/** File entries in jsonb arrays keep their type and size, not their name or id. */
const withoutFileNames = (column: string) =>
  sql<string>`(SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN e - 'fileName' - 'id' ELSE 'null'::jsonb END), '[]'::jsonb)
    FROM jsonb_array_elements(${sql.ref(column)}) AS e)`;

export async function findCustomerByIdentity(db: Db, channel: string, externalId: string, lock = false): Promise<CustomerRow | undefined> {
  let query = db.selectFrom('customers').selectAll().where('channel', '=', channel).where('external_id', '=', externalId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findCustomerOfCase(db: Db, caseNumber: string, lock = false): Promise<CustomerRow | undefined> {
  let query = db
    .selectFrom('customers')
    .selectAll('customers')
    .where('id', '=', (eb) => eb.selectFrom('cases').select('customer_id').where('number', '=', caseNumber));
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function liveCasesOfCustomer(db: Db, customerId: number): Promise<Array<{ id: number; number: string }>> {
  return db.selectFrom('cases').select(['id', 'number']).where('customer_id', '=', customerId).where('anonymised_at', 'is', null).orderBy('id').execute();
}

/** The customer's data request still being handled, if any (a second ask points to it). */
export async function findOpenDataRequest(db: Db, customerId: number): Promise<{ id: number; number: string; first_response_due_at: Date; resolution_due_at: Date } | undefined> {
  return db
    .selectFrom('cases')
    .select(['id', 'number', 'first_response_due_at', 'resolution_due_at'])
    .where('customer_id', '=', customerId)
    .where('opened_via', '=', 'data_request')
    .where('status', 'not in', [...FINAL_STATUSES])
    .where('anonymised_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

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
  // Milestone facts stay for the reports; staff notes on them may quote the customer (m-milestones).
  await db.updateTable('case_milestones').set({ note: null }).where('case_id', 'in', caseIds).where('note', 'is not', null).execute();
  // Survey scores stay for the reports; the customer's own words go, and a pending survey question with them.
  await db.updateTable('surveys').set({ comment: null }).where('case_id', 'in', caseIds).where('comment', 'is not', null).execute();
  await db.updateTable('surveys').set({ status: 'expired' }).where('case_id', 'in', caseIds).where('status', 'in', ['scheduled', 'sent']).execute();
  await db
    .updateTable('customers')
    .set({ state: sql`state - 'survey'` })
    .where(sql<boolean>`(state -> 'survey' ->> 'caseId')::bigint = ANY(${caseIds})`)
    .execute();
  // A later message from the customer starts a new conversation instead of landing on the anonymised case.
  await db
    .updateTable('customers')
    .set({ state: sql`state - 'activeCase' - 'lastCaseAckAt'` })
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
  transcript: number;
  deliveryIds: number;
}

/**
 * Removes an identity's personal traces: its files, outbound messages, web
 * chat transcript, delivery ids and campaign marks (who was sent which
 * campaign), then its channel id, address, display name and conversation
 * state. The row stays (cases keep pointing at it);
 * the same person writing again becomes a new customer.
 */
export async function anonymiseIdentity(db: Db, customer: Pick<CustomerRow, 'id' | 'channel' | 'external_id'>, now: Date, marker: 'erased' | 'anonymised'): Promise<IdentityAnonymisation> {
  const attachments = await db.deleteFrom('attachments').where('customer_id', '=', customer.id).executeTakeFirst();
  const outbox = await db.deleteFrom('outbox').where('customer_id', '=', customer.id).executeTakeFirst();
  // The web chat's visitor id is the identity's external id (adapters/webchat).
  const transcript =
    customer.channel === 'webchat' ? await db.deleteFrom('webchat_messages').where('visitor_id', '=', customer.external_id).executeTakeFirst() : undefined;
  // Channels that build delivery ids from the identity (web chat: `<visitor id>:<message id>`).
  const prefix = `${customer.external_id}:`;
  const deliveryIds = await db
    .deleteFrom('inbound_deliveries')
    .where('channel', '=', customer.channel)
    .where(sql<boolean>`left(delivery_id, ${prefix.length}) = ${prefix}`)
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
    transcript: Number(transcript?.numDeletedRows ?? 0),
    deliveryIds: Number(deliveryIds.numDeletedRows),
  };
}

export async function insertPrivacyRequest(
  db: Db,
  request: { kind: 'export' | 'erasure'; customerId: number; actor: string; at: Date; details: Record<string, unknown> },
): Promise<number> {
  const row = await db
    .insertInto('privacy_requests')
    .values({ kind: request.kind, customer_id: request.customerId, actor: request.actor, at: request.at, details: JSON.stringify(request.details) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePrivacyRequestDetails(db: Db, id: number, details: Record<string, unknown>): Promise<void> {
  await db.updateTable('privacy_requests').set({ details: JSON.stringify(details) }).where('id', '=', id).execute();
}

/**
 * Marks a single-use download link as used: true for the first caller only
 * (the primary key decides between concurrent downloads; call it inside the
 * download's transaction so a failed download leaves the link unused).
 * Links past their expiry are forgotten on the way: their signature check
 * refuses them before this.
 */
export async function consumeExportLink(db: Db, link: { id: string; expiresAt: Date }, actor: string, now: Date): Promise<boolean> {
  await db.deleteFrom('used_export_links').where('expires_at', '<', now).execute();
  const row = await db
    .insertInto('used_export_links')
    .values({ link_id: link.id, actor, used_at: now, expires_at: link.expiresAt })
    .onConflict((oc) => oc.column('link_id').doNothing())
    .returning('link_id')
    .executeTakeFirst();
  return row !== undefined;
}

// ---- retention ---------------------------------------------------------

/**
 * Cases past retention, not yet anonymised: finished cases by the time they
 * were closed (or resolved), others by their last change when `openCutoff`
 * is set. Locked: a case being changed right now is taken on the next run.
 */
export async function expiredCases(db: Db, cutoffs: { closed: Date; open: Date | null }, limit: number): Promise<Array<{ id: number; number: string }>> {
  return db
    .selectFrom('cases')
    .select(['id', 'number'])
    .where('anonymised_at', 'is', null)
    .where((eb) => {
      const finished = eb.and([
        eb('status', 'in', [...FINAL_STATUSES]),
        eb(sql`coalesce(closed_at, resolved_at, updated_at)`, '<', cutoffs.closed),
      ]);
      if (!cutoffs.open) return finished;
      const stale = eb.and([eb('status', 'not in', [...FINAL_STATUSES]), eb(sql`greatest(created_at, updated_at)`, '<', cutoffs.open)]);
      return eb.or([finished, stale]);
    })
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Drops unfinished intake drafts whose last activity is before `cutoff`. */
export async function clearAbandonedIntakes(db: Db, cutoff: Date): Promise<number> {
  const result = await db
    .updateTable('customers')
    .set({ state: sql`state - 'intake'` })
    .where(sql<boolean>`state ? 'intake'`)
    .where(sql<boolean>`(state -> 'intake' ->> 'lastActivityAt')::timestamptz < ${cutoff}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Files uploaded before `cutoff` that belong to no case (not evidence, not in a case message) and no live draft; `channel` narrows it to one channel. */
export async function deleteOrphanAttachments(db: Db, cutoff: Date, channel?: string): Promise<number> {
  const result = await db
    .deleteFrom('attachments')
    .$if(channel !== undefined, (qb) => qb.where('channel', '=', channel!))
    .where('case_id', 'is', null)
    .where('created_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('customers')
            .select(sql`1`.as('one'))
            .whereRef('customers.id', '=', 'attachments.customer_id')
            .where(sql<boolean>`customers.state -> 'intake' -> 'draft' -> 'evidence' @> jsonb_build_array(jsonb_build_object('id', attachments.id))`),
        ),
      ),
    )
    // Files added to a case in a later message are not linked by case_id: they live as long as the case.
    .where(notInACaseMessage)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Identities without a live case whose last contact is before `cutoff`. Locked, like cases. */
export async function expiredIdentities(db: Db, cutoff: Date, limit: number): Promise<Array<Pick<CustomerRow, 'id' | 'channel' | 'external_id'>>> {
  return db
    .selectFrom('customers')
    .select(['id', 'channel', 'external_id'])
    .where('anonymised_at', 'is', null)
    .where('updated_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('cases').select(sql`1`.as('one')).whereRef('cases.customer_id', '=', 'customers.id').where('cases.anonymised_at', 'is', null))),
    )
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function deleteOldTranscript(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('webchat_messages').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sent and failed outbound messages; pending ones are still to be delivered. */
export async function deleteDeliveredOutbox(db: Db, cutoff: Date): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('status', 'in', ['sent', 'failed'])
    .where(sql`coalesce(sent_at, created_at)`, '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteOldDeliveryIds(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('inbound_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
