import type { Db } from '../../src/db/database.ts';

export interface TranscriptEntry {
  id: number;
  direction: 'in' | 'out';
  payload: Record<string, unknown>;
  at: string;
}

export async function appendTranscript(db: Db, visitorId: string, direction: 'in' | 'out', payload: Record<string, unknown>): Promise<number> {
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
  return rows.map((r) => ({ id: r.id, direction: r.direction, payload: r.payload, at: new Date(r.created_at).toISOString() }));
}
