import type { CaseListener, CaseOpenedEvent } from '../cases/case-listener.ts';
import { appendCaseMessage } from '../cases/case.repository.ts';
import { statusSummaries } from '../sla/case-milestones.ts';
import { openCase } from '../cases/open-case.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { PromptCatalog } from '../conversation/prompt-catalog.ts';
import type { ConversationState } from '../conversation/state.ts';
import { step, type StepResult } from '../conversation/step.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { NewOutboxMessage } from '../outbox/outbox.repository.ts';
import type { Policy } from '../policy.ts';
import { openDataRequest } from '../privacy/data-request.ts';
import type { SurveyAnswers } from '../surveys/survey-answers.ts';
import type { ClassifyRules } from '../understanding/classify-rules.ts';
import { followClosedCase, mayFollowClosedCase, type ClosedCaseHook } from './closed-case.ts';
import { customerMessage } from '../cases/customer-message.ts';
import type { ComputedTurn } from './save-and-deliver.ts';

export const IDLE_CHECK_QUEUE = 'conversation-idle-check';
const MAX_EVENTS_PER_TURN = 8;

/** What carrying out a turn's effects needs. */
export interface TurnDeps {
  catalog: PromptCatalog;
  policy: Policy;
  /** Severity phrase rules and category terms (prompts/<locale>/classify.json), loaded at start. */
  classifyRules: ClassifyRules;
  timers: Timers;
  logger: Logger;
  clock: () => Date;
  caseListeners: CaseListener[];
  /** Stores survey answers and decides what a finished survey leads to. */
  surveyAnswers?: Pick<SurveyAnswers, 'answer' | 'finish'>;
  /** A message to a closed case reopens it or starts a new complaint (policy.closing.afterClose). */
  closing?: ClosedCaseHook;
}

/**
 * Steps the conversation and carries out the effects that touch the
 * database (cases, timers, surveys) in `trx`; the state and the replies are
 * returned, to be saved by the caller (together with other turns). Effects
 * that lead to an event (a case opened, a status loaded) feed it back into
 * the step, at most MAX_EVENTS_PER_TURN times.
 *
 * `activeCaseStatus`: the status of the case the state names, read with the
 * customer's lock (inbound batches); undefined when it was not read.
 */
export async function computeTurn(
  deps: TurnDeps,
  trx: Db,
  customer: CustomerRow,
  initial: ConversationState,
  first: ConversationEvent,
  activeCaseStatus?: string | null,
): Promise<ComputedTurn> {
  let otherWrites = false;
  const { catalog, policy } = deps;
  const now = deps.clock();
  const ctx = { now, catalog, policy, timezone: policy.timezone };
  const outbound: NewOutboxMessage[] = [];
  const events: ConversationEvent[] = [first];
  let state = initial;
  let stepped: StepResult | undefined;
  if (deps.closing && state.activeCase && mayFollowClosedCase(state, first, activeCaseStatus)) {
    const closed = await followClosedCase(trx, deps.closing, state.activeCase.id, state, first, ctx);
    ({ state, stepped } = closed);
    if (closed.reopened) otherWrites = true;
  }
  const caseOpened = async (event: CaseOpenedEvent) => {
    for (const listener of deps.caseListeners) await listener.caseOpened?.(trx, event);
  };
  for (let handled = 0; events.length > 0 && handled < MAX_EVENTS_PER_TURN; handled += 1) {
    const event = events.shift()!;
    const result = stepped ?? step(state, event, ctx);
    stepped = undefined;
    state = result.state;
    for (const effect of result.effects) {
      switch (effect.type) {
        case 'reply':
          outbound.push(customerMessage(customer, effect.message, { caseId: effect.caseId ?? state.activeCase?.id ?? null }));
          break;
        case 'open-case': {
          otherWrites = true;
          const opened = await openCase(trx, { customer: { ...customer, locale: state.locale }, draft: effect.draft, openedVia: effect.openedVia, now, policy, rules: deps.classifyRules });
          await caseOpened({ caseId: opened.id, number: opened.number, severity: opened.severity, at: now, firstResponseDueAt: opened.firstResponseDueAt, resolutionDueAt: opened.resolutionDueAt });
          deps.logger.info({ caseId: opened.id, caseNumber: opened.number, severity: opened.severity, channel: customer.channel }, 'case opened');
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
          for (const listener of deps.caseListeners) {
            await listener.customerMessage?.(trx, { caseId: effect.caseId, text: effect.text, attachments: effect.attachments, at: now });
          }
          break;
        case 'load-status': {
          // Open cases come with their milestones (issue 18).
          events.push({ type: 'status-report', cases: await statusSummaries(trx, customer.id, deps.policy, now) });
          break;
        }
        case 'open-data-request': {
          otherWrites = true;
          const request = await openDataRequest(trx, { customer, locale: state.locale, now, policy });
          if (!request.existing) {
            await caseOpened({ caseId: request.id, number: request.number, severity: request.severity, at: now, firstResponseDueAt: request.firstResponseDueAt, resolutionDueAt: request.resolutionDueAt });
          }
          deps.logger.info({ caseId: request.id, caseNumber: request.number, existing: request.existing, channel: customer.channel }, 'data request case opened');
          events.push({ type: 'data-request-opened', caseId: request.id, caseNumber: request.number, existing: request.existing, firstResponseDueAt: request.firstResponseDueAt.toISOString() });
          break;
        }
        case 'survey-answer':
          otherWrites = true;
          await deps.surveyAnswers?.answer(trx, effect.survey, effect.field, effect.value, now);
          break;
        case 'survey-finished': {
          otherWrites = true;
          const outcome = (await deps.surveyAnswers?.finish(trx, effect.survey, now)) ?? 'thanks';
          events.push({ type: 'survey-closed', survey: effect.survey, outcome });
          break;
        }
        case 'schedule-idle-check':
          await deps.timers.schedule(trx, IDLE_CHECK_QUEUE, { customerId: customer.id, intakeId: effect.intakeId }, new Date(effect.at));
          break;
      }
    }
  }
  return { save: { customer: { id: customer.id, state, locale: state.locale }, messages: outbound }, otherWrites };
}
