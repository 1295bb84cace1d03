import { EventEmitter } from 'node:events';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../../src/channels/contract.ts';
import type { Db } from '../../src/db/database.ts';
import { appendTranscript } from './webchat.repository.ts';

/**
 * The web chat's "platform" is its transcript table: delivering a message
 * appends it there and wakes the visitor's long poll on this instance
 * (pollers on other instances find it on their next read).
 */
export class WebchatSender implements ChannelSender {
  readonly channel = 'webchat' as const;
  readonly delivered = new EventEmitter().setMaxListeners(0);

  constructor(private readonly db: Db) {}

  async send(address: Record<string, unknown>, message: OutboundMessage): Promise<DeliveryResult> {
    const visitorId = address.visitorId;
    if (typeof visitorId !== 'string') return { ok: false, permanent: true, error: 'webchat address without visitorId' };
    const id = await appendTranscript(this.db, visitorId, 'out', message as unknown as Record<string, unknown>);
    this.delivered.emit(visitorId, id);
    return { ok: true, externalId: String(id) };
  }
}
