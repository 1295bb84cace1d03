import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { CaseRow } from '../../src/db/schema.ts';

/** The Slack adapter's queries: the card of a case, and the outbox rows it queues. */

export const SLACK_OUTBOX_CHANNEL = 'slack';
export const caseConversationKey = (caseId: number): string => `slack:case:${caseId}`;

export async function findCaseByCard(db: Db, channel: string, ts: string): Promise<Pick<CaseRow, 'id' | 'number' | 'team'> | undefined> {
  return db.selectFrom('cases').select(['id', 'number', 'team']).where('slack_channel', '=', channel).where('slack_ts', '=', ts).executeTakeFirst();
}

/** Whether the case's card was posted (there is something in Slack to redact). */
export async function hasCard(db: Db, caseId: number): Promise<boolean> {
  const row = await db.selectFrom('cases').select('id').where('id', '=', caseId).where('slack_ts', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

export async function saveCardMessage(db: Db, caseId: number, channel: string, ts: string): Promise<void> {
  await db.updateTable('cases').set({ slack_channel: channel, slack_ts: ts }).where('id', '=', caseId).execute();
}

/**
 * Whether a card refresh for the case is queued and not yet picked up (it
 * will render the case as it is when sent, so another one is not needed).
 * The row is locked: a worker claiming it at this moment is waited for, and
 * then no longer counts.
 */
export async function hasQueuedCardRefresh(db: Db, caseId: number): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('conversation_key', '=', caseConversationKey(caseId))
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where(sql<boolean>`payload->>'kind' = 'card'`)
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a bot post in a case thread that carries the customer's words,
 * with the text that replaces it when the case is anonymised. Returns
 * whether the case was already anonymised (a post delivered while the
 * anonymisation ran): then its redaction is marked queued here, for the
 * caller to queue.
 */
export async function saveThreadPost(trx: Db, post: { caseId: number; channel: string; ts: string; redactedText: string }, now: Date): Promise<boolean> {
  const anonymised = await trx.selectFrom('cases').select('id').where('id', '=', post.caseId).where('anonymised_at', 'is not', null).forUpdate().executeTakeFirst();
  const saved = await trx
    .insertInto('slack_thread_posts')
    .values({ channel: post.channel, ts: post.ts, case_id: post.caseId, redacted_text: post.redactedText, redaction_queued_at: anonymised ? now : null })
    .onConflict((oc) => oc.columns(['channel', 'ts']).doNothing())
    .returning('ts')
    .executeTakeFirst();
  return anonymised !== undefined && saved !== undefined;
}

/**
 * The case's recorded thread posts whose redaction is not queued yet, marked
 * queued now: a second call (a retried job) finds none, so each post is
 * edited once.
 */
export async function takeThreadPostsToRedact(db: Db, caseId: number, now: Date): Promise<Array<{ channel: string; ts: string; text: string }>> {
  const rows = await db
    .updateTable('slack_thread_posts')
    .set({ redaction_queued_at: now })
    .where('case_id', '=', caseId)
    .where('redaction_queued_at', 'is', null)
    .returning(['channel', 'ts', 'redacted_text'])
    .execute();
  return rows.sort((a, b) => a.ts.localeCompare(b.ts)).map((r) => ({ channel: r.channel, ts: r.ts, text: r.redacted_text }));
}

export async function readAttachment(db: Db, id: string): Promise<{ fileName: string; mimeType: string; content: Uint8Array | null } | undefined> {
  const row = await db.selectFrom('attachments').select(['file_name', 'mime_type', 'content']).where('id', '=', id).executeTakeFirst();
  return row ? { fileName: row.file_name, mimeType: row.mime_type, content: row.content } : undefined;
}

export const digestConversationKey = (channel: string): string => `slack:digest:${channel}`;

/** Whether the digest of `period` was already queued for `channel` (a retried or repeated job posts it once). */
export async function digestQueued(db: Db, channel: string, period: string): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('conversation_key', '=', digestConversationKey(channel))
    .where(sql<boolean>`payload->>'kind' = 'digest' and payload->>'period' = ${period}`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
