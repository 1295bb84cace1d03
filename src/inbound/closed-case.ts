import type { CaseClosing } from '../surveys/case-closing.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { ConversationState } from '../conversation/state.ts';
import { step, type StepContext, type StepResult } from '../conversation/step.ts';
import type { Db } from '../db/database.ts';

export type ClosedCaseHook = Pick<CaseClosing, 'messageAfterClose'>;

/**
 * Whether a customer's message must first be checked against a closed case:
 * the conversation still names a case (outside an intake) that may have
 * closed. `activeCaseStatus` is that case's status as read with the
 * customer's lock (undefined: not read). Only a resolved case can close, and
 * the status may predate the lock, so `resolved` and `closed` are checked
 * afresh; any other status means the case is open and no query is needed.
 */
export function mayFollowClosedCase(state: ConversationState, first: ConversationEvent, activeCaseStatus: string | null | undefined): boolean {
  if (first.type !== 'inbound' || !state.activeCase || state.intake) return false;
  return activeCaseStatus === undefined || activeCaseStatus === 'resolved' || activeCaseStatus === 'closed';
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
export async function followClosedCase(
  trx: Db,
  closing: ClosedCaseHook,
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
