import { sql, type ExpressionBuilder } from 'kysely';
import { notInACaseMessage } from '../cases/attachment.repository.ts';
import { FINAL_STATUSES } from '../cases/case-status.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow, Database } from '../db/schema.ts';

/**
 * What the retention run finds past its periods and the clean-ups that need
 * no anonymisation (drafts, orphan files, delivered outbox rows, delivery
 * ids). `db` may be a transaction.
 */

/**
 * Cases past retention, not yet anonymised: finished cases by the time they
 * were closed (or resolved), others by their last change when `openCutoff`
 * is set. Up to `limit` ids after `afterId`, in id order, read without locks
 * (the search may scan much of the table; no batch holds locks during it).
 */
export async function expiredCaseIds(db: Db, cutoffs: { closed: Date; open: Date | null }, afterId: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('cases').select('id').where(isExpiredCase(cutoffs)).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * Of `ids`, the cases still past retention, locked for the batch's
 * transaction: a case being changed right now is taken on the next run.
 */
export async function lockExpiredCases(db: Db, ids: readonly number[], cutoffs: { closed: Date; open: Date | null }): Promise<Array<{ id: number; number: string }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('cases').select(['id', 'number']).where('id', 'in', [...ids]).where(isExpiredCase(cutoffs)).orderBy('id').forUpdate().skipLocked().execute();
}

function isExpiredCase(cutoffs: { closed: Date; open: Date | null }) {
  return (eb: ExpressionBuilder<Database, 'cases'>) => {
    const finished = eb.and([eb('status', 'in', [...FINAL_STATUSES]), eb(sql`coalesce(closed_at, resolved_at, updated_at)`, '<', cutoffs.closed)]);
    const expired = cutoffs.open
      ? eb.or([finished, eb.and([eb('status', 'not in', [...FINAL_STATUSES]), eb(sql`greatest(created_at, updated_at)`, '<', cutoffs.open)])])
      : finished;
    return eb.and([eb('anonymised_at', 'is', null), expired]);
  };
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

/** Identities without a live case whose last contact is before `cutoff`: up to `limit` ids after `afterId`, read without locks (like cases). */
export async function expiredIdentityIds(db: Db, cutoff: Date, afterId: number, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('customers').select('id').where(isExpiredIdentity(cutoff)).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** Of `ids`, the identities still expired, locked for the batch's transaction. */
export async function lockExpiredIdentities(db: Db, ids: readonly number[], cutoff: Date): Promise<Array<Pick<CustomerRow, 'id' | 'channel' | 'external_id'>>> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('customers')
    .select(['id', 'channel', 'external_id'])
    .where('id', 'in', [...ids])
    .where(isExpiredIdentity(cutoff))
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
}

function isExpiredIdentity(cutoff: Date) {
  return (eb: ExpressionBuilder<Database, 'customers'>) =>
    eb.and([
      eb('anonymised_at', 'is', null),
      eb('updated_at', '<', cutoff),
      eb.not(eb.exists(eb.selectFrom('cases').select(sql`1`.as('one')).whereRef('cases.customer_id', '=', 'customers.id').where('cases.anonymised_at', 'is', null))),
    ]);
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
