import type { InboundAttachment } from '../channels/contract.ts';
import { readsLikeComplaint } from './input.ts';
import type { IntakeSteps } from './intake-steps.ts';
import { readYesNo } from './reading.ts';
import type { Input, Turn } from './turn.ts';

/** How long after the last acknowledgement a further message to a case is acknowledged again. */
const CASE_ACK_INTERVAL_MS = 5 * 60_000;
/** Within this time of opening the case or of their last message to it, a customer is still talking about it. */
const FOLLOW_UP_WINDOW_MS = 30 * 60_000;

const ADD = 'followup:case';
const NEW = 'followup:new';

/**
 * A message from a customer with an open case. It goes to the case when it is
 * clearly about it: files, a short reply, the case number, or anything within
 * half an hour of the case opening or of their last message to it. A message
 * that tells a whole new story later is held and the customer asked, with
 * buttons, whether it belongs to the case or is a new complaint.
 */
export function caseInput(turn: Turn, intake: IntakeSteps, activeCase: { id: number; number: string }, input: Input): void {
  if (turn.state.pendingFollowUp) {
    pendingAnswer(turn, intake, activeCase, input);
    return;
  }
  switch (input.command) {
    case 'status':
      turn.effects.push({ type: 'load-status' });
      return;
    case 'new':
      intake.start('', [], input.profileName);
      return;
    case 'help':
      turn.say('messages.help');
      return;
    case 'person':
      turn.say('messages.personWhileCase', { caseNumber: activeCase.number });
      return;
    case 'cancel':
      turn.state.startFresh = true;
      turn.say('messages.nothingToCancel');
      return;
    default:
      break;
  }
  if (clearlyAboutCase(turn, activeCase, input)) {
    append(turn, activeCase, input.text, input.attachments);
    return;
  }
  turn.state.pendingFollowUp = { text: input.text, attachments: input.attachments };
  turn.reply({
    text: turn.t('messages.belongsWhich', { caseNumber: activeCase.number }),
    choices: [
      { value: ADD, label: turn.t('buttons.addToCase', { caseNumber: activeCase.number }) },
      { value: NEW, label: turn.t('buttons.newComplaint') },
    ],
  });
}

function clearlyAboutCase(turn: Turn, activeCase: { number: string }, input: Input): boolean {
  if (input.choice || !input.text) return true;
  if (input.text.toUpperCase().includes(activeCase.number.toUpperCase())) return true;
  if (!readsLikeComplaint(input.text, turn.ctx.policy)) return true;
  const last = turn.state.lastCaseActivityAt ? Date.parse(turn.state.lastCaseActivityAt) : 0;
  return turn.ctx.now.getTime() - last < FOLLOW_UP_WINDOW_MS;
}

function pendingAnswer(turn: Turn, intake: IntakeSteps, activeCase: { id: number; number: string }, input: Input): void {
  const pending = turn.state.pendingFollowUp!;
  delete turn.state.pendingFollowUp;
  const yesNo = input.choice ? undefined : readYesNo(input.text, turn.ctx.catalog);
  if (input.choice === NEW || input.command === 'new') {
    intake.start(pending.text, pending.attachments, input.profileName);
    return;
  }
  if (input.choice === ADD || yesNo === 'yes') {
    append(turn, activeCase, pending.text, pending.attachments, true);
    return;
  }
  if (input.command === 'cancel') {
    turn.say('messages.followUpDropped');
    return;
  }
  // Anything else: nothing is lost; both go to the case.
  append(turn, activeCase, pending.text, pending.attachments, true);
  if (input.text || input.attachments.length > 0) append(turn, activeCase, input.text, input.attachments);
}

function append(turn: Turn, activeCase: { id: number; number: string }, text: string, attachments: InboundAttachment[], acknowledge = false): void {
  turn.effects.push({ type: 'append-to-case', caseId: activeCase.id, text, attachments });
  turn.state.lastCaseActivityAt = turn.ctx.now.toISOString();
  const last = turn.state.lastCaseAckAt ? Date.parse(turn.state.lastCaseAckAt) : 0;
  if (acknowledge || turn.ctx.now.getTime() - last >= CASE_ACK_INTERVAL_MS) {
    turn.state.lastCaseAckAt = turn.ctx.now.toISOString();
    turn.say('messages.addedToCase', { caseNumber: activeCase.number });
  }
}
