/**
 * The channel contract: every customer channel (web chat, Telegram, Bot
 * Framework) maps its native payloads to InboundMessage and delivers
 * OutboundMessage. The conversation engine knows no SDK.
 */
export type ChannelName = 'webchat' | 'telegram' | 'botframework';

export interface InboundAttachment {
  /** Id of a row in `attachments` once stored, or a channel file reference. */
  id: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
}

export interface SenderProfile {
  name?: string;
  phone?: string;
  email?: string;
}

export interface InboundMessage {
  channel: ChannelName;
  /** Stable identity of the person on this channel (chat user id, visitor id). */
  externalUserId: string;
  /** Channel-specific reference for messaging the person later (stored). */
  address: Record<string, unknown>;
  /** Idempotency key: Telegram update_id, Bot Framework activity id, web chat client id. */
  deliveryId: string;
  text?: string;
  /** Value of a button the person pressed. */
  choice?: string;
  attachments?: InboundAttachment[];
  /** Attachments the channel refused (too large, wrong type) or could not fetch (not_received): the customer is told. */
  rejectedAttachments?: Array<{ fileName: string; reason: 'too_large' | 'unsupported_type' | 'not_received' }>;
  /** Locale reported by the channel (Telegram language_code, Bot Framework locale). */
  locale?: string;
  profile?: SenderProfile;
  /**
   * The person opened the conversation with the bot (Bot Framework
   * conversationUpdate): nothing they said, greeted with the welcome.
   */
  greeting?: boolean;
}

export interface Choice {
  value: string;
  label: string;
}

export interface OutboundMessage {
  text: string;
  choices?: Choice[];
  /** Case summary or confirmation: channels may render it as a card. */
  card?: { title: string; fields: Array<{ label: string; value: string }> };
}

export type DeliveryResult =
  | { ok: true; externalId?: string }
  | { ok: false; permanent: boolean; retryAfterMs?: number; error: string };

/** A token bucket: `burst` sends at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Delivers outbox rows of one outbox channel (a customer channel, or `slack`).
 * Must not throw for platform errors: return them.
 */
export interface OutboxSender<Payload = any> {
  readonly channel: string;
  /**
   * Platform limits the outbox worker keeps to (per process) before each
   * send: per conversation (outbox conversation_key) and for the whole channel.
   */
  readonly rateLimit?: { perConversation?: RateLimit; global?: RateLimit };
  send(address: Record<string, unknown>, payload: Payload): Promise<DeliveryResult>;
}

/** A customer channel's sender: payloads are OutboundMessage. */
export interface ChannelSender extends OutboxSender<OutboundMessage> {
  readonly channel: ChannelName;
}
