import type { Activity, ConversationReference } from 'botbuilder';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../../src/channels/contract.ts';
import { toActivity } from './botframework.mapper.ts';

/**
 * What the sender needs from an SDK: post an activity to the conversation of
 * a stored reference (botbuilder's connector client, or the Agents SDK's
 * continueConversation). Throws the SDK's HTTP error on failure.
 */
export interface ConversationPoster {
  post(reference: Partial<ConversationReference> & { serviceUrl: string; conversation: { id: string } }, activity: Partial<Activity>): Promise<{ id?: string } | undefined>;
}

/**
 * Delivers outbox rows to Bot Framework conversations,
 * from the conversation reference stored on the customer (never a turn
 * context: staff replies and surveys come long after the customer's turn).
 */
export class BotFrameworkSender implements ChannelSender {
  readonly channel = 'botframework' as const;
  /**
   * Teams allows 7 sends/s and 60 per 30 s per conversation: a burst of 5
   * refilled at 1.8/s keeps to both. Channel-wide: 50/s.
   */
  readonly rateLimit = { perConversation: { perSecond: 1.8, burst: 5 }, global: { perSecond: 50, burst: 50 } };

  constructor(private readonly poster: ConversationPoster) {}

  async send(address: Record<string, unknown>, message: OutboundMessage): Promise<DeliveryResult> {
    const reference = address as Partial<ConversationReference>;
    const conversationId = reference.conversation?.id;
    if (!reference.serviceUrl || !conversationId) return { ok: false, permanent: true, error: 'botframework address without serviceUrl or conversation' };
    try {
      const sent = await this.poster.post({ ...reference, serviceUrl: reference.serviceUrl, conversation: { ...reference.conversation!, id: conversationId } }, toActivity(message, reference));
      return { ok: true, ...(sent?.id ? { externalId: sent.id } : {}) };
    } catch (error) {
      return botFrameworkFailure(error);
    }
  }
}

/**
 * 429 with Retry-After, 412/5xx/network for a retry; 400/403/404 (blocked,
 * uninstalled, gone) permanent. botbuilder's errors carry `statusCode`, the
 * Agents SDK's (HttpError) `status`.
 */
export function botFrameworkFailure(error: unknown): Extract<DeliveryResult, { ok: false }> {
  const e = (error ?? {}) as { statusCode?: number; status?: number; code?: string; name?: string; response?: { headers?: unknown } };
  const status = e.statusCode ?? (typeof e.status === 'number' ? e.status : undefined);
  if (status === undefined) return { ok: false, permanent: false, error: `botframework request failed: ${e.name ?? 'unknown'}${e.code ? ` ${e.code}` : ''}` };
  const error_ = `botframework ${status}${e.code ? ` ${e.code}` : ''}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headerOf(e.response?.headers, 'retry-after'));
    return { ok: false, permanent: false, error: error_, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status === 400 || status === 403 || status === 404) return { ok: false, permanent: true, error: error_ };
  return { ok: false, permanent: false, error: error_ };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: (n: string) => string | undefined }).get;
  if (typeof getter === 'function') return getter.call(headers, name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After in seconds or as an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
