import type { InboundMessage, OutboundMessage } from '../channels/contract.ts';
import type { CaseListener, CaseOpenedEvent } from '../cases/case-listener.ts';
import { appendCaseMessage, listCasesOfCustomer } from '../cases/case.repository.ts';
import { openCase } from '../cases/open-case.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Locale, PromptCatalog } from '../conversation/prompt-catalog.ts';
import { initialState, parseState, type ConversationState } from '../conversation/state.ts';
import { step } from '../conversation/step.ts';
import { hasCjk } from '../conversation/validators.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow, OutboxRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import { release, saveStateAndEnqueue, type NewOutboxMessage } from '../outbox/outbox.repository.ts';
import type { Policy } from '../policy.ts';
import { openDataRequest } from '../privacy/data-request.ts';
import type { SurveyAnswers } from '../surveys/survey-answers.ts';
import { claimDeliveryAndLockCustomer, lockCustomer } from './customer.repository.ts';
import { FloodGuard } from './flood-guard.ts';

export const IDLE_CHECK_QUEUE = 'conversation-idle-check';
/** How long a turn's replies stay leased to the process that committed them. */
const DIRECT_DELIVERY_LEASE_SECONDS = 15;

interface TurnResult {
  rows: OutboxRow[];
  blocked: boolean;
  /** Listeners or effects may have queued outbox rows of their own. */
  otherWrites: boolean;
}
const MAX_EVENTS_PER_TURN = 8;

export type InboundOutcome =
  | { ok: true; customerId: number }
  | { ok: false; reason: 'duplicate' }
  /** Over the customer's flood limit: not handled; retry after `retryAfterMs`. */
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

export interface ConversationDeps {
  db: Db;
  catalog: PromptCatalog;
  policy: Policy;
  timers: Timers;
  logger: Logger;
  clock: () => Date;
  /** Called after a commit that wrote outbox rows for the worker's claim path. */
  outboxWritten: () => void;
  /** Delivers rows just committed and leased to this process (the hot path). */
  deliverNow: (rows: OutboxRow[]) => void;
  caseListeners: CaseListener[];
  /** Counts inbound messages (metrics); called after the commit. */
  inboundHandled?: (channel: string, outcome: 'new' | 'duplicate' | 'rate_limited') => void;
  /** Stores survey answers and decides what a finished survey leads to. */
  surveyAnswers?: Pick<SurveyAnswers, 'answer' | 'finish'>;
}

/**
 * The use case every customer channel calls. One inbound message is one
 * transaction: dedupe key, conversation state, case changes, audit events,
 * outbox rows and timers commit together, and delivery happens after.
 */
export class ConversationService {
  private readonly flood: FloodGuard;

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
      const customer = await claimDeliveryAndLockCustomer(trx, message.deliveryId, {
        channel: message.channel,
        externalId: message.externalUserId,
        address: message.address,
        locale,
      });
      if (!customer || !tell) return [];
      const state = parseState(customer.state, locale);
      const text = this.deps.catalog.t(state.locale, 'messages.slowDown');
      return (await saveStateAndEnqueue(trx, { id: customer.id, state, locale: state.locale }, [this.toOutbox(customer, state, { text })], DIRECT_DELIVERY_LEASE_SECONDS)).rows;
    });
    this.deps.deliverNow(notice);
    this.deps.logger.warn({ channel: message.channel, retryAfterMs: waitMs }, 'customer over the flood limit');
    return outcome;
  }

  /**
   * `alsoInTransaction` lets an adapter commit its own bookkeeping (the web
   * chat transcript) atomically with the message; it runs only for a new
   * delivery.
   */
  async handleInbound(
    message: InboundMessage,
    alsoInTransaction?: (trx: Db, customerId: number) => Promise<void>,
    options: { rejectWhenLimited?: boolean } = {},
  ): Promise<InboundOutcome> {
    const limited = await this.limited(message, options);
    if (limited) return limited;
    let turn: TurnResult | undefined;
    const outcome = await this.deps.db.transaction().execute(async (trx): Promise<InboundOutcome> => {
      const locale = detectLocale(message);
      const customer = await claimDeliveryAndLockCustomer(trx, message.deliveryId, {
        channel: message.channel,
        externalId: message.externalUserId,
        address: message.address,
        displayName: message.profile?.name,
        locale,
      });
      if (!customer) return { ok: false, reason: 'duplicate' };
      await alsoInTransaction?.(trx, customer.id);
      const state = Object.keys(customer.state).length === 0 ? initialState(locale) : parseState(customer.state, locale);
      turn = await this.runTurn(trx, customer, state, { type: 'inbound', message });
      return { ok: true, customerId: customer.id };
    });
    this.deps.inboundHandled?.(message.channel, outcome.ok ? 'new' : 'duplicate');
    if (turn) this.afterCommit(turn);
    // Not the delivery id: channels may build it from the person's identity (web chat: visitor id).
    else this.deps.logger.info({ channel: message.channel }, 'duplicate inbound delivery ignored');
    return outcome;
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

  private async runTurn(trx: Db, customer: CustomerRow, initial: ConversationState, first: ConversationEvent): Promise<TurnResult> {
    let otherWrites = false;
    const { catalog, policy } = this.deps;
    const now = this.deps.clock();
    const ctx = { now, catalog, policy, timezone: policy.timezone };
    const outbound: NewOutboxMessage[] = [];
    const events: ConversationEvent[] = [first];
    let state = initial;
    for (let handled = 0; events.length > 0 && handled < MAX_EVENTS_PER_TURN; handled += 1) {
      const result = step(state, events.shift()!, ctx);
      state = result.state;
      for (const effect of result.effects) {
        switch (effect.type) {
          case 'reply':
            outbound.push(this.toOutbox(customer, state, effect.message));
            break;
          case 'open-case': {
            otherWrites = true;
            const opened = await openCase(trx, { customer: { ...customer, locale: state.locale }, draft: effect.draft, openedVia: effect.openedVia, now, policy });
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
            const cases = await listCasesOfCustomer(trx, customer.id, 5);
            events.push({
              type: 'status-report',
              cases: cases.map((c) => ({ number: c.number, status: c.status, createdAt: new Date(c.created_at).toISOString() })),
            });
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
    const saved = await saveStateAndEnqueue(trx, { id: customer.id, state, locale: state.locale }, outbound, DIRECT_DELIVERY_LEASE_SECONDS);
    return { ...saved, otherWrites };
  }

  private async caseOpened(trx: Db, event: CaseOpenedEvent): Promise<void> {
    for (const listener of this.deps.caseListeners) await listener.caseOpened?.(trx, event);
  }

  private toOutbox(customer: CustomerRow, state: ConversationState, message: OutboundMessage): NewOutboxMessage {
    return {
      customerId: customer.id,
      caseId: state.activeCase?.id ?? null,
      channel: customer.channel,
      conversationKey: `${customer.channel}:${customer.external_id}`,
      address: customer.address,
      payload: message as unknown as Record<string, unknown>,
    };
  }
}

/** The customer's language: the text's script first, then the channel's locale. */
export function detectLocale(message: Pick<InboundMessage, 'text' | 'locale'>): Locale {
  if (message.text && hasCjk(message.text)) return 'zh-CN';
  if (message.locale?.toLowerCase().startsWith('zh')) return 'zh-CN';
  return 'en';
}
