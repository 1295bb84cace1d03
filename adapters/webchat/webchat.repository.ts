import { sql } from 'kysely';
import type { InboundAttachment } from '../../src/channels/contract.ts';
import type { Db } from '../../src/db/database.ts';
import { notInACaseMessage } from '../../src/privacy/privacy.repository.ts';

export interface TranscriptEntry {
  id: number;
  direction: 'in' | 'out';
  payload: Record<string, unknown>;
  at: string;
}

/** The NOTIFY channel that tells every instance a visitor's transcript grew. */
export const TRANSCRIPT_CHANNEL = 'hearken_webchat';

/**
 * Appends a transcript line. With `notify`, instances LISTENing on
 * TRANSCRIPT_CHANNEL hear the visitor id when the line commits (PostgreSQL
 * queues a NOTIFY until then), in the same round trip.
 */
export async function appendTranscript(db: Db, visitorId: string, direction: 'in' | 'out', payload: Record<string, unknown>, notify = false): Promise<number> {
  // The visitor's own lines wake nobody: the page that sent them already shows them.
  if (notify) {
    const { rows } = await sql<{ id: string | number }>`
      WITH line AS (
        INSERT INTO webchat_messages (visitor_id, direction, payload) VALUES (${visitorId}, ${direction}, ${JSON.stringify(payload)}::jsonb) RETURNING id)
      SELECT id, pg_notify(${TRANSCRIPT_CHANNEL}, ${visitorId}) FROM line`.execute(db);
    return Number(rows[0]!.id);
  }
  const row = await db
    .insertInto('webchat_messages')
    .values({ visitor_id: visitorId, direction, payload: JSON.stringify(payload) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function readTranscript(db: Db, visitorId: string, afterId: number, limit = 100): Promise<TranscriptEntry[]> {
  const rows = await db
    .selectFrom('webchat_messages')
    .select(['id', 'direction', 'payload', 'created_at'])
    .where('visitor_id', '=', visitorId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), direction: r.direction, payload: r.payload, at: new Date(r.created_at).toISOString() }));
}

/**
 * A visitor is a web chat customer row, created when the server issues the
 * token: a token whose visitor id has no row was never issued (or its
 * identity was erased or anonymised since).
 */
export async function insertVisitor(db: Db, visitorId: string, locale: string): Promise<number> {
  const row = await db
    .insertInto('customers')
    .values({ channel: 'webchat', external_id: visitorId, address: JSON.stringify({ visitorId }), locale, state: JSON.stringify({}), updated_at: sql`now()` })
    // A fresh random token never collides; should it, the row is the same visitor's.
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doUpdateSet({ updated_at: sql`now()` }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The customer id of an issued visitor id, or undefined. */
export async function findVisitor(db: Db, visitorId: string): Promise<number | undefined> {
  const row = await db.selectFrom('customers').select('id').where('channel', '=', 'webchat').where('external_id', '=', visitorId).executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

export async function insertUpload(
  db: Db,
  upload: { id: string; customerId: number; fileName: string; mimeType: string; content: Buffer },
): Promise<void> {
  await db
    .insertInto('attachments')
    .values({
      id: upload.id,
      customer_id: upload.customerId,
      case_id: null,
      channel: 'webchat',
      file_name: upload.fileName,
      mime_type: upload.mimeType,
      size_bytes: upload.content.length,
      content: upload.content,
    })
    .execute();
}

/** The visitor's files uploaded since `since` that no case holds (neither as evidence nor in a case message). */
export async function countUnattachedUploads(db: Db, customerId: number, since: Date): Promise<number> {
  const row = await db
    .selectFrom('attachments')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('customer_id', '=', customerId)
    .where('case_id', 'is', null)
    .where('created_at', '>=', since)
    .where(notInACaseMessage)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The visitor's own files among `ids` (others' ids are ignored). */
export async function findOwnAttachments(db: Db, visitorId: string, ids: string[]): Promise<InboundAttachment[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .innerJoin('customers', 'customers.id', 'attachments.customer_id')
    .select(['attachments.id', 'attachments.file_name', 'attachments.mime_type', 'attachments.size_bytes'])
    .where('customers.channel', '=', 'webchat')
    .where('customers.external_id', '=', visitorId)
    .where('attachments.id', 'in', ids)
    .execute();
  return rows.map((r) => ({ id: r.id, fileName: r.file_name, mimeType: r.mime_type, sizeBytes: r.size_bytes }));
}

/** The language the bot speaks with this visitor (their conversation state), if they have written yet. */
export async function findVisitorLanguage(db: Db, visitorId: string): Promise<{ locale?: string; traditional?: boolean } | undefined> {
  const row = await db.selectFrom('customers').select('state').where('channel', '=', 'webchat').where('external_id', '=', visitorId).executeTakeFirst();
  if (!row) return undefined;
  const state = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as { locale?: unknown; traditional?: unknown } | null;
  return { locale: typeof state?.locale === 'string' ? state.locale : undefined, traditional: state?.traditional === true };
}
