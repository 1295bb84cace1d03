import type { ChannelSender, DeliveryResult, OutboundMessage } from '../../src/channels/contract.ts';
import type { Db } from '../../src/db/database.ts';
import { appendTranscript } from './webchat.repository.ts';
import type { TranscriptWakeups } from './webchat.wakeups.ts';

/**
 * The web chat's "platform" is its transcript table: delivering a message
 * appends it there and wakes the visitor's long poll, on this instance at
 * once and on the others through the database's NOTIFY.
 */
export class WebchatSender implements ChannelSender {
  readonly channel = 'webchat' as const;

  constructor(
    private readonly db: Db,
    private readonly wakeups: TranscriptWakeups,
  ) {}

  async send(address: Record<string, unknown>, message: OutboundMessage): Promise<DeliveryResult> {
    const visitorId = address.visitorId;
    if (typeof visitorId !== 'string') return { ok: false, permanent: true, error: 'webchat address without visitorId' };
    const id = await appendTranscript(this.db, visitorId, 'out', message as unknown as Record<string, unknown>, true);
    // At once here; the NOTIFY wakes polls on the other instances (and again here, harmlessly).
    this.wakeups.wake(visitorId);
    return { ok: true, externalId: String(id) };
  }
}
