import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { OutboxRow } from '../db/schema.ts';

/**
 * A customer's conversation: outbox rows with the same key are delivered in
 * order, and inbound messages with it are handled one at a time.
 */
export const conversationKey = (channel: string, externalId: string): string => `${channel}:${externalId}`;

export interface NewOutboxMessage {
  customerId: number | null;
  caseId: number | null;
  channel: string;
  conversationKey: string;
  address: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Ask for the final outcome to be reported to the DeliveryListener named `to`. */
  report?: { to: string } & Record<string, unknown>;
}

export async function enqueueOutbound(db: Db, messages: NewOutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db
    .insertInto('outbox')
    .values(
      messages.map((m) => ({
        customer_id: m.customerId,
        case_id: m.caseId,
        channel: m.channel,
        conversation_key: m.conversationKey,
        address: JSON.stringify(m.address),
        payload: JSON.stringify(m.payload),
        report: m.report ? JSON.stringify(m.report) : null,
      })),
    )
    .execute();
}

export interface TurnToSave {
  customer: { id: number; state: object; locale: string };
  messages: NewOutboxMessage[];
}

/**
 * The hot path's last statement, for a batch of turns: saves each
 * conversation state and queues the turns' replies in one round trip. The
 * replies are leased to this process at once (`leaseSeconds`), so it can
 * deliver them right after commit without a claim; if it dies first, they
 * fall due when the lease ends. A turn is `blocked` when an earlier message
 * of its conversation is still pending: its replies must then wait their
 * turn (release them) instead of overtaking it. Results are in `turns` order;
 * each turn's messages are for one conversation and no two turns share one.
 */
export async function saveStatesAndEnqueue(
  db: Db,
  turns: readonly TurnToSave[],
  leaseSeconds: number,
): Promise<Array<{ rows: OutboxRow[]; blocked: boolean }>> {
  const messages = turns.flatMap((t) => t.messages);
  // Each batch travels as one JSON document: pg would escape every element of a text[] of JSON texts, character by character.
  const states = sql`UPDATE customers SET state = s.state, locale = s.locale
    FROM jsonb_to_recordset(${JSON.stringify(turns.map((t) => ({ id: t.customer.id, state: t.customer.state, locale: t.customer.locale })))}::jsonb) AS s(id bigint, state jsonb, locale text)
    WHERE customers.id = s.id`;
  if (messages.length === 0) {
    await states.execute(db);
    return turns.map(() => ({ rows: [], blocked: false }));
  }
  const column = <T>(pick: (m: NewOutboxMessage) => T) => messages.map(pick);
  const { rows } = await sql<OutboxRow & { blocked: boolean }>`
    WITH saved AS (${states}),
         earlier AS (SELECT DISTINCT conversation_key FROM outbox WHERE status = 'pending' AND conversation_key = ANY(${[...new Set(column((m) => m.conversationKey))]}::text[]))
    INSERT INTO outbox (customer_id, case_id, channel, conversation_key, address, payload, report, attempts, next_attempt_at)
    SELECT (m->>'customerId')::bigint, (m->>'caseId')::bigint, m->>'channel', m->>'conversationKey', m->'address', m->'payload', m->'report', 1, now() + make_interval(secs => ${leaseSeconds})
    FROM jsonb_array_elements(${JSON.stringify(messages)}::jsonb) WITH ORDINALITY AS e(m, ord)
    ORDER BY e.ord
    RETURNING outbox.*, outbox.conversation_key IN (SELECT conversation_key FROM earlier) AS blocked`.execute(db);
  const byKey = new Map<string, { rows: OutboxRow[]; blocked: boolean }>();
  for (const { blocked, ...row } of rows.sort((a, b) => a.id - b.id)) {
    const entry = byKey.get(row.conversation_key) ?? { rows: [], blocked };
    entry.rows.push(row as OutboxRow);
    byKey.set(row.conversation_key, entry);
  }
  return turns.map((t) => {
    const key = t.messages[0]?.conversationKey;
    return key === undefined ? { rows: [], blocked: false } : byKey.get(key)!;
  });
}

/**
 * Claims due messages for delivery, grouped by conversation in order. A
 * conversation is taken only through its oldest pending row (locked with
 * SKIP LOCKED), so two workers never deliver one conversation at once and a
 * message never overtakes an earlier one. Claimed rows are leased: if this
 * process dies, they become due again when the lease ends.
 */
export async function claimDue(db: Db, options: { limit: number; leaseSeconds: number; perConversation: number }): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    const heads = await sql<{ conversation_key: string }>`
      SELECT o.conversation_key FROM outbox o
      WHERE o.status = 'pending' AND o.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.conversation_key = o.conversation_key AND p.status = 'pending' AND p.id < o.id)
      ORDER BY o.id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED`.execute(trx);
    if (heads.rows.length === 0) return [];
    const keys = heads.rows.map((r) => r.conversation_key);
    const { rows } = await sql<OutboxRow>`
      WITH ranked AS (
        SELECT id, row_number() OVER (PARTITION BY conversation_key ORDER BY id) AS rank
        FROM outbox WHERE status = 'pending' AND conversation_key = ANY(${keys}))
      UPDATE outbox SET next_attempt_at = now() + make_interval(secs => ${options.leaseSeconds}), attempts = attempts + 1
      FROM ranked WHERE outbox.id = ranked.id AND ranked.rank <= ${options.perConversation}
      RETURNING outbox.*`.execute(trx);
    return rows.sort((a, b) => a.id - b.id);
  });
}

export async function markSent(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  // One array parameter: an `IN ($1, …, $n)` list is built and compiled per id (a hot statement: every reply).
  await db.updateTable('outbox').set({ status: 'sent', sent_at: sql`now()`, last_error: null }).where(sql<boolean>`id = ANY(${ids}::bigint[])`).execute();
}

export async function markRetry(db: Db, id: number, delayMs: number, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ next_attempt_at: sql`now() + make_interval(secs => ${delayMs / 1000})`, last_error: error.slice(0, 500) })
    .where('id', '=', id)
    .execute();
}

/** Rows claimed with a failed one ahead of them go back to waiting, due now (they stay behind it). */
export async function release(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox').set({ next_attempt_at: sql`now()`, attempts: sql`greatest(attempts - 1, 0)` }).where('id', 'in', ids).execute();
}

/** Rows held back by a rate limit: due again after `delayMs`; the claim does not count as an attempt. */
export async function postpone(db: Db, ids: number[], delayMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ next_attempt_at: sql`now() + make_interval(secs => ${delayMs / 1000})`, attempts: sql`greatest(attempts - 1, 0)` })
    .where('id', 'in', ids)
    .execute();
}

export async function markFailed(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'failed', last_error: error.slice(0, 500) }).where('id', '=', id).execute();
}

export async function outboxBacklog(db: Db): Promise<{ pending: number; oldestSeconds: number }> {
  const row = await db
    .selectFrom('outbox')
    .select([
      (eb) => eb.fn.countAll<number>().as('pending'),
      sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as('oldest'),
    ])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldestSeconds: Number(row.oldest) };
}
