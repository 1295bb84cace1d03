import { z } from 'zod';
import type { InboundMessage, OutboundMessage } from '../../src/channels/contract.ts';
import { checkEvidence, type EvidenceLimits, type RefusalReason } from '../../src/channels/evidence.ts';

/**
 * Telegram update ⇄ channel contract. Pure: no API calls. Only the fields
 * hearken uses are read; anything else in the update is ignored.
 */

/** Telegram bots may download files up to 20 MB. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
/** Telegram's limit is 4096 characters per message; keep a margin. */
const MAX_TEXT = 4000;
const MAX_CALLBACK_DATA_BYTES = 64;

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.object({ id: z.number().int(), type: z.string() });
const file = z.object({
  file_id: z.string(),
  file_unique_id: z.string(),
  file_size: z.number().optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
const message = z.object({
  message_id: z.number().int(),
  from: user.optional(),
  chat,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(file).optional(),
  document: file.optional(),
  video: file.optional(),
  audio: file.optional(),
  voice: file.optional(),
  animation: file.optional(),
  video_note: file.optional(),
  contact: z.object({ phone_number: z.string(), user_id: z.number().optional() }).optional(),
});
const updateSchema = z.object({
  update_id: z.number().int(),
  message: message.optional(),
  callback_query: z
    .object({ id: z.string(), from: user, message: z.object({ message_id: z.number().int(), chat }).optional(), data: z.string().optional() })
    .optional(),
});

/** A file to fetch through getFile, already checked against the declared size and type. */
export interface TelegramFileRef {
  fileId: string;
  fileName: string;
  mimeType: string;
  sizeBytes?: number;
}

export type MappedUpdate =
  | {
      kind: 'inbound';
      message: InboundMessage;
      /** Files that passed the declared type and size checks: download, then check the size again. */
      files: TelegramFileRef[];
      callbackQueryId?: string;
    }
  | { kind: 'ignored'; reason: 'malformed' | 'unsupported_update' | 'not_private_chat' | 'from_bot'; callbackQueryId?: string };

/** The engine's keywords for the bot commands; /start begins (or resumes) a complaint. */
const COMMANDS: Record<string, string> = { start: '/new', new: '/new', cancel: '/cancel', status: '/status', help: '/help' };

export function mapUpdate(raw: unknown, options: { botId: string; limits: EvidenceLimits }): MappedUpdate {
  const parsed = updateSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'malformed' };
  const update = parsed.data;
  const deliveryId = `${options.botId}:${update.update_id}`;
  const limits = { ...options.limits, maxBytes: Math.min(options.limits.maxBytes, TELEGRAM_DOWNLOAD_LIMIT) };

  if (update.callback_query) {
    const query = update.callback_query;
    const chatRef = query.message?.chat ?? { id: query.from.id, type: 'private' };
    if (chatRef.type !== 'private') return { kind: 'ignored', reason: 'not_private_chat', callbackQueryId: query.id };
    if (!query.data) return { kind: 'ignored', reason: 'unsupported_update', callbackQueryId: query.id };
    return {
      kind: 'inbound',
      message: { ...identity(query.from, chatRef.id, deliveryId), choice: query.data },
      files: [],
      callbackQueryId: query.id,
    };
  }

  const msg = update.message;
  if (!msg?.from) return { kind: 'ignored', reason: 'unsupported_update' };
  if (msg.chat.type !== 'private') return { kind: 'ignored', reason: 'not_private_chat' };
  if (msg.from.is_bot) return { kind: 'ignored', reason: 'from_bot' };

  const inbound: InboundMessage = identity(msg.from, msg.chat.id, deliveryId);
  const text = msg.text !== undefined ? commandToKeyword(msg.text) : msg.caption;
  if (text !== undefined) inbound.text = text;
  if (msg.contact && (msg.contact.user_id === undefined || msg.contact.user_id === msg.from.id) && !inbound.text) {
    inbound.text = msg.contact.phone_number;
  }

  const files: TelegramFileRef[] = [];
  const rejected: NonNullable<InboundMessage['rejectedAttachments']> = [];
  for (const candidate of filesOf(msg)) {
    const reason: RefusalReason | undefined = checkEvidence(candidate, limits);
    if (reason) rejected.push({ fileName: candidate.fileName, reason });
    else files.push(candidate);
  }
  if (rejected.length > 0) inbound.rejectedAttachments = rejected;
  return { kind: 'inbound', message: inbound, files };
}

function identity(from: z.infer<typeof user>, chatId: number, deliveryId: string): InboundMessage {
  const message: InboundMessage = {
    channel: 'telegram',
    externalUserId: String(from.id),
    address: { chatId },
    deliveryId,
  };
  if (from.language_code) message.locale = from.language_code;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ').trim();
  if (name) message.profile = { name };
  return message;
}

/** `/cancel@hearken_bot` → `/cancel`; `/start <payload>` → `/new`; other text unchanged. */
export function commandToKeyword(text: string): string {
  const match = /^\/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s[\s\S]*)?$/.exec(text.trim());
  const keyword = match ? COMMANDS[match[1]!.toLowerCase()] : undefined;
  return keyword ?? text;
}

function filesOf(msg: z.infer<typeof message>): TelegramFileRef[] {
  const found: TelegramFileRef[] = [];
  if (msg.photo && msg.photo.length > 0) {
    // Sizes come smallest first; the largest is the evidence.
    const largest = msg.photo.at(-1)!;
    found.push({ fileId: largest.file_id, fileName: `photo-${largest.file_unique_id}.jpg`, mimeType: 'image/jpeg', sizeBytes: largest.file_size });
  }
  const others: Array<[z.infer<typeof file> | undefined, string]> = [
    [msg.document, 'document'],
    [msg.video, 'video'],
    [msg.audio, 'audio'],
    [msg.voice, 'voice'],
    [msg.animation, 'animation'],
    [msg.video_note, 'video'],
  ];
  for (const [item, kind] of others) {
    if (!item) continue;
    found.push({
      fileId: item.file_id,
      fileName: item.file_name ?? `${kind}-${item.file_unique_id}`,
      mimeType: (item.mime_type ?? 'application/octet-stream').toLowerCase(),
      sizeBytes: item.file_size,
    });
  }
  return found;
}

export interface TelegramOutgoing {
  text: string;
  replyMarkup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

/**
 * One outbound message as Telegram messages: plain text (no parse mode, so
 * customer text is never read as markup), the card as "label: value" lines
 * above the question, split under Telegram's length limit, choices as an
 * inline keyboard on the last part.
 */
export function toTelegramMessages(message: OutboundMessage): TelegramOutgoing[] {
  const blocks: string[] = [];
  if (message.card) blocks.push([message.card.title, ...message.card.fields.map((f) => `${f.label}: ${f.value}`)].join('\n'));
  if (message.text) blocks.push(message.text);
  const parts = splitText(blocks.join('\n\n') || ' ', MAX_TEXT);
  const buttons = (message.choices ?? [])
    .filter((c) => Buffer.byteLength(c.value, 'utf8') <= MAX_CALLBACK_DATA_BYTES)
    .map((c) => ({ text: c.label, callback_data: c.value }));
  const out: TelegramOutgoing[] = parts.map((text) => ({ text }));
  if (buttons.length > 0) out[out.length - 1]!.replyMarkup = { inline_keyboard: keyboardRows(buttons) };
  return out;
}

/** Short labels two to a row, longer ones one to a row. */
function keyboardRows<T extends { text: string }>(buttons: T[]): T[][] {
  const short = buttons.every((b) => [...b.text].length <= 14);
  if (!short) return buttons.map((b) => [b]);
  const rows: T[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never cut a surrogate pair in half.
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
