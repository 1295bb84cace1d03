import type { InboundMessage } from '../channels/contract.ts';
import { parseState } from '../conversation/state.ts';
import type { Logger } from '../logger.ts';
import { conversationKey } from '../outbox/outbox.repository.ts';
import { claimDeliveriesAndLockCustomers } from '../cases/customer.repository.ts';
import { FloodGuard } from './flood-guard.ts';
import { detectLocale, identityOf } from './inbound-identity.ts';
import { deliverSavedTurn, saveTurns, type DeliveryDeps } from './save-and-deliver.ts';
import { computeTurn, type TurnDeps } from './turn-effects.ts';

/** Over the customer's flood limit: not handled; retry after `retryAfterMs`. */
export interface RateLimited {
  ok: false;
  reason: 'rate_limited';
  retryAfterMs: number;
}

export interface FloodLimitDeps extends DeliveryDeps, TurnDeps {
  logger: Logger;
  /** Counts a message refused over the limit (metrics). */
  refused?: (channel: string) => void;
}

/**
 * The per-customer flood limit in front of the group commit. A message over
 * the limit is not handled. With `rejectWhenLimited` (the web chat: the page
 * retries) nothing is recorded; otherwise (chat platforms, which would not
 * resend it) its delivery id is recorded and the customer is told once to
 * slow down and resend: a `flood-limited` event of their conversation,
 * rendered by the engine in its language and script, in the transaction that
 * records the delivery id and already holds the customer's lock.
 */
export class FloodLimit {
  private readonly guard: FloodGuard;

  constructor(private readonly deps: FloodLimitDeps) {
    this.guard = new FloodGuard({ burst: deps.policy.intake.floodBurst, perSecond: deps.policy.intake.floodPerSecond });
  }

  /** Undefined when the message may pass. */
  async check(message: InboundMessage, options: { rejectWhenLimited?: boolean }): Promise<RateLimited | undefined> {
    const { waitMs, tell } = this.guard.admit(`${message.channel}:${message.externalUserId}`);
    if (waitMs === 0) return undefined;
    const outcome: RateLimited = { ok: false, reason: 'rate_limited', retryAfterMs: waitMs };
    this.deps.refused?.(message.channel);
    if (options.rejectWhenLimited) return outcome;
    const notice = await this.deps.db.transaction().execute(async (trx) => {
      const locale = detectLocale(message);
      const identity = { ...identityOf(message, locale), displayName: undefined };
      const customer = (await claimDeliveriesAndLockCustomers(trx, [{ deliveryId: message.deliveryId, identity }])).get(conversationKey(message.channel, message.externalUserId));
      if (!customer || !tell) return undefined;
      const state = parseState(customer.state, locale);
      const [saved] = await saveTurns(trx, [await computeTurn(this.deps, trx, customer, state, { type: 'flood-limited' })]);
      return saved;
    });
    // A notice queued behind an earlier reply waits its turn like any other.
    if (notice) deliverSavedTurn(this.deps, notice);
    this.deps.logger.warn({ channel: message.channel, retryAfterMs: waitMs }, 'customer over the flood limit');
    return outcome;
  }
}
