import { randomUUID } from 'node:crypto';
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

/** Type and declared size against the policy, before anything is downloaded. */
export function checkEvidence(file: { mimeType: string; sizeBytes?: number }, limits: EvidenceLimits): RefusalReason | undefined {
  if (!limits.allowedTypes.includes(file.mimeType.toLowerCase())) return 'unsupported_type';
  if (file.sizeBytes !== undefined && file.sizeBytes > limits.maxBytes) return 'too_large';
  return undefined;
}

export function newEvidence(fileName: string, mimeType: string, content: Buffer): EvidenceFile {
  return { attachment: { id: randomUUID(), fileName: cleanFileName(fileName), mimeType: mimeType.toLowerCase(), sizeBytes: content.length }, content };
}

export class DownloadError extends Error {
  readonly code = 'HEARKEN_DOWNLOAD_FAILED';
  constructor(readonly status: number | undefined, message: string) {
    super(message);
  }
}

/**
 * Downloads at most `maxBytes`: a larger file is refused as soon as its
 * length shows, without reading the rest. Throws DownloadError when the
 * server fails (the caller lets the platform deliver the message again).
 * The URL may hold a token: it is never put in the error.
 */
export async function downloadLimited(
  url: string | URL,
  options: { maxBytes: number; headers?: Record<string, string>; timeoutMs?: number },
): Promise<{ ok: true; content: Buffer; contentType?: string } | { ok: false; reason: 'too_large' }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: options.headers, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    throw new DownloadError(undefined, `download failed: ${(error as Error).name}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(response.status, `download failed: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large' };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(Buffer.from(value));
    }
  }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return { ok: true, content: Buffer.concat(chunks), ...(contentType ? { contentType } : {}) };
}

export function cleanFileName(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001F\u007F/\\]/g, '_').trim().slice(0, 120);
  return cleaned || 'file';
}
