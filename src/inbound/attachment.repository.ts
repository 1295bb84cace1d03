import type { EvidenceFile } from '../channels/evidence.ts';
import type { Db } from '../db/database.ts';

/** Stores files a customer sent; linked to a case when the case opens with them as evidence. */
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
