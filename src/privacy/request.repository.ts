import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import { FINAL_STATUSES } from '../cases/case-status.ts';

/**
 * Data subject requests: finding whose data, their open data request case,
 * the audit rows (`privacy_requests`) and single-use export links. `db` may
 * be a transaction; the use case owns it.
 */

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
