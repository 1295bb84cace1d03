import type { InboundMessage, OutboundMessage } from '../channels/contract.ts';
import type { CaseListener, CaseOpenedEvent } from '../cases/case-listener.ts';
import { appendCaseMessage } from '../cases/case.repository.ts';
import { statusSummaries } from '../sla/case-milestones.ts';
import type { CaseClosing } from '../cases/case-closing.ts';
import { openCase } from '../cases/open-case.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Locale, PromptCatalog } from '../conversation/prompt-catalog.ts';
import { initialState, parseState, type ConversationState } from '../conversation/state.ts';
import { step, type StepContext, type StepResult } from '../conversation/step.ts';
import { hasCjk } from '../conversation/validators.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow, OutboxRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import { conversationKey, release, saveStatesAndEnqueue, type NewOutboxMessage, type TurnToSave } from '../outbox/outbox.repository.ts';
import type { Policy } from '../policy.ts';
import type { ClassifyRules } from '../understanding/classify-rules.ts';
import { openDataRequest } from '../privacy/data-request.ts';
import type { SurveyAnswers } from '../surveys/survey-answers.ts';
import { claimDeliveriesAndLockCustomers, lockCustomer, type InboundIdentity } from './customer.repository.ts';
import { FloodGuard } from './flood-guard.ts';
import { wellFormed } from './well-formed.ts';

export const IDLE_CHECK_QUEUE = 'conversation-idle-check';
/** How long a turn's replies stay leased to the process that committed them. */
const DIRECT_DELIVERY_LEASE_SECONDS = 15;

interface TurnResult {
  rows: OutboxRow[];
  blocked: boolean;
  /** Listeners or effects may have queued outbox rows of their own. */
  otherWrites: boolean;
}
/** A turn computed inside a transaction, before its state and replies are saved. */
interface ComputedTurn {
  save: TurnToSave;
  otherWrites: boolean;
}
const MAX_EVENTS_PER_TURN = 8;
/** Most inbound messages committed in one transaction (group commit). */
const MAX_BATCH = 64;
/** Inbound messages that may wait for a batch when no limit is configured. */
const DEFAULT_QUEUE_LIMIT = 1000;
/** What an overloaded process asks senders to wait before resending. */
const OVERLOAD_RETRY_SECONDS = 2;
/** At most one overload warning per this many ms (with the count refused meanwhile). */
const OVERLOAD_LOG_EVERY_MS = 10_000;

/**
 * Refused because too many inbound messages are already waiting for a batch
 * (load shedding): nothing was recorded, the sender resends. Channels answer
 * 503 with Retry-After (Telegram and Bot Framework redeliver; the web chat
 * page retries).
 */
export class InboundOverloaded extends Error {
  readonly status = 503;
  readonly code = 'overloaded';
  constructor(readonly retryAfterSeconds: number) {
    super('too many inbound messages waiting');
    this.name = 'InboundOverloaded';
  }
}

/** An inbound message waiting for its batch. */
interface Pending {
  message: InboundMessage;
  key: string;
  alsoInTransaction?: (trx: Db, customerId: number) => Promise<void>;
  resolve: (outcome: InboundOutcome) => void;
  reject: (error: unknown) => void;
}

export type InboundOutcome =
  | { ok: true; customerId: number }
  | { ok: false; reason: 'duplicate' }
  /** Over the customer's flood limit: not handled; retry after `retryAfterMs`. */
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

export interface ConversationDeps {
  db: Db;
  catalog: PromptCatalog;
  policy: Policy;
  /** Severity phrase rules and category terms (prompts/<locale>/classify.json), loaded at start. */
  classifyRules: ClassifyRules;
  timers: Timers;
  logger: Logger;
  clock: () => Date;
  /** Called after a commit that wrote outbox rows for the worker's claim path. */
  outboxWritten: () => void;
  /** Delivers rows just committed and leased to this process (the hot path). */
  deliverNow: (rows: OutboxRow[]) => void;
  caseListeners: CaseListener[];
  /** Told the number of messages of each committed inbound batch (metrics). */
  batchCommitted?: (size: number) => void;
  /** Counts inbound messages (metrics); called after the commit. */
  inboundHandled?: (channel: string, outcome: 'new' | 'duplicate' | 'rate_limited' | 'overloaded') => void;
  /** Stores survey answers and decides what a finished survey leads to. */
  surveyAnswers?: Pick<SurveyAnswers, 'answer' | 'finish'>;
  /** A message to a closed case reopens it or starts a new complaint (policy.closing.afterClose). */
  closing?: Pick<CaseClosing, 'messageAfterClose'>;
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

/**
 * The use case every customer channel calls. One inbound message is one
 * transaction: dedupe key, conversation state, case changes, audit events,
 * outbox rows and timers commit together, and delivery happens after.
 */
export class ConversationService {
  private readonly flood: FloodGuard;
  /** Inbound messages waiting for a batch (group commit), oldest first. */
  private readonly queue: Pending[] = [];
  /** Customers with a message in a batch in flight. */
  private readonly busy = new Set<string>();
  private batchesInFlight = 0;
  private readonly overload = { refused: 0, loggedAt: Number.NEGATIVE_INFINITY };

  constructor(private readonly deps: ConversationDeps) {
    this.flood = new FloodGuard({ burst: deps.policy.intake.floodBurst, perSecond: deps.policy.intake.floodPerSecond });
  }

  /**
   * A message over the customer's flood limit is not handled. With
   * `rejectWhenLimited` (the web chat: the page retries) nothing is recorded;
   * otherwise (chat platforms, which would not resend it) its delivery id is
   * recorded and the customer is told once to slow down and resend.
   */
  private async limited(message: InboundMessage, options: { rejectWhenLimited?: boolean }): Promise<InboundOutcome | undefined> {
    const { waitMs, tell } = this.flood.admit(`${message.channel}:${message.externalUserId}`);
    if (waitMs === 0) return undefined;
    const outcome: InboundOutcome = { ok: false, reason: 'rate_limited', retryAfterMs: waitMs };
    this.deps.inboundHandled?.(message.channel, 'rate_limited');
    if (options.rejectWhenLimited) return outcome;
    const notice = await this.deps.db.transaction().execute(async (trx) => {
      const locale = detectLocale(message);
      const identity = { ...identityOf(message, locale), displayName: undefined };
      const customer = (await claimDeliveriesAndLockCustomers(trx, [{ deliveryId: message.deliveryId, identity }])).get(conversationKey(message.channel, message.externalUserId));
      if (!customer || !tell) return [];
      const state = parseState(customer.state, locale);
      const text = this.deps.catalog.t(state.locale, 'messages.slowDown');
      const [saved] = await saveStatesAndEnqueue(trx, [{ customer: { id: customer.id, state, locale: state.locale }, messages: [this.toOutbox(customer, state, { text })] }], DIRECT_DELIVERY_LEASE_SECONDS);
      return saved!.rows;
    });
    this.deps.deliverNow(notice);
    this.deps.logger.warn({ channel: message.channel, retryAfterMs: waitMs }, 'customer over the flood limit');
    return outcome;
  }

  /**
   * `alsoInTransaction` lets an adapter commit its own bookkeeping (the web
   * chat transcript) atomically with the message; it runs only for a new
   * delivery.
   *
   * Messages are committed in batches (group commit): while
   * `concurrentBatches` transactions are in flight, arriving messages queue
   * and go together into the next one — one round trip claims all their
   * deliveries and locks their customers, one saves all their states and
   * replies. A quiet system commits each message alone, at once. A batch
   * holds at most one message per customer, and a customer's next message
   * waits until the batch holding the previous one has committed, so each
   * conversation is handled in arrival order.
   */
  async handleInbound(
    message: InboundMessage,
    alsoInTransaction?: (trx: Db, customerId: number) => Promise<void>,
    options: { rejectWhenLimited?: boolean } = {},
  ): Promise<InboundOutcome> {
    // Every channel passes here before anything is stored: repair, don't refuse.
    message = wellFormed(message);
    if (this.queue.length >= (this.deps.queueLimit ?? DEFAULT_QUEUE_LIMIT)) throw this.shed(message);
    const limited = await this.limited(message, options);
    if (limited) return limited;
    return new Promise<InboundOutcome>((resolve, reject) => {
      this.queue.push({ message, key: conversationKey(message.channel, message.externalUserId), alsoInTransaction, resolve, reject });
      this.pump();
    });
  }

  /** Counts a message refused under overload; warns at most every OVERLOAD_LOG_EVERY_MS. */
  private shed(message: InboundMessage): InboundOverloaded {
    this.deps.inboundHandled?.(message.channel, 'overloaded');
    this.overload.refused += 1;
    const now = Date.now();
    if (now - this.overload.loggedAt >= OVERLOAD_LOG_EVERY_MS) {
      this.deps.logger.warn({ refused: this.overload.refused, waiting: this.queue.length, inFlight: this.batchesInFlight }, 'inbound queue full; refusing messages (senders retry)');
      this.overload.refused = 0;
      this.overload.loggedAt = now;
    }
    return new InboundOverloaded(OVERLOAD_RETRY_SECONDS);
  }

  private pump(): void {
    const limit = this.deps.concurrentBatches ?? 1;
    while (this.batchesInFlight < limit && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.batchesInFlight += 1;
      void this.runBatch(batch).finally(() => {
        this.batchesInFlight -= 1;
        for (const item of batch) this.busy.delete(item.key);
        this.pump();
      });
    }
  }

  /** The oldest queued messages, at most one per customer and none of a customer already in flight. */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    for (let i = 0; i < this.queue.length && batch.length < MAX_BATCH; ) {
      const item = this.queue[i]!;
      if (this.busy.has(item.key)) {
        i += 1;
        continue;
      }
      this.busy.add(item.key);
      batch.push(item);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  /**
   * Commits a batch and settles each message's promise. If the batch fails,
   * its messages are retried one at a time (nothing of the batch was
   * committed), so a message that cannot be handled fails alone.
   */
  private async runBatch(batch: Pending[]): Promise<void> {
    let committed: Array<{ outcome: InboundOutcome; turn?: TurnResult }>;
    try {
      committed = await this.commitBatch(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.deps.logger.warn({ messages: batch.length, err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'inbound batch failed; retrying its messages one by one');
      for (const item of batch) await this.runBatch([item]);
      return;
    }
    this.deps.batchCommitted?.(batch.length);
    batch.forEach((item, i) => {
      const { outcome, turn } = committed[i]!;
      // Committed: the message is answered as handled whatever happens after.
      try {
        if (turn) this.afterCommit(turn);
        // Not the delivery id: channels may build it from the person's identity (web chat: visitor id).
        else this.deps.logger.info({ channel: item.message.channel }, 'duplicate inbound delivery ignored');
        this.deps.inboundHandled?.(item.message.channel, outcome.ok ? 'new' : 'duplicate');
      } catch (error) {
        this.deps.logger.error({ channel: item.message.channel, err: { message: (error as Error).message } }, 'after-commit step failed; the message stays handled');
      }
      item.resolve(outcome);
    });
  }

  private async commitBatch(batch: Pending[]): Promise<Array<{ outcome: InboundOutcome; turn?: TurnResult }>> {
    return this.deps.db.transaction().execute(async (trx) => {
      this.deps.timers.holdIn(trx);
      const locales = batch.map((item) => detectLocale(item.message));
      const customers = await claimDeliveriesAndLockCustomers(
        trx,
        batch.map((item, i) => ({ deliveryId: item.message.deliveryId, identity: identityOf(item.message, locales[i]!) })),
      );
      const computed: Array<ComputedTurn | undefined> = [];
      for (const [i, item] of batch.entries()) {
        const customer = customers.get(item.key);
        if (!customer) {
          computed.push(undefined);
          continue;
        }
        await item.alsoInTransaction?.(trx, customer.id);
        const locale = locales[i]!;
        const state = Object.keys(customer.state).length === 0 ? initialState(locale) : parseState(customer.state, locale);
        computed.push(await this.computeTurn(trx, customer, state, { type: 'inbound', message: item.message }));
      }
      await this.deps.timers.flush(trx);
      const turns = computed.filter((c): c is ComputedTurn => c !== undefined);
      const saved = await saveStatesAndEnqueue(trx, turns.map((t) => t.save), DIRECT_DELIVERY_LEASE_SECONDS);
      let next = 0;
      return computed.map((turn) => {
        if (!turn) return { outcome: { ok: false, reason: 'duplicate' } as const };
        const result = saved[next++]!;
        return { outcome: { ok: true, customerId: turn.save.customer.id } as const, turn: { ...result, otherWrites: turn.otherWrites } };
      });
    });
  }

  /** Timer events (idle intake checks) go through the same step. */
  async handleTimerEvent(customerId: number, event: ConversationEvent): Promise<void> {
    let turn: TurnResult | undefined;
    await this.deps.db.transaction().execute(async (trx) => {
      const customer = await lockCustomer(trx, customerId);
      if (!customer) return;
      turn = await this.runTurn(trx, customer, parseState(customer.state, customer.locale as Locale), event);
    });
    if (turn) this.afterCommit(turn);
  }

  /**
   * An event for the customer's conversation inside the caller's transaction
   * (survey timers). The caller wakes the outbox after commit, so the turn's
   * replies are not leased for direct delivery but left due for the worker.
   */
  async handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> {
    const customer = await lockCustomer(trx, customerId);
    if (!customer) return;
    const turn = await this.runTurn(trx, customer, parseState(customer.state, customer.locale as Locale), event);
    await release(trx, turn.rows.map((r) => r.id));
  }

  /**
   * The turn's own replies are delivered at once by this process (they were
   * leased to it on insert); anything else the turn wrote to the outbox —
   * rows of other listeners, or replies queued behind an earlier pending
   * message — is left to the worker's claim path.
   */
  private afterCommit(turn: TurnResult): void {
    if (turn.blocked) {
      void release(this.deps.db, turn.rows.map((r) => r.id)).finally(() => this.deps.outboxWritten());
      return;
    }
    this.deps.deliverNow(turn.rows);
    if (turn.otherWrites) this.deps.outboxWritten();
  }

  /** Computes a turn and saves it (timer and survey events: one customer at a time). */
  private async runTurn(trx: Db, customer: CustomerRow, initial: ConversationState, first: ConversationEvent): Promise<TurnResult> {
    const turn = await this.computeTurn(trx, customer, initial, first);
    const [saved] = await saveStatesAndEnqueue(trx, [turn.save], DIRECT_DELIVERY_LEASE_SECONDS);
    return { ...saved!, otherWrites: turn.otherWrites };
  }

  /**
   * Steps the conversation and carries out the effects that touch the
   * database (cases, timers, surveys) in `trx`; the state and the replies are
   * returned, to be saved by the caller (together with other turns).
   */
  private async computeTurn(trx: Db, customer: CustomerRow, initial: ConversationState, first: ConversationEvent): Promise<ComputedTurn> {
    let otherWrites = false;
    const { catalog, policy } = this.deps;
    const now = this.deps.clock();
    const ctx = { now, catalog, policy, timezone: policy.timezone };
    const outbound: NewOutboxMessage[] = [];
    const events: ConversationEvent[] = [first];
    let state = initial;
    let stepped: StepResult | undefined;
    if (first.type === 'inbound' && state.activeCase && !state.intake && this.deps.closing) {
      const closed = await this.toClosedCase(trx, this.deps.closing, state.activeCase.id, state, first, ctx);
      ({ state, stepped } = closed);
      if (closed.reopened) otherWrites = true;
    }
    for (let handled = 0; events.length > 0 && handled < MAX_EVENTS_PER_TURN; handled += 1) {
      const event = events.shift()!;
      const result = stepped ?? step(state, event, ctx);
      stepped = undefined;
      state = result.state;
      for (const effect of result.effects) {
        switch (effect.type) {
          case 'reply':
            outbound.push(this.toOutbox(customer, state, effect.message));
            break;
          case 'open-case': {
            otherWrites = true;
            const opened = await openCase(trx, { customer: { ...customer, locale: state.locale }, draft: effect.draft, openedVia: effect.openedVia, now, policy, rules: this.deps.classifyRules });
            await this.caseOpened(trx, { caseId: opened.id, number: opened.number, severity: opened.severity, at: now, firstResponseDueAt: opened.firstResponseDueAt, resolutionDueAt: opened.resolutionDueAt });
            this.deps.logger.info({ caseId: opened.id, caseNumber: opened.number, severity: opened.severity, channel: customer.channel }, 'case opened');
            events.push({
              type: 'case-opened',
              caseId: opened.id,
              caseNumber: opened.number,
              firstResponseDueAt: opened.firstResponseDueAt.toISOString(),
              responseHours: opened.responseHours,
              openedVia: effect.openedVia,
            });
            break;
          }
          case 'append-to-case':
            otherWrites = true;
            await appendCaseMessage(trx, {
              caseId: effect.caseId,
              direction: 'customer',
              body: effect.text,
              attachments: effect.attachments.map((a) => ({ ...a })),
            });
            for (const listener of this.deps.caseListeners) {
              await listener.customerMessage?.(trx, { caseId: effect.caseId, text: effect.text, attachments: effect.attachments, at: now });
            }
            break;
          case 'load-status': {
            // Open cases come with their milestones (issue 18).
            events.push({ type: 'status-report', cases: await statusSummaries(trx, customer.id, this.deps.policy, now) });
            break;
          }
          case 'open-data-request': {
            otherWrites = true;
            const request = await openDataRequest(trx, { customer, locale: state.locale, now, policy });
            if (!request.existing) {
              await this.caseOpened(trx, { caseId: request.id, number: request.number, severity: request.severity, at: now, firstResponseDueAt: request.firstResponseDueAt, resolutionDueAt: request.resolutionDueAt });
            }
            this.deps.logger.info({ caseId: request.id, caseNumber: request.number, existing: request.existing, channel: customer.channel }, 'data request case opened');
            events.push({ type: 'data-request-opened', caseId: request.id, caseNumber: request.number, existing: request.existing, firstResponseDueAt: request.firstResponseDueAt.toISOString() });
            break;
          }
          case 'survey-answer':
            otherWrites = true;
            await this.deps.surveyAnswers?.answer(trx, effect.survey, effect.field, effect.value, now);
            break;
          case 'survey-finished': {
            otherWrites = true;
            const outcome = (await this.deps.surveyAnswers?.finish(trx, effect.survey, now)) ?? 'thanks';
            events.push({ type: 'survey-closed', survey: effect.survey, outcome });
            break;
          }
          case 'schedule-idle-check':
            await this.deps.timers.schedule(trx, IDLE_CHECK_QUEUE, { customerId: customer.id, intakeId: effect.intakeId }, new Date(effect.at));
            break;
        }
      }
    }
    return { save: { customer: { id: customer.id, state, locale: state.locale }, messages: outbound }, otherWrites };
  }

  /**
   * A customer's message while the conversation still names a case, which
   * may have closed since: it reopens the case or, by default, the engine
   * sees a customer without a case and the message starts a new complaint
   * (policy.closing.afterClose). While a survey is pending (the quiet period
   * may close the case before the customer answers), only a message the
   * engine would add to the case counts: a survey answer is taken as usual.
   * The engine is pure, so that first step is computed once and reused.
   */
  private async toClosedCase(
    trx: Db,
    closing: Pick<CaseClosing, 'messageAfterClose'>,
    caseId: number,
    state: ConversationState,
    first: ConversationEvent,
    ctx: StepContext,
  ): Promise<{ state: ConversationState; stepped?: StepResult; reopened: boolean }> {
    let stepped: StepResult | undefined;
    if (state.survey) {
      stepped = step(state, first, ctx);
      if (!stepped.effects.some((e) => e.type === 'append-to-case' && e.caseId === caseId)) return { state, stepped, reopened: false };
    }
    const after = await closing.messageAfterClose(trx, caseId, ctx.now);
    if (after === 'left_closed') return { state: { ...state, activeCase: undefined }, reopened: false };
    return { state, stepped, reopened: after === 'reopened' };
  }

  private async caseOpened(trx: Db, event: CaseOpenedEvent): Promise<void> {
    for (const listener of this.deps.caseListeners) await listener.caseOpened?.(trx, event);
  }

  private toOutbox(customer: CustomerRow, state: ConversationState, message: OutboundMessage): NewOutboxMessage {
    return {
      customerId: customer.id,
      caseId: state.activeCase?.id ?? null,
      channel: customer.channel,
      conversationKey: conversationKey(customer.channel, customer.external_id),
      address: customer.address,
      payload: message as unknown as Record<string, unknown>,
    };
  }
}

function identityOf(message: InboundMessage, locale: Locale): InboundIdentity {
  return { channel: message.channel, externalId: message.externalUserId, address: message.address, displayName: message.profile?.name, locale };
}

/** The customer's language: the text's script first, then the channel's locale. */
export function detectLocale(message: Pick<InboundMessage, 'text' | 'locale'>): Locale {
  if (message.text && hasCjk(message.text)) return 'zh-CN';
  if (message.locale?.toLowerCase().startsWith('zh')) return 'zh-CN';
  return 'en';
}
