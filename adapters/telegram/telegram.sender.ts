import { TelegramError, type Telegram } from 'telegraf';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../../src/channels/contract.ts';
import { toTelegramMessages } from './telegram.mapper.ts';

/**
 * Delivers outbox rows to Telegram chats. Platform errors come back as
 * DeliveryResult, never thrown: 429 with its retry_after, 5xx and network
 * errors for a retry, 400/403 (chat not found, bot blocked) as permanent.
 */
export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram' as const;
  /** About 1 message/s per chat with a small burst; at most 30 in any second overall. */
  readonly rateLimit = { perConversation: { perSecond: 1, burst: 3 }, global: { perSecond: 20, burst: 10 } };

  constructor(private readonly telegram: Telegram) {}

  async send(address: Record<string, unknown>, message: OutboundMessage): Promise<DeliveryResult> {
    const chatId = address.chatId;
    if (typeof chatId !== 'number' && typeof chatId !== 'string') return { ok: false, permanent: true, error: 'telegram address without chatId' };
    let externalId: string | undefined;
    // A message longer than Telegram allows goes out in parts; a retry after a failed later part repeats the earlier ones.
    for (const part of toTelegramMessages(message)) {
      try {
        const sent = await this.telegram.sendMessage(chatId, part.text, part.replyMarkup ? { reply_markup: part.replyMarkup } : {});
        externalId = String(sent.message_id);
      } catch (error) {
        return telegramFailure(error);
      }
    }
    return { ok: true, ...(externalId ? { externalId } : {}) };
  }
}

export function telegramFailure(error: unknown): Extract<DeliveryResult, { ok: false }> {
  if (error instanceof TelegramError) {
    const code = error.code;
    const description = `telegram ${code}: ${error.description ?? ''}`.slice(0, 200);
    if (code === 429) {
      const seconds = error.parameters?.retry_after;
      return { ok: false, permanent: false, error: description, ...(typeof seconds === 'number' ? { retryAfterMs: seconds * 1000 } : {}) };
    }
    // 400 chat not found / bad request and 403 bot blocked or user deactivated will not change on a retry.
    if (code === 400 || code === 403) return { ok: false, permanent: true, error: description };
    return { ok: false, permanent: false, error: description };
  }
  // Network errors name the request URL, which holds the bot token: keep only their name and code.
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return { ok: false, permanent: false, error: `telegram request failed: ${name ?? 'unknown'}${code ? ` ${code}` : ''}` };
}
