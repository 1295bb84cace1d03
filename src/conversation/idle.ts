import type { IntakeSteps } from './intake-steps.ts';
import type { Input, Turn } from './turn.ts';

/** A customer with no intake and no case to write to. */
export function idleInput(turn: Turn, intake: IntakeSteps, input: Input): void {
  switch (input.command) {
    case 'status':
      turn.effects.push({ type: 'load-status' });
      return;
    case 'help':
      turn.say('messages.help');
      return;
    case 'cancel':
      turn.say('messages.nothingToCancel');
      return;
    case 'person':
      turn.effects.push({ type: 'open-case', draft: { evidence: [], consent: false }, openedVia: 'person' });
      return;
    default:
      intake.start(input.command ? '' : input.text, input.attachments, input.profileName);
  }
}

/** The reminder, then the expiry, of an intake left unfinished. */
export function idleCheck(turn: Turn, intakeId: string): void {
  const intake = turn.state.intake;
  if (!intake || intake.id !== intakeId) return;
  const { reminderAfterSeconds, expireAfterSeconds } = turn.ctx.policy.intake;
  const lastActivity = Date.parse(intake.lastActivityAt);
  const idleMs = turn.ctx.now.getTime() - lastActivity;
  if (idleMs >= expireAfterSeconds * 1000) {
    delete turn.state.intake;
    turn.say('messages.expired');
    return;
  }
  if (!intake.reminded && idleMs >= reminderAfterSeconds * 1000) {
    intake.reminded = true;
    const prompt = turn.prompt(intake, turn.currentStep(intake));
    turn.reply({ ...prompt, text: turn.t('messages.idleReminder', { prompt: prompt.text }) });
  }
  const nextAfter = intake.reminded ? expireAfterSeconds : reminderAfterSeconds;
  turn.effects.push({ type: 'schedule-idle-check', intakeId, at: new Date(lastActivity + nextAfter * 1000).toISOString() });
}
