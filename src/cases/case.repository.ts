import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CaseRow, CustomerRow, NewCaseRow } from '../db/schema.ts';

/** Queries on cases, their audit events and messages. `db` may be a transaction. */

/**
 * Inserts a case with the next number of the year (C-YYYY-NNNNNN, from
 * case_number_seq) and its `created` audit event, in one statement.
 */
export async function createCase(
  db: Db,
  row: Omit<NewCaseRow, 'number'> & { created_at: Date },
  created: { actor: string; details: Record<string, unknown> },
): Promise<CaseRow> {
  const year = String(row.created_at.getUTCFullYear());
  const number = sql<string>`(SELECT 'C-' || ${year} || '-' || lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval('case_number_seq') AS n)`;
  return db
    .with('c', (qb) => qb.insertInto('cases').values({ ...row, number }).returningAll())
    .with('e', (qb) =>
      qb
        .insertInto('case_events')
        .columns(['case_id', 'at', 'actor', 'action', 'to_value', 'details'])
        .expression((eb) =>
          eb
            .selectFrom('c')
            .select(['c.id', sql`${row.created_at}::timestamptz`.as('at'), sql`${created.actor}::text`.as('actor'), sql`'created'::text`.as('action'), 'c.status', sql`${JSON.stringify(created.details)}::jsonb`.as('details')]),
        ),
    )
    .selectFrom('c')
    .selectAll()
    .executeTakeFirstOrThrow() as Promise<CaseRow>;
}

export async function findCaseById(db: Db, id: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The case, locked until the transaction ends: every change to a case goes through this. */
export async function lockCase(db: Db, caseId: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
}

/** Who a case's messages go to: the customer's channel and reply address; erased identities have `anonymised_at`. */
export type CaseCustomer = Pick<CustomerRow, 'id' | 'channel' | 'external_id' | 'address' | 'anonymised_at'>;

/**
 * The case's customer. With `lock`, their row is locked (not the case's):
 * taken before the case, as an inbound message takes them, so the two never
 * wait on each other in opposite order.
 */
export async function findCaseCustomer(db: Db, caseId: number, options: { lock?: boolean } = {}): Promise<CaseCustomer | undefined> {
  const query = db
    .selectFrom('cases')
    .innerJoin('customers', 'customers.id', 'cases.customer_id')
    .select(['customers.id', 'customers.channel', 'customers.external_id', 'customers.address', 'customers.anonymised_at'])
    .where('cases.id', '=', caseId);
  return (options.lock ? query.forUpdate('customers') : query).executeTakeFirst();
}

export async function findCaseByNumber(db: Db, number: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Cases by the same customer identity or the same contact details since `since`. */
export async function countRecentCases(db: Db, match: { customerId: number; phone?: string; email?: string; since: Date }): Promise<number> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('created_at', '>=', match.since)
    .where((eb) => {
      const ors = [eb('customer_id', '=', match.customerId)];
      if (match.phone) ors.push(eb('contact_phone', '=', match.phone));
      if (match.email) ors.push(eb('contact_email', '=', match.email));
      return eb.or(ors);
    })
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function attachEvidenceToCase(db: Db, caseId: number, attachmentIds: string[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  await db.updateTable('attachments').set({ case_id: caseId }).where('id', 'in', attachmentIds).execute();
}

export interface CaseEvent {
  caseId: number;
  at: Date;
  actor: string;
  action: string;
  from?: string | null;
  to?: string | null;
  /** Ids, codes and counts only: the audit log outlives personal data. */
  details?: Record<string, unknown>;
}

export async function appendCaseEvent(db: Db, event: CaseEvent): Promise<void> {
  await appendCaseEvents(db, [event]);
}

/** Several events in one statement (a batch of cases changed together). */
export async function appendCaseEvents(db: Db, events: readonly CaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('case_events')
    .values(
      events.map((event) => ({
        case_id: event.caseId,
        at: event.at,
        actor: event.actor,
        action: event.action,
        from_value: event.from ?? null,
        to_value: event.to ?? null,
        details: JSON.stringify(event.details ?? {}),
      })),
    )
    .execute();
}

export async function appendCaseMessage(
  db: Db,
  message: { caseId: number; direction: 'customer' | 'staff' | 'bot'; author?: string; body: string; attachments?: Array<Record<string, unknown>> },
): Promise<void> {
  await db
    .insertInto('case_messages')
    .values({
      case_id: message.caseId,
      direction: message.direction,
      author: message.author ?? null,
      body: message.body,
      attachments: JSON.stringify(message.attachments ?? []),
    })
    .execute();
}
