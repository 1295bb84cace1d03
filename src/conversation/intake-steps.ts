import type { InboundAttachment } from '../channels/contract.ts';
import { foldForMatching, hasHan } from '../understanding/normalise.ts';
import { answerStep, type Outcome } from './intake-answers.ts';
import { absorb, fillFields, profileName, readsLikeComplaint } from './input.ts';
import type { FlowStep } from './intake.flow.ts';
import { normaliseKeyword, optionValues } from './prompt-catalog.ts';
import { extractFields, proposeCategory, soundsSerious } from './reading.ts';
import type { Draft, IntakeState } from './state.ts';
import { clearField, withoutUnconsentedContact, type Input, type IntakeActions, type Turn } from './turn.ts';

/** The intake interview: starting it, taking answers, moving on, going back. */
export class IntakeSteps implements IntakeActions {
  constructor(private readonly turn: Turn) {}

  private get ctx() {
    return this.turn.ctx;
  }

  private remedies(): readonly string[] {
    const step = this.turn.steps.find((s) => s.kind === 'choice' && s.field === 'desiredResolution');
    return step?.kind === 'choice' ? optionValues(step.options, this.ctx.policy) : [];
  }

  /** The first message may already tell the story: it is read, not asked again. */
  start(text: string, attachments: InboundAttachment[], profile: string | undefined): void {
    const turn = this.turn;
    const now = this.ctx.now.toISOString();
    delete turn.state.startFresh;
    delete turn.state.pendingFollowUp;
    const draft: Draft = { evidence: attachments.slice(0, this.ctx.policy.intake.maxEvidenceFiles) };
    const intake: IntakeState = { id: `${this.ctx.now.getTime()}`, step: '', history: [], draft, misses: 0, editing: false, startedAt: now, lastActivityAt: now, reminded: false };
    turn.state.intake = intake;
    const greeting = text === '' || this.ctx.catalog.keywords('greeting').has(normaliseKeyword(foldForMatching(text)));
    const story = !greeting && (readsLikeComplaint(text, this.ctx.policy) || proposeCategory(text, this.ctx.catalog, this.ctx.policy) !== undefined || soundsSerious(text, this.ctx.catalog));
    // A story is answered in its own language, whatever the page or app said; a greeting does not switch.
    if (story && hasHan(text)) turn.state.locale = 'zh-CN';
    else if (story && !hasHan(text) && readsLikeComplaint(text, this.ctx.policy)) turn.state.locale = 'en';
    if (story) absorb(intake, text, turn.reading, this.remedies());
    else if (text) {
      // Too little to be the story ("你好", "the installer was rude"), but the customer's words all the same: kept for the description.
      intake.opening = text;
      fillFields(draft, text, turn.reading);
    }
    const name = profileName(profile, turn.locale === 'zh-CN');
    if (name && !draft.contactName) draft.contactName = name;
    const lead = [!story ? turn.t('messages.welcome') : soundsSerious(text, this.ctx.catalog) ? turn.t('messages.ackSerious') : turn.t('messages.ackProblem')];
    const first = turn.nextStep(draft);
    intake.step = first.id;
    turn.reply(turn.prompt(intake, first, { lead }));
    turn.effects.push({
      type: 'schedule-idle-check',
      intakeId: intake.id,
      at: new Date(this.ctx.now.getTime() + this.ctx.policy.intake.reminderAfterSeconds * 1000).toISOString(),
    });
  }

  input(intake: IntakeState, input: Input): void {
    const turn = this.turn;
    const current = turn.currentStep(intake);
    switch (input.command) {
      case 'cancel':
        delete turn.state.intake;
        turn.state.startFresh = true;
        turn.say('messages.cancelled');
        return;
      case 'help':
        turn.reply(turn.prompt(intake, current, { lead: [turn.t('messages.help')] }));
        return;
      case 'person':
        turn.effects.push({ type: 'open-case', draft: withoutUnconsentedContact(intake.draft), openedVia: 'person' });
        return;
      case 'status':
        turn.effects.push({ type: 'load-status' });
        return;
      case 'back':
        this.back(intake);
        return;
      case 'new':
        // Already in a complaint: show where it stands rather than take "new" as an answer.
        turn.repromptCurrent();
        return;
      default:
        break;
    }
    if (input.attachments.length > 0 && current.kind !== 'evidence' && current.kind !== 'details') {
      this.addEvidence(intake, input.attachments);
      if (!input.text && !input.choice) return;
    }
    if (input.command === 'skip' && !current.optional && current.kind !== 'summary') {
      turn.reply(turn.prompt(intake, current, { lead: [turn.t('messages.cannotSkip')] }));
      return;
    }
    const outcome: Outcome = answerStep(turn, intake, current, input, this.remedies());
    if (outcome === 'handled') return;
    if (outcome === 'invalid') {
      // Words that tell the story are never refused: they join the description and the question stays.
      const fields = extractFields(input.text, turn.reading);
      const content = readsLikeComplaint(input.text, this.ctx.policy) || Object.keys(fields).length > 0;
      if (!input.choice && !input.command && current.kind !== 'text' && content) {
        absorb(intake, input.text, turn.reading, this.remedies());
        turn.reply(turn.prompt(intake, turn.currentStep(intake), { lead: [turn.t('messages.addedToDescription')] }));
        return;
      }
      intake.misses += 1;
      const offer = intake.misses >= this.ctx.policy.intake.missesBeforeOffer;
      turn.reply(turn.prompt(intake, current, { invalid: true, offer }));
      return;
    }
    // The story told at the description question is acknowledged before the next question, as at the start.
    const told = current.kind === 'text' && current.field === 'description' ? [this.acknowledgement(intake.draft.description ?? '')] : undefined;
    this.advance(intake, current, told);
  }

  /** Concern in proportion: an injury, fire or legal threat is met with concern and urgency first. */
  private acknowledgement(story: string): string {
    return this.turn.t(soundsSerious(story, this.ctx.catalog) ? 'messages.ackSerious' : 'messages.ackProblem');
  }

  advance(intake: IntakeState, answered: FlowStep, lead?: string[]): void {
    intake.misses = 0;
    if (intake.history.at(-1) !== answered.id) intake.history.push(answered.id);
    const next = this.turn.nextStep(intake.draft);
    if (next.kind === 'summary') intake.editing = false;
    intake.step = next.id;
    this.turn.reply(this.turn.prompt(intake, next, lead ? { lead } : {}));
  }

  /** "Edit → <field>" at the summary: the old answer is forgotten, so the new one replaces it. */
  edit(intake: IntakeState, target: FlowStep): void {
    clearField(intake.draft, target);
    if (target.kind === 'choice' && target.field === 'category') delete intake.proposal;
    intake.step = target.id;
    intake.editing = true;
    intake.misses = 0;
    this.turn.reply(this.turn.prompt(intake, target));
  }

  private back(intake: IntakeState): void {
    const turn = this.turn;
    const previousId = intake.history.pop();
    const previous = previousId ? turn.steps.find((s) => s.id === previousId) : undefined;
    if (!previous) {
      turn.say('messages.cannotGoBack');
      turn.repromptCurrent();
      return;
    }
    clearField(intake.draft, previous);
    intake.step = previous.id;
    intake.editing = false;
    intake.misses = 0;
    turn.reply(turn.prompt(intake, previous));
  }

  addEvidence(intake: IntakeState, attachments: InboundAttachment[]): void {
    const turn = this.turn;
    const max = this.ctx.policy.intake.maxEvidenceFiles;
    for (const attachment of attachments) {
      if (intake.draft.evidence.length >= max) {
        turn.say('steps.evidence.tooMany', { max });
        return;
      }
      intake.draft.evidence.push(attachment);
      turn.say('steps.evidence.received', { fileName: attachment.fileName, count: intake.draft.evidence.length });
    }
    // At the evidence question the customer finishes with Done: keep the button on the latest message.
    const last = turn.effects.at(-1);
    const kind = turn.currentStep(intake).kind;
    if ((kind === 'evidence' || kind === 'details') && last?.type === 'reply') last.message.choices = [turn.render.button(turn.locale, 'done')];
  }
}
