import type { InboundMessage, OutboundMessage } from '../channels/contract.ts';
import type { CaseListener } from '../cases/case-listener.ts';
import { appendCaseMessage, listCasesOfCustomer } from '../cases/case.repository.ts';
import { openCase } from '../cases/open-case.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Locale, PromptCatalog } from '../conversation/prompt-catalog.ts';
import { initialState, parseState, type ConversationState } from '../conversation/state.ts';
import { step } from '../conversation/step.ts';
import { hasCjk } from '../conversation/validators.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import { enqueueOutbound, type NewOutboxMessage } from '../outbox/outbox.repository.ts';
import type { Policy } from '../policy.ts';
import { openDataRequest } from '../privacy/data-request.ts';
import type { SurveyAnswers } from '../surveys/survey-answers.ts';
import { claimDelivery, lockCustomer, saveCustomerState, upsertAndLockCustomer } from './customer.repository.ts';

export const IDLE_CHECK_QUEUE = 'conversation-idle-check';
const MAX_EVENTS_PER_TURN = 8;

export type InboundOutcome = { ok: true; customerId: number } | { ok: false; reason: 'duplicate' };

export interface ConversationDeps {
  db: Db;
  catalog: PromptCatalog;
  policy: Policy;
  timers: Timers;
  logger: Logger;
  clock: () => Date;
  /** Called after a commit that wrote outbox rows. */
  outboxWritten: () => void;
  caseListeners: CaseListener[];
  /** Counts inbound messages (metrics); called after the commit. */
  inboundHandled?: (channel: string, outcome: 'new' | 'duplicate') => void;
  /** Stores survey answers and decides what a finished survey leads to. */
  surveyAnswers?: Pick<SurveyAnswers, 'answer' | 'finish'>;
}

/**
 * The use case every customer channel calls. One inbound message is one
 * transaction: dedupe key, conversation state, case changes, audit events,
 * outbox rows and timers commit together, and delivery happens after.
 */
export class ConversationService {
  constructor(private readonly deps: ConversationDeps) {}

  /**
   * `alsoInTransaction` lets an adapter commit its own bookkeeping (the web
   * chat transcript) atomically with the message; it runs only for a new
   * delivery.
   */
  async handleInbound(message: InboundMessage, alsoInTransaction?: (trx: Db, customerId: number) => Promise<void>): Promise<InboundOutcome> {
    const outcome = await this.deps.db.transaction().execute(async (trx): Promise<InboundOutcome> => {
      if (!(await claimDelivery(trx, message.channel, message.deliveryId))) return { ok: false, reason: 'duplicate' };
      const locale = detectLocale(message);
      const customer = await upsertAndLockCustomer(trx, {
        channel: message.channel,
        externalId: message.externalUserId,
        address: message.address,
        displayName: message.profile?.name,
        locale,
      });
      await alsoInTransaction?.(trx, customer.id);
      const state = Object.keys(customer.state).length === 0 ? initialState(locale) : parseState(customer.state, locale);
      await this.runTurn(trx, customer, state, { type: 'inbound', message });
      return { ok: true, customerId: customer.id };
    });
    this.deps.inboundHandled?.(message.channel, outcome.ok ? 'new' : 'duplicate');
    if (outcome.ok) this.deps.outboxWritten();
    // Not the delivery id: channels may build it from the person's identity (web chat: visitor id).
    else this.deps.logger.info({ channel: message.channel }, 'duplicate inbound delivery ignored');
    return outcome;
  }

  /** Timer events (idle intake checks) go through the same step. */
  async handleTimerEvent(customerId: number, event: ConversationEvent): Promise<void> {
    await this.deps.db.transaction().execute((trx) => this.handleEventIn(trx, customerId, event));
    this.deps.outboxWritten();
  }

  /** An event for the customer's conversation inside the caller's transaction (survey timers); the caller wakes the outbox after commit. */
  async handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> {
    const customer = await lockCustomer(trx, customerId);
    if (!customer) return;
    await this.runTurn(trx, customer, parseState(customer.state, customer.locale as Locale), event);
  }

  private async runTurn(trx: Db, customer: CustomerRow, initial: ConversationState, first: ConversationEvent): Promise<void> {
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
            const opened = await openCase(trx, { customer: { ...customer, locale: state.locale }, draft: effect.draft, openedVia: effect.openedVia, now, policy });
            for (const listener of this.deps.caseListeners) {
              await listener.caseOpened?.(trx, {
                caseId: opened.id,
                number: opened.number,
                severity: opened.severity,
                at: now,
                firstResponseDueAt: opened.firstResponseDueAt,
                resolutionDueAt: opened.resolutionDueAt,
              });
            }
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
            const request = await openDataRequest(trx, { customer, locale: state.locale, now, policy });
            if (!request.existing) {
              for (const listener of this.deps.caseListeners) {
                await listener.caseOpened?.(trx, {
                  caseId: request.id,
                  number: request.number,
                  severity: request.severity,
                  at: now,
                  firstResponseDueAt: request.firstResponseDueAt,
                  resolutionDueAt: request.resolutionDueAt,
                });
              }
            }
            this.deps.logger.info({ caseId: request.id, caseNumber: request.number, existing: request.existing, channel: customer.channel }, 'data request case opened');
            events.push({ type: 'data-request-opened', caseId: request.id, caseNumber: request.number, existing: request.existing, firstResponseDueAt: request.firstResponseDueAt.toISOString() });
            break;
          }
          case 'survey-answer':
            await this.deps.surveyAnswers?.answer(trx, effect.survey, effect.field, effect.value, now);
            break;
          case 'survey-finished': {
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
    await saveCustomerState(trx, customer.id, state, state.locale);
    await enqueueOutbound(trx, outbound);
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
