import type { InboundMessage } from '../channels/contract.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Locale } from '../conversation/prompt-catalog.ts';
import { initialState, parseState } from '../conversation/state.ts';
import type { Db } from '../db/database.ts';
import { conversationKey, release } from '../outbox/outbox.repository.ts';
import { claimDeliveriesAndLockCustomers, lockCustomer } from '../cases/customer.repository.ts';
import { FloodLimit, type RateLimited } from './flood-limit.ts';
import { GroupCommitQueue } from './group-commit.ts';
import { detectLocale, identityOf } from './inbound-identity.ts';
import { deliverSavedTurn, saveTurns, type ComputedTurn, type DeliveryDeps, type SavedTurn } from './save-and-deliver.ts';
import { computeTurn, type TurnDeps } from './turn-effects.ts';
import { wellFormed } from './well-formed.ts';

export { IDLE_CHECK_QUEUE } from './turn-effects.ts';

export type InboundOutcome = { ok: true; customerId: number } | { ok: false; reason: 'duplicate' } | RateLimited;

/** Lets an adapter commit its own bookkeeping (the web chat transcript) atomically with a new message. */
type AlsoInTransaction = (trx: Db, customerId: number) => Promise<void>;

export interface ConversationDeps extends TurnDeps, DeliveryDeps {
  /** Told the number of messages of each committed inbound batch (metrics). */
  batchCommitted?: (size: number) => void;
  /** Counts inbound messages (metrics); called after the commit. */
  inboundHandled?: (channel: string, outcome: 'new' | 'duplicate' | 'rate_limited' | 'overloaded') => void;
  /**
   * Inbound batches committing at once (default 1). Messages that arrive
   * while that many are in flight are committed together in the next one.
   */
  concurrentBatches?: number;
  /**
   * Most inbound messages waiting for a batch (default 1000); past it new
   * messages are refused with InboundOverloaded instead of waiting longer
   * than the platforms' time-outs.
   */
  queueLimit?: number;
}

/** An inbound message waiting for its batch. */
interface Pending {
  message: InboundMessage;
  alsoInTransaction?: AlsoInTransaction;
}

interface Committed {
  outcome: InboundOutcome;
  turn?: SavedTurn;
}

/**
 * The use case every customer channel calls. One inbound message is one
 * transaction: dedupe key, conversation state, case changes, audit events,
 * outbox rows and timers commit together, and delivery happens after.
 * Its parts: the flood limit (flood-limit.ts), the group commit
 * (group-commit.ts), the effect interpreter (turn-effects.ts, with the
 * closed-case check of closed-case.ts) and save-and-deliver.
 */
export class ConversationService {
  private readonly flood: FloodLimit;
  private readonly batches: GroupCommitQueue<Pending, Committed>;

  constructor(private readonly deps: ConversationDeps) {
    this.flood = new FloodLimit({ ...deps, refused: (channel) => deps.inboundHandled?.(channel, 'rate_limited') });
    this.batches = new GroupCommitQueue<Pending, Committed>({
      commit: (batch) => this.commitBatch(batch),
      committed: (item, result) => this.committed(item, result),
      batchCommitted: deps.batchCommitted,
      logger: deps.logger,
      concurrentBatches: deps.concurrentBatches,
      queueLimit: deps.queueLimit,
    });
  }

  /**
   * `alsoInTransaction` runs only for a new delivery. Messages are committed
   * in batches (group-commit.ts): one round trip claims all their
   * deliveries and locks their customers, one saves all their states and
   * replies; each conversation is handled in arrival order.
   */
  async handleInbound(message: InboundMessage, alsoInTransaction?: AlsoInTransaction, options: { rejectWhenLimited?: boolean } = {}): Promise<InboundOutcome> {
    // Every channel passes here before anything is stored: repair, don't refuse.
    message = wellFormed(message);
    this.batches.refuseWhenFull(() => this.deps.inboundHandled?.(message.channel, 'overloaded'));
    const limited = await this.flood.check(message, options);
    if (limited) return limited;
    const { outcome } = await this.batches.add(conversationKey(message.channel, message.externalUserId), { message, alsoInTransaction });
    return outcome;
  }

  private async commitBatch(batch: Pending[]): Promise<Committed[]> {
    return this.deps.db.transaction().execute(async (trx) => {
      this.deps.timers.holdIn(trx);
      const locales = batch.map((item) => detectLocale(item.message));
      const customers = await claimDeliveriesAndLockCustomers(
        trx,
        batch.map((item, i) => ({ deliveryId: item.message.deliveryId, identity: identityOf(item.message, locales[i]!) })),
      );
      const computed: Array<ComputedTurn | undefined> = [];
      for (const [i, item] of batch.entries()) {
        const customer = customers.get(conversationKey(item.message.channel, item.message.externalUserId));
        if (!customer) {
          computed.push(undefined);
          continue;
        }
        await item.alsoInTransaction?.(trx, customer.id);
        const locale = locales[i]!;
        const state = Object.keys(customer.state).length === 0 ? initialState(locale) : parseState(customer.state, locale);
        computed.push(await computeTurn(this.deps, trx, customer, state, { type: 'inbound', message: item.message }, customer.active_case_status));
      }
      await this.deps.timers.flush(trx);
      const saved = await saveTurns(
        trx,
        computed.filter((c): c is ComputedTurn => c !== undefined),
      );
      let next = 0;
      return computed.map((turn) => (turn ? { outcome: { ok: true, customerId: turn.save.customer.id }, turn: saved[next++]! } : { outcome: { ok: false, reason: 'duplicate' } }));
    });
  }

  /** Committed: the message is answered as handled whatever happens after. */
  private committed(item: Pending, { outcome, turn }: Committed): void {
    const { channel } = item.message;
    try {
      if (turn) deliverSavedTurn(this.deps, turn);
      // Not the delivery id: channels may build it from the person's identity (web chat: visitor id).
      else this.deps.logger.info({ channel }, 'duplicate inbound delivery ignored');
      this.deps.inboundHandled?.(channel, outcome.ok ? 'new' : 'duplicate');
    } catch (error) {
      this.deps.logger.error({ channel, err: error }, 'after-commit step failed; the message stays handled');
    }
  }

  /** Timer events (idle intake checks) go through the same step. */
  async handleTimerEvent(customerId: number, event: ConversationEvent): Promise<void> {
    const turn = await this.deps.db.transaction().execute(async (trx) => this.runTurn(trx, customerId, event));
    if (turn) deliverSavedTurn(this.deps, turn);
  }

  /**
   * An event for the customer's conversation inside the caller's transaction
   * (survey timers). The caller wakes the outbox after commit, so the turn's
   * replies are not leased for direct delivery but left due for the worker.
   */
  async handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> {
    const turn = await this.runTurn(trx, customerId, event);
    if (turn) await release(trx, turn.rows.map((r) => r.id));
  }

  /** Locks the customer, computes a turn and saves it (one customer at a time). */
  private async runTurn(trx: Db, customerId: number, event: ConversationEvent): Promise<SavedTurn | undefined> {
    const customer = await lockCustomer(trx, customerId);
    if (!customer) return undefined;
    const turn = await computeTurn(this.deps, trx, customer, parseState(customer.state, customer.locale as Locale), event);
    const [saved] = await saveTurns(trx, [turn]);
    return saved;
  }
}
