import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { InboundAttachment, InboundMessage } from './contract.ts';

export type RefusalReason = NonNullable<InboundMessage['rejectedAttachments']>[number]['reason'];

export interface EvidenceLimits {
  maxBytes: number;
  allowedTypes: readonly string[];
}

/** A file a customer sent, downloaded and accepted, not yet stored. */
export interface EvidenceFile {
  attachment: InboundAttachment;
  content: Buffer;
}

/**
 * Declared type and size against the policy, before anything is downloaded:
 * a cheap first filter only. What is accepted is decided by acceptEvidence,
 * from the bytes.
 */
export function checkEvidence(file: { mimeType: string; sizeBytes?: number }, limits: EvidenceLimits): RefusalReason | undefined {
  if (!limits.allowedTypes.includes(file.mimeType.toLowerCase())) return 'unsupported_type';
  if (file.sizeBytes !== undefined && file.sizeBytes > limits.maxBytes) return 'too_large';
  return undefined;
}

/**
 * The one gate every channel passes a received file through. The declared
 * type and name come from the customer and are not trusted: the type is
 * detected from the bytes (HTML or SVG sent as image/png, an executable sent
 * as application/pdf are refused), the stored type and extension are the
 * detected ones, and the name loses what could disguise it in Slack.
 */
export async function acceptEvidence(
  declared: { fileName: string },
  content: Buffer,
  limits: EvidenceLimits,
): Promise<{ ok: true; file: EvidenceFile } | { ok: false; reason: 'unsupported_type' | 'too_large' }> {
  if (content.length > limits.maxBytes) return { ok: false, reason: 'too_large' };
  const detected = content.length > 0 ? await fileTypeFromBuffer(content) : undefined;
  if (!detected || !limits.allowedTypes.includes(detected.mime)) return { ok: false, reason: 'unsupported_type' };
  const fileName = withExtension(cleanFileName(declared.fileName), detected.ext);
  return { ok: true, file: { attachment: { id: randomUUID(), fileName, mimeType: detected.mime, sizeBytes: content.length }, content } };
}

/**
 * Bidi overrides and isolates (U+202E makes `invoice\u202Efdp.exe` show as
 * `invoiceexe.pdf`), zero-width characters and controls (C0, DEL, C1) are
 * removed; path separators become `_`.
 */
const DISGUISING = /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

export function cleanFileName(name: string): string {
  const cleaned = name.normalize('NFC').replace(DISGUISING, '').replace(/[/\\]/g, '_').trim().slice(0, 120);
  return cleaned || 'file';
}

/** The name with the detected type's extension in place of whatever it claimed. */
function withExtension(name: string, extension: string): string {
  const base = name.replace(/\.[A-Za-z0-9]{1,8}$/, '').replace(/^\.+/, '') || 'file';
  return `${base}.${extension}`;
}
