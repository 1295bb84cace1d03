import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CaseRow, CasesTable } from '../db/schema.ts';

/** Queries of the staff desk's use cases. `db` may be a transaction. */

export const OPEN_STATUSES = ['new', 'assigned', 'in_progress', 'awaiting_customer', 'reopened'] as const;

export async function updateCase(db: Db, caseId: number, patch: Updateable<CasesTable>): Promise<CaseRow> {
  return db.updateTable('cases').set(patch).where('id', '=', caseId).returningAll().executeTakeFirstOrThrow();
}

export async function appendStaffMessage(db: Db, message: { caseId: number; author: string; body: string; internal: boolean }): Promise<void> {
  await db
    .insertInto('case_messages')
    .values({ case_id: message.caseId, direction: 'staff', author: message.author, body: message.body, internal: message.internal, attachments: JSON.stringify([]) })
    .execute();
}

/** Sets first_responded_at once; true when this call set it. */
export async function markFirstResponse(db: Db, caseId: number, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('cases')
    .set({ first_responded_at: at, updated_at: at })
    .where('id', '=', caseId)
    .where('first_responded_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A customer's message on a case that waited for them: back to in_progress. Returns the customer id when it changed. */
export async function markCustomerAnswered(db: Db, caseId: number, at: Date): Promise<number | undefined> {
  const row = await db
    .updateTable('cases')
    .set({ status: 'in_progress', updated_at: at })
    .where('id', '=', caseId)
    .where('status', '=', 'awaiting_customer')
    .returning('customer_id')
    .executeTakeFirst();
  return row?.customer_id;
}

/** Serialises auto-assignment within a team until the transaction ends. */
export async function lockTeam(db: Db, team: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`hearken:team:${team}`}))`.execute(db);
}

/** The owner of the team's most recent owned case among `members`. */
export async function lastTeamOwner(db: Db, team: string, members: readonly string[], exceptCaseId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('cases')
    .select('owner')
    .where('team', '=', team)
    .where('owner', 'in', [...members])
    .where('id', '<>', exceptCaseId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.owner ?? undefined;
}

/** Open cases per owner, for `members`. */
export async function openCasesByOwner(db: Db, members: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['owner', (eb) => eb.fn.countAll<number>().as('n')])
    .where('owner', 'in', [...members])
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy('owner')
    .execute();
  return new Map(rows.map((r) => [r.owner!, Number(r.n)]));
}

export interface CaseListFilter {
  owner?: string;
  /** Open cases past (or within `soonMs` of) a deadline at `now`. */
  breachingAt?: { now: Date; soonMs: number };
  limit: number;
}

export async function listOpenCases(db: Db, filter: CaseListFilter): Promise<CaseRow[]> {
  let query = db.selectFrom('cases').selectAll().where('status', 'in', [...OPEN_STATUSES]);
  if (filter.owner) query = query.where('owner', '=', filter.owner);
  if (filter.breachingAt) {
    const limit = new Date(filter.breachingAt.now.getTime() + filter.breachingAt.soonMs);
    query = query.where((eb) =>
      eb.or([eb.and([eb('first_responded_at', 'is', null), eb('first_response_due_at', '<=', limit)]), eb('resolution_due_at', '<=', limit)]),
    );
    query = query.orderBy('resolution_due_at');
  } else {
    query = query.orderBy('id');
  }
  return query.limit(filter.limit).execute();
}

export async function caseOwner(db: Db, caseId: number): Promise<string | null> {
  const row = await db.selectFrom('cases').select('owner').where('id', '=', caseId).executeTakeFirst();
  return row?.owner ?? null;
}

export async function caseTeam(db: Db, caseId: number): Promise<string | null> {
  const row = await db.selectFrom('cases').select('team').where('id', '=', caseId).executeTakeFirst();
  return row?.team ?? null;
}
