import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';

/** Reads for a data export: everything held about one customer identity. `db` may be a transaction. */

export async function casesOfCustomer(db: Db, customerId: number): Promise<CaseRow[]> {
  return db.selectFrom('cases').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
}

export async function eventsOfCases(db: Db, caseIds: number[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('case_events')
    .select(['case_id', 'at', 'actor', 'action', 'from_value', 'to_value', 'details'])
    .where('case_id', 'in', caseIds)
    .orderBy('id')
    .execute();
}

export async function messagesOfCases(db: Db, caseIds: number[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('case_messages')
    .select(['case_id', 'direction', 'author', 'body', 'attachments', 'created_at'])
    .where('case_id', 'in', caseIds)
    .orderBy('id')
    .execute();
}

/** Satisfaction surveys of the customer's cases, with their answers (campaign answers have no link to anyone: not here). */
export async function surveysOfCases(db: Db, caseIds: number[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('surveys')
    .select(['case_id', 'channel', 'status', 'owner', 'scheduled_for', 'sent_at', 'reminded_at', 'answered_at', 'expires_at', 'resolved', 'csat', 'nps', 'comment'])
    .where('case_id', 'in', caseIds)
    .orderBy('id')
    .execute();
}

/** File metadata (not the bytes) of the customer's uploads and their cases' evidence. */
export async function attachmentsOf(db: Db, customerId: number, caseIds: number[]) {
  return db
    .selectFrom('attachments')
    .select(['id', 'case_id', 'channel', 'file_name', 'mime_type', 'size_bytes', 'created_at'])
    .where((eb) => eb.or([eb('customer_id', '=', customerId), ...(caseIds.length > 0 ? [eb('case_id', 'in', caseIds)] : [])]))
    .orderBy('created_at')
    .execute();
}

/** Messages sent (or to be sent) to the customer on their channel. */
export async function outboundMessagesOf(db: Db, customerId: number) {
  return db
    .selectFrom('outbox')
    .select(['case_id', 'channel', 'status', 'payload', 'created_at', 'sent_at'])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
}

export async function privacyRequestsOf(db: Db, customerId: number) {
  return db.selectFrom('privacy_requests').select(['kind', 'actor', 'at']).where('customer_id', '=', customerId).orderBy('id').execute();
}
