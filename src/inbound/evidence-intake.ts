import { insertAttachments } from '../cases/attachment.repository.ts';
import type { InboundAttachment, InboundMessage } from '../channels/contract.ts';
import { acceptEvidence, type EvidenceFile, type EvidenceLimits } from '../channels/evidence.ts';
import type { FetchResult } from '../channels/file-fetch.ts';
import type { Db } from '../db/database.ts';
import { isDeliveryClaimed } from '../cases/customer.repository.ts';

/**
 * The one way a customer's file becomes evidence, whichever channel brought
 * it: the channel gets the bytes (its own file API, its own allowed hosts),
 * acceptEvidence decides from the bytes, insertAttachments stores the
 * accepted files with the message, in its transaction.
 */

/** The bytes of one file, or why the customer is told it was not received. */
export type Downloaded = { ok: true; content: Buffer } | { ok: false; reason: 'too_large' | 'not_received' };

/** What the customer is told about a file the allow-listed fetch refused (src/channels/file-fetch.ts). */
export function downloadRefusal(fetched: Exclude<FetchResult, { ok: true }>): Downloaded {
  return { ok: false, reason: fetched.reason === 'too_large' ? 'too_large' : 'not_received' };
}

/**
 * Downloads and accepts the files of `message`, unless its delivery was
 * handled before (a redelivery downloads nothing). Refused files join
 * `message.rejectedAttachments` (the customer is told), accepted ones become
 * `message.attachments`. `download` may throw to have the whole delivery
 * tried again (Telegram, when its file host fails). Returns the accepted
 * files for storeEvidence.
 */
export async function receiveEvidence<File extends { fileName: string }>(
  db: Db,
  message: InboundMessage,
  files: readonly File[],
  limits: EvidenceLimits,
  download: (file: File) => Promise<Downloaded>,
): Promise<EvidenceFile[]> {
  const evidence: EvidenceFile[] = [];
  if (files.length === 0 || (await isDeliveryClaimed(db, message.channel, message.deliveryId))) return evidence;
  const rejected = [...(message.rejectedAttachments ?? [])];
  for (const file of files) {
    const downloaded = await download(file);
    const accepted = downloaded.ok ? await acceptEvidence(file, downloaded.content, limits) : downloaded;
    if (accepted.ok) evidence.push(accepted.file);
    else rejected.push({ fileName: file.fileName, reason: accepted.reason });
  }
  if (rejected.length > 0) message.rejectedAttachments = rejected;
  if (evidence.length > 0) message.attachments = evidence.map((e) => e.attachment);
  return evidence;
}

/** The conversation service's in-transaction step that stores the accepted files under the customer. */
export function storeEvidence(channel: string, evidence: readonly EvidenceFile[]): (trx: Db, customerId: number) => Promise<void> {
  return (trx, customerId) => insertAttachments(trx, customerId, channel, evidence);
}

/**
 * A file uploaded on its own before the message that sends it (the web
 * chat): accepted from its bytes and stored at once under the customer,
 * linked to nothing until a message names it (findOwnAttachments).
 */
export async function storeUpload(
  db: Db,
  upload: { customerId: number; channel: string; fileName: string; content: Buffer },
  limits: EvidenceLimits,
): Promise<{ ok: true; attachment: InboundAttachment } | { ok: false; reason: 'unsupported_type' | 'too_large' }> {
  const accepted = await acceptEvidence({ fileName: upload.fileName }, upload.content, limits);
  if (!accepted.ok) return accepted;
  await insertAttachments(db, upload.customerId, upload.channel, [accepted.file]);
  return { ok: true, attachment: accepted.file.attachment };
}
