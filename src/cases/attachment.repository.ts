import { type ExpressionBuilder, sql } from 'kysely';
import type { InboundAttachment } from '../channels/contract.ts';
import type { EvidenceFile } from '../channels/evidence.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/**
 * Queries on the files customers send (the `attachments` table): stored on
 * arrival, linked to a case when it opens with them as evidence. `db` may be
 * a transaction. Deleting them for privacy is privacy's (src/privacy).
 */

/** An attachment that no case message carries (files added to a case later are linked only from the message). */
export function notInACaseMessage({ not, exists, selectFrom }: ExpressionBuilder<Database, 'attachments'>) {
  return not(
    exists(
      selectFrom('case_messages')
        .select(sql`1`.as('one'))
        .where(sql<boolean>`case_messages.attachments @> jsonb_build_array(jsonb_build_object('id', attachments.id))`),
    ),
  );
}

/** Stores files a customer sent, accepted by acceptEvidence (src/channels/evidence.ts). */
export async function insertAttachments(db: Db, customerId: number, channel: string, files: readonly EvidenceFile[]): Promise<void> {
  if (files.length === 0) return;
  await db
    .insertInto('attachments')
    .values(
      files.map((f) => ({
        id: f.attachment.id,
        customer_id: customerId,
        case_id: null,
        channel,
        file_name: f.attachment.fileName,
        mime_type: f.attachment.mimeType,
        size_bytes: f.content.length,
        content: f.content,
      })),
    )
    .execute();
}

/** The customer's own files among `ids` (others' ids are ignored). */
export async function findOwnAttachments(db: Db, customerId: number, ids: readonly string[]): Promise<InboundAttachment[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'file_name', 'mime_type', 'size_bytes'])
    .where('customer_id', '=', customerId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => ({ id: r.id, fileName: r.file_name, mimeType: r.mime_type, sizeBytes: r.size_bytes }));
}

/** The customer's files uploaded since `since` that no case holds (neither as evidence nor in a case message). */
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
