import type { Choice, OutboundMessage } from '../channels/contract.ts';
import type { ConversationEvent, Effect, SurveyRef } from './effects.ts';
import { normaliseKeyword } from './prompt-catalog.ts';
import { readYesNo } from './reading.ts';
import type { ConversationState, SurveyState } from './state.ts';
import type { StepContext } from './context.ts';
import type { SurveyQuestion } from './survey.flow.ts';

/** What the customer sent, as the engine classified it. */
export interface SurveyInput {
  text: string;
  choice?: string;
  command?: string;
}

type Answer = { value: boolean | number | string | null } | 'invalid' | undefined;

/** Button values: `survey:<question id>:<value>`; short enough for Telegram's 64-byte callback data. */
const PREFIX = 'survey:';

/**
 * The survey half of the pure engine: interprets prompts/survey.flow.json on
 * the conversation state (state.survey holds only the pending question).
 * Mutates the state it is given (the engine's own copy) and appends effects.
 */
export class SurveySteps {
  constructor(
    private readonly state: ConversationState,
    private readonly ctx: StepContext,
    private readonly effects: Effect[],
  ) {}

  start(event: Extract<ConversationEvent, { type: 'survey-start' }>): void {
    const first = this.questions(event.survey.kind)[0];
    if (!first) return;
    if (event.survey.kind === 'case') {
      const caseNumber = event.caseNumber ?? '';
      this.state.survey = { kind: 'case', id: event.survey.id, caseId: event.caseId ?? 0, caseNumber, question: first.id };
      this.reply(this.prompt(first, [this.t('survey.intro', { caseNumber })]));
    } else {
      this.state.survey = { kind: 'campaign', id: event.survey.id, question: first.id };
      this.reply(this.prompt(first, [this.t('survey.campaignIntro')]));
    }
  }

  /**
   * True when the input answered the pending question (or was a survey
   * button). Typed text is taken only when it fits the question and no
   * intake is running; everything else goes on to the case as usual.
   */
  input(input: SurveyInput, intakeActive: boolean): boolean {
    const survey = this.state.survey;
    const pressed = input.choice?.startsWith(PREFIX) ? parseChoice(input.choice) : undefined;
    if (!survey) {
      if (input.choice?.startsWith(PREFIX)) this.reply({ text: this.t('survey.notPending') });
      return input.choice?.startsWith(PREFIX) ?? false;
    }
    if (input.choice && !pressed) return input.choice.startsWith(PREFIX);
    if (!pressed && intakeActive) return false;
    const question = this.question(survey.question);
    if (!question) {
      delete this.state.survey;
      return false;
    }
    if (pressed && pressed.question !== question.id) {
      // A button of an earlier question: show the one that is pending.
      this.reply(this.prompt(question));
      return true;
    }
    const answer = pressed ? this.fromButton(question, pressed.value) : this.fromText(question, input);
    if (answer === undefined) return false;
    if (answer === 'invalid') {
      this.reply(this.prompt(question, [], true));
      return true;
    }
    this.answer(survey, question, answer.value);
    return true;
  }

  reminder(ref: SurveyRef): void {
    const survey = this.matching(ref);
    const question = survey && this.question(survey.question);
    if (!question || question.field === 'mediation') return;
    const prompt = this.prompt(question);
    this.reply({ ...prompt, text: this.t('survey.reminder', { prompt: prompt.text }) });
  }

  expired(ref: SurveyRef): void {
    if (this.matching(ref)) delete this.state.survey;
  }

  closed(event: Extract<ConversationEvent, { type: 'survey-closed' }>): void {
    const survey = this.matching(event.survey);
    if (!survey) return;
    if (event.outcome === 'offer-mediation' && survey.kind === 'case') {
      const offer = this.question(this.ctx.catalog.surveyFlow.mediationOffer)!;
      survey.question = offer.id;
      this.reply(this.prompt(offer));
      return;
    }
    delete this.state.survey;
    if (event.outcome === 'reopened' && survey.kind === 'case') {
      this.state.activeCase = { id: survey.caseId, number: survey.caseNumber };
      delete this.state.lastCaseAckAt;
      this.reply({ text: this.t('survey.reopened', { caseNumber: survey.caseNumber }) });
      return;
    }
    this.reply({ text: this.t('survey.thanks') });
  }

  private answer(survey: SurveyState, question: SurveyQuestion, value: boolean | number | string | null): void {
    const ref: SurveyRef = { kind: survey.kind, id: survey.id };
    this.effects.push({ type: 'survey-answer', survey: ref, field: question.field, value });
    if (question.field === 'mediation') {
      delete this.state.survey;
      const caseNumber = survey.kind === 'case' ? survey.caseNumber : '';
      this.reply({ text: this.t(value === true ? 'survey.mediationRequested' : 'survey.mediationDeclined', { caseNumber }) });
      return;
    }
    const order = this.questions(survey.kind);
    const next = order[order.findIndex((q) => q.id === question.id) + 1];
    if (next) {
      survey.question = next.id;
      this.reply(this.prompt(next));
      return;
    }
    // Nothing pending until src/surveys answers with `survey-closed` in this same turn.
    survey.question = '';
    this.effects.push({ type: 'survey-finished', survey: ref });
  }

  private fromButton(question: SurveyQuestion, value: string): Answer {
    if (value === 'skip') return question.optional ? { value: null } : 'invalid';
    switch (question.kind) {
      case 'yesno':
        return value === 'yes' ? { value: true } : value === 'no' ? { value: false } : 'invalid';
      case 'scale':
        return this.inScale(question, value);
      case 'comment':
        return 'invalid';
    }
  }

  private fromText(question: SurveyQuestion, input: SurveyInput): Answer {
    if (input.command === 'skip') return question.optional ? { value: null } : 'invalid';
    const word = normaliseKeyword(input.text);
    switch (question.kind) {
      case 'yesno':
      {
        const answer = readYesNo(input.text, this.ctx.catalog);
        return answer === undefined ? undefined : { value: answer === 'yes' };
      }
      case 'scale':
        return /^\d{1,3}$/.test(word) ? this.inScale(question, word) : undefined;
      case 'comment':
        if (input.command || !input.text) return undefined;
        return input.text.length > question.maxLength ? 'invalid' : { value: input.text };
    }
  }

  private inScale(question: Extract<SurveyQuestion, { kind: 'scale' }>, value: string): Answer {
    const n = Number.parseInt(value, 10);
    return String(n) === value && n >= question.min && n <= question.max ? { value: n } : 'invalid';
  }

  private prompt(question: SurveyQuestion, lead: string[] = [], invalid = false): OutboundMessage {
    const vars: Record<string, number> = question.kind === 'scale' ? { min: question.min, max: question.max } : question.kind === 'comment' ? { max: question.maxLength } : {};
    const lines = [...lead];
    if (invalid) lines.push(this.t(`survey.questions.${question.id}.invalid`, vars));
    lines.push(this.t(`survey.questions.${question.id}.prompt`, vars));
    const value = (v: string | number) => `${PREFIX}${question.id}:${v}`;
    const choices: Choice[] = [];
    if (question.kind === 'yesno') {
      choices.push({ value: value('yes'), label: this.t('survey.buttons.yes') }, { value: value('no'), label: this.t('survey.buttons.no') });
    } else if (question.kind === 'scale') {
      for (let n = question.min; n <= question.max; n += 1) choices.push({ value: value(n), label: String(n) });
    }
    if (question.optional) choices.push({ value: value('skip'), label: this.t('survey.buttons.skip') });
    return { text: lines.join('\n\n'), choices };
  }

  private questions(kind: SurveyRef['kind']): SurveyQuestion[] {
    const flow = this.ctx.catalog.surveyFlow;
    return flow[kind].map((id) => this.question(id)!).filter((q) => this.ctx.policy.survey.askNps || q.field !== 'nps');
  }

  private question(id: string): SurveyQuestion | undefined {
    return this.ctx.catalog.surveyFlow.questions.find((q) => q.id === id);
  }

  private matching(ref: SurveyRef): SurveyState | undefined {
    const survey = this.state.survey;
    return survey && survey.kind === ref.kind && survey.id === ref.id ? survey : undefined;
  }

  private t(key: string, vars?: Record<string, string | number>): string {
    return this.ctx.catalog.t(this.state.locale, key, vars);
  }

  private reply(message: OutboundMessage): void {
    this.effects.push({ type: 'reply', message });
  }
}

function parseChoice(choice: string): { question: string; value: string } | undefined {
  const [, question, value] = choice.split(':');
  return question && value ? { question, value } : undefined;
}
