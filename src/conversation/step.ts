import type { OutboundMessage } from '../channels/contract.ts';
import { hasHan, toTraditional, writesTraditional } from '../understanding/normalise.ts';
import { caseInput } from './case-followup.ts';
import { caseProgress, labelIn, nextMilestone } from './case-progress.ts';
import type { StepContext, StepResult } from './context.ts';
import { formatDate, formatDateTime } from './dates.ts';
import type { CaseSummaryForStatus, ConversationEvent } from './effects.ts';
import { idleCheck, idleInput } from './idle.ts';
import { classify } from './input.ts';
import { IntakeSteps } from './intake-steps.ts';
import type { ConversationState } from './state.ts';
import { SurveySteps } from './survey-step.ts';
import { Turn } from './turn.ts';
import { cleanText } from './validators.ts';

export type { StepContext, StepResult } from './context.ts';
export { formatDateTime } from './dates.ts';
export { withoutUnconsentedContact } from './turn.ts';

/**
 * The conversation engine: a pure function of state, event and context. No
 * I/O, no clock reads: effects say what should happen, and results (a case
 * opened, a status loaded) come back as events.
 */
/** Why a file was not taken, in the customer's words. A link that could not be fetched says only that it did not arrive (no port scanning). */
const REFUSAL_TEXTS = {
  too_large: 'steps.evidence.reasonTooLarge',
  unsupported_type: 'steps.evidence.reasonUnsupported',
  not_received: 'steps.evidence.reasonNotReceived',
} as const;

export function step(state: ConversationState, event: ConversationEvent, ctx: StepContext): StepResult {
  const turn = new Turn(state, ctx);
  const intake = new IntakeSteps(turn);
  turn.intake = intake;
  const surveys = new SurveySteps(turn.state, ctx, turn.effects);
  switch (event.type) {
    case 'inbound':
      inbound(turn, intake, surveys, event.message);
      break;
    case 'case-opened': {
      delete turn.state.intake;
      turn.state.activeCase = { id: event.caseId, number: event.caseNumber };
      turn.state.lastCaseActivityAt = ctx.now.toISOString();
      delete turn.state.lastCaseAckAt;
      const responseDue = formatDateTime(new Date(event.firstResponseDueAt), turn.locale, ctx.timezone);
      turn.say(event.openedVia === 'person' ? 'messages.caseOpenedPerson' : 'messages.caseOpened', { caseNumber: event.caseNumber, responseDue, responseHours: event.responseHours });
      break;
    }
    case 'status-report':
      statusReport(turn, event.cases);
      break;
    case 'idle-check':
      idleCheck(turn, event.intakeId);
      break;
    case 'data-request-opened': {
      // The unfinished draft is dropped (the customer wants their data gone); later messages go to the request's case.
      const hadDraft = turn.state.intake !== undefined;
      delete turn.state.intake;
      turn.state.activeCase = { id: event.caseId, number: event.caseNumber };
      turn.state.lastCaseActivityAt = ctx.now.toISOString();
      delete turn.state.lastCaseAckAt;
      if (hadDraft) turn.say('messages.dataRequestDraftDropped');
      const responseDue = formatDateTime(new Date(event.firstResponseDueAt), turn.locale, ctx.timezone);
      turn.say(event.existing ? 'messages.dataRequestExisting' : 'messages.dataRequestOpened', { caseNumber: event.caseNumber, responseDue });
      break;
    }
    case 'survey-start':
      surveys.start(event);
      break;
    case 'survey-reminder':
      surveys.reminder(event.survey);
      break;
    case 'survey-expired':
      surveys.expired(event.survey);
      break;
    case 'survey-closed':
      surveys.closed(event);
      break;
    case 'deadline-missed':
    case 'milestone-missed':
    case 'milestone-reached':
    case 'progress-update':
      caseProgress(turn, event);
      break;
    case 'flood-limited':
      // Only a reply: the message over the limit was not taken, so the conversation stays where it was.
      turn.say('messages.slowDown');
      break;
  }
  if (turn.state.traditional && turn.state.locale === 'zh-CN') {
    for (const effect of turn.effects) if (effect.type === 'reply') effect.message = traditional(effect.message);
  }
  return { state: turn.state, effects: turn.effects };
}

function inbound(turn: Turn, intake: IntakeSteps, surveys: SurveySteps, message: Extract<ConversationEvent, { type: 'inbound' }>['message']): void {
  if (message.greeting) {
    // Opening the chat is not an answer: the pending question, or the welcome when idle; nothing over a case or survey.
    if (turn.state.intake) turn.repromptCurrent();
    else if (!turn.state.activeCase && !turn.state.survey) intake.start('', [], message.profile?.name);
    return;
  }
  const text = cleanText(message.text ?? '');
  // Answer in the script the customer writes: Traditional in, Traditional out.
  if (writesTraditional(text)) turn.state.traditional = true;
  // Back to Simplified: only asked of a customer answered in Traditional (the check loads the Simplified → Traditional dictionaries).
  else if (turn.state.traditional && hasHan(text) && toTraditional(text) !== text) delete turn.state.traditional;
  const max = turn.ctx.policy.intake.descriptionMaxLength;
  for (const refused of message.rejectedAttachments ?? []) {
    const reason = turn.t(REFUSAL_TEXTS[refused.reason]);
    turn.say('steps.evidence.refused', { fileName: refused.fileName, reason });
  }
  if (text.length > max) {
    turn.say('messages.tooLong', { max });
    if (turn.state.intake) turn.repromptCurrent();
    return;
  }
  const input = classify(text, message.choice, message.attachments ?? [], turn.ctx.catalog);
  if (message.profile?.name) input.profileName = message.profile.name;
  if (!input.text && !input.choice && input.attachments.length === 0) {
    if ((message.rejectedAttachments ?? []).length === 0) turn.say('messages.empty');
    return;
  }
  if (input.language) {
    turn.state.locale = input.language;
    turn.say('messages.languageChanged');
    if (turn.state.intake) turn.repromptCurrent();
    return;
  }
  if (input.command === 'erase') {
    // Never erased from the chat: who is writing cannot be verified here. Staff get a case.
    turn.effects.push({ type: 'open-data-request', request: 'erasure' });
    return;
  }
  if (surveys.input(input, turn.state.intake !== undefined)) return;
  if (turn.state.intake) {
    turn.state.intake.lastActivityAt = turn.ctx.now.toISOString();
    intake.input(turn.state.intake, input);
  } else if (turn.state.activeCase && !turn.state.startFresh) {
    caseInput(turn, intake, turn.state.activeCase, input);
  } else {
    idleInput(turn, intake, input);
  }
}

function statusReport(turn: Turn, cases: Extract<ConversationEvent, { type: 'status-report' }>['cases']): void {
  if (cases.length === 0) {
    turn.say('messages.statusNone');
  } else {
    const lines = cases.map(
      (c) =>
        turn.t('messages.statusLine', {
          caseNumber: c.number,
          date: formatDate(new Date(c.createdAt), turn.locale, turn.ctx.timezone),
          status: turn.ctx.catalog.optionLabel(turn.locale, 'status', c.status),
        }) + statusMilestones(turn, c),
    );
    turn.reply({ text: lines.join('\n') });
  }
  if (turn.state.intake) turn.repromptCurrent();
}

/** " Done: on-site visit. Next: repair plan, expected by …" after an open case's line. */
function statusMilestones(turn: Turn, c: CaseSummaryForStatus): string {
  if (!c.milestones) return '';
  const done = c.milestones.done.map((label) => labelIn(label, turn.locale));
  return (done.length > 0 ? turn.t('messages.statusDone', { milestones: done.join(turn.t('messages.listSeparator')) }) : '') + nextMilestone(turn, c.milestones.next);
}

function traditional(message: OutboundMessage): OutboundMessage {
  const converted: OutboundMessage = { text: toTraditional(message.text) };
  if (message.choices) converted.choices = message.choices.map((c) => ({ value: c.value, label: toTraditional(c.label) }));
  if (message.card) converted.card = { title: toTraditional(message.card.title), fields: message.card.fields.map((f) => ({ label: toTraditional(f.label), value: toTraditional(f.value) })) };
  return converted;
}
