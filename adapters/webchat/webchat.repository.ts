import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/** The web chat's transcript (`webchat_messages`): the visitor's lines and hearken's, by visitor id. `db` may be a transaction. */

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

/** All of a visitor's lines, oldest first (the customer's data export). */
export async function transcriptOf(db: Db, visitorId: string) {
  return db.selectFrom('webchat_messages').select(['direction', 'payload', 'created_at']).where('visitor_id', '=', visitorId).orderBy('id').execute();
}

/** Deletes all of a visitor's lines (erasure, or retention of an expired identity); returns how many. */
export async function deleteTranscriptOf(db: Db, visitorId: string): Promise<number> {
  const result = await db.deleteFrom('webchat_messages').where('visitor_id', '=', visitorId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every line written before `cutoff` (retention); returns how many. */
export async function deleteTranscriptBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('webchat_messages').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The language the bot speaks with this visitor (their conversation state), if they have written yet. */
export async function findVisitorLanguage(db: Db, visitorId: string): Promise<{ locale?: string; traditional?: boolean } | undefined> {
  const row = await db.selectFrom('customers').select('state').where('channel', '=', 'webchat').where('external_id', '=', visitorId).executeTakeFirst();
  if (!row) return undefined;
  const state = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as { locale?: unknown; traditional?: unknown } | null;
  return { locale: typeof state?.locale === 'string' ? state.locale : undefined, traditional: state?.traditional === true };
}
