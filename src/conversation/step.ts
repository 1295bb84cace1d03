import type { InboundAttachment, OutboundMessage } from '../channels/contract.ts';
import type { Policy } from '../policy.ts';
import type { ConversationEvent, Effect } from './effects.ts';
import type { FlowStep } from './intake.flow.ts';
import { prefillFromText } from './prefill.ts';
import { normaliseKeyword, optionValues, type KeywordKind, type Locale, type PromptCatalog } from './prompt-catalog.ts';
import { Renderer } from './render.ts';
import { SurveySteps } from './survey-step.ts';
import type { ConversationState, Draft, IntakeState } from './state.ts';
import { cleanText, normaliseEmail, normalisePhone, matchOrderRef, validateName } from './validators.ts';

export interface StepContext {
  now: Date;
  catalog: PromptCatalog;
  policy: Policy;
  timezone: string;
}

export interface StepResult {
  state: ConversationState;
  effects: Effect[];
}

/** How long after the last acknowledgement a further message to a case is acknowledged again. */
const CASE_ACK_INTERVAL_MS = 5 * 60_000;

/**
 * The conversation engine: a pure function of state, event and context. No
 * I/O, no clock reads: effects say what should happen, and results (a case
 * opened, a status loaded) come back as events.
 */
export function step(state: ConversationState, event: ConversationEvent, ctx: StepContext): StepResult {
  return new Turn(state, ctx).run(event);
}

type Command = 'cancel' | 'back' | 'help' | 'person' | 'skip' | 'status' | 'new' | 'done' | 'confirm' | 'edit' | 'erase';
type Input = { text: string; choice?: string; command?: Command; language?: Locale; attachments: InboundAttachment[] };

class Turn {
  private readonly effects: Effect[] = [];
  private readonly render: Renderer;
  private readonly surveys: SurveySteps;
  private state: ConversationState;

  constructor(state: ConversationState, private readonly ctx: StepContext) {
    this.state = structuredClone(state);
    this.render = new Renderer(ctx.catalog, ctx.policy);
    this.surveys = new SurveySteps(this.state, ctx, this.effects);
  }

  run(event: ConversationEvent): StepResult {
    switch (event.type) {
      case 'inbound':
        this.inbound(event.message);
        break;
      case 'case-opened':
        this.caseOpened(event);
        break;
      case 'status-report':
        this.statusReport(event.cases);
        break;
      case 'idle-check':
        this.idleCheck(event.intakeId);
        break;
      case 'data-request-opened':
        this.dataRequestOpened(event);
        break;
      case 'survey-start':
        this.surveys.start(event);
        break;
      case 'survey-reminder':
        this.surveys.reminder(event.survey);
        break;
      case 'survey-expired':
        this.surveys.expired(event.survey);
        break;
      case 'survey-closed':
        this.surveys.closed(event);
        break;
    }
    return { state: this.state, effects: this.effects };
  }

  private get locale(): Locale {
    return this.state.locale;
  }

  private reply(message: OutboundMessage): void {
    this.effects.push({ type: 'reply', message });
  }

  private say(key: string, vars?: Record<string, string | number>): void {
    this.reply(this.render.text(this.locale, key, vars));
  }

  // ---- customer input -------------------------------------------------

  private inbound(message: Extract<ConversationEvent, { type: 'inbound' }>['message']): void {
    if (message.greeting) {
      this.greet(message.profile?.name);
      return;
    }
    const text = cleanText(message.text ?? '');
    const max = this.ctx.policy.intake.descriptionMaxLength;
    for (const refused of message.rejectedAttachments ?? []) {
      const reason = this.ctx.catalog.t(this.locale, refused.reason === 'too_large' ? 'steps.evidence.reasonTooLarge' : 'steps.evidence.reasonUnsupported');
      this.say('steps.evidence.refused', { fileName: refused.fileName, reason });
    }
    if (text.length > max) {
      this.say('messages.tooLong', { max });
      if (this.state.intake) this.repromptCurrent();
      return;
    }
    const input = this.classify(text, message.choice, message.attachments ?? []);
    if (!input.text && !input.choice && input.attachments.length === 0) {
      if ((message.rejectedAttachments ?? []).length === 0) this.say('messages.empty');
      return;
    }
    if (input.language) {
      this.state.locale = input.language;
      this.say('messages.languageChanged');
      if (this.state.intake) this.repromptCurrent();
      return;
    }
    if (input.command === 'erase') {
      // Never erased from the chat: who is writing cannot be verified here. Staff get a case.
      this.effects.push({ type: 'open-data-request', request: 'erasure' });
      return;
    }
    if (this.surveys.input(input, this.state.intake !== undefined)) return;
    if (this.state.intake) {
      this.state.intake.lastActivityAt = this.ctx.now.toISOString();
      this.intakeInput(this.state.intake, input, message.profile?.name);
    } else if (this.state.activeCase) {
      this.caseInput(this.state.activeCase, input);
    } else {
      this.idleInput(input, message.profile?.name);
    }
  }

  /**
   * Opening the chat is not an answer. Someone idle gets the welcome (as
   * with "/start"); someone in an intake, its pending question; someone with
   * an open case or a pending survey, nothing: their next message must not
   * land in a new intake.
   */
  private greet(profileName: string | undefined): void {
    if (this.state.intake) this.repromptCurrent();
    else if (!this.state.activeCase && !this.state.survey) this.startIntake('', [], profileName);
  }

  private classify(text: string, choice: string | undefined, attachments: InboundAttachment[]): Input {
    const input: Input = { text, attachments };
    if (choice) {
      input.choice = choice;
      if (choice.startsWith('cmd:')) input.command = choice.slice(4) as Command;
      return input;
    }
    const word = normaliseKeyword(text);
    if (!word) return input;
    const language = this.ctx.catalog.languageNames().get(word);
    if (language) {
      input.language = language;
      return input;
    }
    const kinds: KeywordKind[] = ['cancel', 'back', 'help', 'person', 'skip', 'status', 'new', 'done', 'confirm', 'edit', 'erase'];
    for (const kind of kinds) {
      if (this.ctx.catalog.keywords(kind).has(word)) {
        input.command = kind as Command;
        break;
      }
    }
    return input;
  }

  private idleInput(input: Input, profileName: string | undefined): void {
    switch (input.command) {
      case 'status':
        this.effects.push({ type: 'load-status' });
        return;
      case 'help':
        this.say('messages.help');
        return;
      case 'cancel':
        this.say('messages.nothingToCancel');
        return;
      case 'person':
        this.effects.push({ type: 'open-case', draft: { evidence: [], consent: false }, openedVia: 'person' });
        return;
      default:
        this.startIntake(input.command ? '' : input.text, input.attachments, profileName);
    }
  }

  private caseInput(activeCase: { id: number; number: string }, input: Input): void {
    switch (input.command) {
      case 'status':
        this.effects.push({ type: 'load-status' });
        return;
      case 'new':
        this.startIntake('', [], undefined);
        return;
      case 'help':
        this.say('messages.help');
        return;
      case 'person':
        this.say('messages.personWhileCase', { caseNumber: activeCase.number });
        return;
      case 'cancel':
        this.say('messages.nothingToCancel');
        return;
      default: {
        this.effects.push({ type: 'append-to-case', caseId: activeCase.id, text: input.text, attachments: input.attachments });
        const last = this.state.lastCaseAckAt ? Date.parse(this.state.lastCaseAckAt) : 0;
        if (this.ctx.now.getTime() - last >= CASE_ACK_INTERVAL_MS) {
          this.state.lastCaseAckAt = this.ctx.now.toISOString();
          this.say('messages.addedToCase', { caseNumber: activeCase.number });
        }
      }
    }
  }

  private startIntake(text: string, attachments: InboundAttachment[], profileName: string | undefined): void {
    const now = this.ctx.now.toISOString();
    const draft: Draft = { evidence: attachments.slice(0, this.ctx.policy.intake.maxEvidenceFiles) };
    const found = text ? prefillFromText(text, this.ctx.policy, this.ctx.catalog) : {};
    Object.assign(draft, found);
    if (profileName) draft.contactName = validateName(profileName) ?? undefined;
    const intake: IntakeState = {
      id: `${this.ctx.now.getTime()}`,
      step: this.ctx.catalog.flow.steps[0]!.id,
      history: [],
      draft,
      misses: 0,
      editing: false,
      startedAt: now,
      lastActivityAt: now,
      reminded: false,
    };
    this.state.intake = intake;
    const lead = [this.ctx.catalog.t(this.locale, 'messages.welcome')];
    if (Object.keys(found).length > 0) lead.push(this.ctx.catalog.t(this.locale, 'messages.prefilled'));
    this.reply(this.render.stepPrompt(this.locale, this.currentStep(intake), draft, { lead }));
    this.effects.push({
      type: 'schedule-idle-check',
      intakeId: intake.id,
      at: new Date(this.ctx.now.getTime() + this.ctx.policy.intake.reminderAfterSeconds * 1000).toISOString(),
    });
  }

  private intakeInput(intake: IntakeState, input: Input, profileName: string | undefined): void {
    const current = this.currentStep(intake);
    switch (input.command) {
      case 'cancel':
        delete this.state.intake;
        this.say('messages.cancelled');
        return;
      case 'help':
        this.reply(this.render.stepPrompt(this.locale, current, intake.draft, { lead: [this.ctx.catalog.t(this.locale, 'messages.help')] }));
        return;
      case 'person':
        this.effects.push({ type: 'open-case', draft: withoutUnconsentedContact(intake.draft), openedVia: 'person' });
        return;
      case 'status':
        this.effects.push({ type: 'load-status' });
        return;
      case 'back':
        this.back(intake);
        return;
      case 'new':
        // Already in a complaint: show where it stands rather than take "new" as an answer.
        this.repromptCurrent();
        return;
      default:
        break;
    }
    if (input.attachments.length > 0 && current.kind !== 'evidence') {
      this.addEvidence(intake, input.attachments);
      if (!input.text && !input.choice) return;
    }
    const outcome = this.answer(intake, current, input, profileName);
    if (outcome === 'handled') return;
    if (outcome === 'invalid') {
      intake.misses += 1;
      const offer = intake.misses >= this.ctx.policy.intake.missesBeforeOffer;
      this.reply(this.render.stepPrompt(this.locale, current, intake.draft, { invalid: true, offer }));
      return;
    }
    this.advance(intake, current);
  }

  /** Applies an answer to the current step. */
  private answer(intake: IntakeState, step: FlowStep, input: Input, profileName: string | undefined): 'accepted' | 'invalid' | 'handled' {
    const draft = intake.draft;
    const policy = this.ctx.policy;
    if (input.command === 'skip' && step.kind !== 'summary') {
      if (!step.optional) return 'invalid';
      if (step.kind === 'evidence') draft.evidenceDone = true;
      else if (step.kind === 'contact') draft.contactDone = true;
      else if (step.kind !== 'consent') draft[step.field] = null as never;
      return 'accepted';
    }
    switch (step.kind) {
      case 'consent': {
        const answer = input.choice === 'consent:yes' || this.is('yes', input) ? true : input.choice === 'consent:no' || this.is('no', input) ? false : undefined;
        if (answer === undefined) return 'invalid';
        draft.consent = answer;
        if (answer && profileName && draft.contactName === undefined) draft.contactName = validateName(profileName);
        return 'accepted';
      }
      case 'choice': {
        const values = optionValues(step.options, policy);
        const value = this.pickOption(step.field, values, input);
        if (!value) return 'invalid';
        draft[step.field] = value;
        return 'accepted';
      }
      case 'text': {
        const min = step.field === 'description' ? policy.intake.descriptionMinLength : 1;
        const max = step.maxLength ?? policy.intake.descriptionMaxLength;
        if (input.choice || input.text.length < min || input.text.length > max) return 'invalid';
        draft[step.field] = input.text;
        return 'accepted';
      }
      case 'reference': {
        const ref = input.choice ? undefined : matchOrderRef(input.text, policy.intake.orderRefPattern);
        if (!ref) return 'invalid';
        draft.orderRef = ref;
        return 'accepted';
      }
      case 'evidence': {
        if (input.attachments.length > 0) {
          this.addEvidence(intake, input.attachments);
          return 'handled';
        }
        if (input.command === 'done') {
          draft.evidenceDone = true;
          return 'accepted';
        }
        return 'invalid';
      }
      case 'name': {
        const name = input.choice ? undefined : validateName(input.text);
        if (!name) return 'invalid';
        draft.contactName = name;
        return 'accepted';
      }
      case 'contact': {
        if (input.choice) return 'invalid';
        const email = input.text.includes('@') ? normaliseEmail(input.text) : undefined;
        const phone = email ? undefined : normalisePhone(input.text);
        if (!email && !phone) return 'invalid';
        if (email) draft.email = email;
        if (phone) draft.phone = phone;
        draft.contactDone = true;
        return 'accepted';
      }
      case 'summary':
        return this.summaryAnswer(intake, input);
    }
  }

  private summaryAnswer(intake: IntakeState, input: Input): 'invalid' | 'handled' {
    if (input.command === 'confirm' || this.is('yes', input)) {
      this.effects.push({ type: 'open-case', draft: withoutUnconsentedContact(intake.draft), openedVia: 'intake' });
      return 'handled';
    }
    if (input.command === 'edit') {
      intake.misses = 0;
      this.reply(this.render.editChoices(this.locale, intake.draft, this.ctx.catalog.flow.steps));
      return 'handled';
    }
    const target = input.choice?.startsWith('edit:') ? this.ctx.catalog.flow.steps.find((s) => s.id === input.choice!.slice(5)) : undefined;
    if (target && target.kind !== 'summary') {
      intake.step = target.id;
      intake.editing = true;
      intake.misses = 0;
      this.reply(this.render.stepPrompt(this.locale, target, intake.draft));
      return 'handled';
    }
    return 'invalid';
  }

  private advance(intake: IntakeState, answered: FlowStep): void {
    intake.misses = 0;
    if (intake.history.at(-1) !== answered.id) intake.history.push(answered.id);
    const next = intake.editing && !this.needsAnswer(intake.draft, answered) ? this.summaryStep() : this.nextStep(intake.draft);
    if (next.kind === 'summary') intake.editing = false;
    intake.step = next.id;
    this.reply(this.render.stepPrompt(this.locale, next, intake.draft));
  }

  private back(intake: IntakeState): void {
    const previousId = intake.history.pop();
    const previous = previousId ? this.ctx.catalog.flow.steps.find((s) => s.id === previousId) : undefined;
    if (!previous) {
      this.say('messages.cannotGoBack');
      this.repromptCurrent();
      return;
    }
    clearField(intake.draft, previous);
    intake.step = previous.id;
    intake.editing = false;
    intake.misses = 0;
    this.reply(this.render.stepPrompt(this.locale, previous, intake.draft));
  }

  private addEvidence(intake: IntakeState, attachments: InboundAttachment[]): void {
    const max = this.ctx.policy.intake.maxEvidenceFiles;
    for (const attachment of attachments) {
      if (intake.draft.evidence.length >= max) {
        this.say('steps.evidence.tooMany', { max });
        return;
      }
      intake.draft.evidence.push(attachment);
      this.say('steps.evidence.received', { fileName: attachment.fileName, count: intake.draft.evidence.length });
    }
    // At the evidence step the customer finishes with Done: keep the button on the latest message.
    const last = this.effects.at(-1);
    if (this.currentStep(intake).kind === 'evidence' && last?.type === 'reply') last.message.choices = [this.render.button(this.locale, 'done')];
  }

  private pickOption(field: string, values: readonly string[], input: Input): string | undefined {
    if (input.choice) {
      const value = input.choice.startsWith('opt:') ? input.choice.slice(4) : undefined;
      return value && values.includes(value) ? value : undefined;
    }
    const typed = normaliseKeyword(input.text);
    const index = Number.parseInt(typed, 10);
    if (String(index) === typed && index >= 1 && index <= values.length) return values[index - 1];
    return values.find((value) =>
      this.ctx.catalog.locales.some((locale) => normaliseKeyword(this.ctx.catalog.optionLabel(locale, field, value)) === typed) || value === typed,
    );
  }

  private is(kind: 'yes' | 'no', input: Input): boolean {
    return !input.choice && this.ctx.catalog.keywords(kind).has(normaliseKeyword(input.text));
  }

  private currentStep(intake: IntakeState): FlowStep {
    return this.ctx.catalog.flow.steps.find((s) => s.id === intake.step) ?? this.nextStep(intake.draft);
  }

  private summaryStep(): FlowStep {
    return this.ctx.catalog.flow.steps.at(-1)!;
  }

  private nextStep(draft: Draft): FlowStep {
    return this.ctx.catalog.flow.steps.find((s) => this.needsAnswer(draft, s)) ?? this.summaryStep();
  }

  private needsAnswer(draft: Draft, step: FlowStep): boolean {
    if (step.requiresConsent && draft.consent !== true) return false;
    switch (step.kind) {
      case 'summary':
        return true;
      case 'consent':
        return draft.consent === undefined;
      case 'evidence':
        return draft.evidenceDone === undefined;
      case 'contact':
        return draft.contactDone === undefined && !draft.phone && !draft.email;
      default:
        return draft[step.field] === undefined;
    }
  }

  private repromptCurrent(): void {
    const intake = this.state.intake!;
    this.reply(this.render.stepPrompt(this.locale, this.currentStep(intake), intake.draft));
  }

  // ---- results of effects ----------------------------------------------

  private caseOpened(event: Extract<ConversationEvent, { type: 'case-opened' }>): void {
    delete this.state.intake;
    this.state.activeCase = { id: event.caseId, number: event.caseNumber };
    delete this.state.lastCaseAckAt;
    const responseDue = formatDateTime(new Date(event.firstResponseDueAt), this.locale, this.ctx.timezone);
    this.say(event.openedVia === 'person' ? 'messages.caseOpenedPerson' : 'messages.caseOpened', {
      caseNumber: event.caseNumber,
      responseDue,
      responseHours: event.responseHours,
    });
  }

  /** The unfinished draft is dropped (the customer wants their data gone); later messages go to the request's case. */
  private dataRequestOpened(event: Extract<ConversationEvent, { type: 'data-request-opened' }>): void {
    const hadDraft = this.state.intake !== undefined;
    delete this.state.intake;
    this.state.activeCase = { id: event.caseId, number: event.caseNumber };
    delete this.state.lastCaseAckAt;
    if (hadDraft) this.say('messages.dataRequestDraftDropped');
    const responseDue = formatDateTime(new Date(event.firstResponseDueAt), this.locale, this.ctx.timezone);
    this.say(event.existing ? 'messages.dataRequestExisting' : 'messages.dataRequestOpened', { caseNumber: event.caseNumber, responseDue });
  }

  private statusReport(cases: Extract<ConversationEvent, { type: 'status-report' }>['cases']): void {
    if (cases.length === 0) {
      this.say('messages.statusNone');
    } else {
      const lines = cases.map((c) =>
        this.ctx.catalog.t(this.locale, 'messages.statusLine', {
          caseNumber: c.number,
          date: formatDate(new Date(c.createdAt), this.locale, this.ctx.timezone),
          status: this.ctx.catalog.optionLabel(this.locale, 'status', c.status),
        }),
      );
      this.reply({ text: lines.join('\n') });
    }
    if (this.state.intake) this.repromptCurrent();
  }

  private idleCheck(intakeId: string): void {
    const intake = this.state.intake;
    if (!intake || intake.id !== intakeId) return;
    const { reminderAfterSeconds, expireAfterSeconds } = this.ctx.policy.intake;
    const idleMs = this.ctx.now.getTime() - Date.parse(intake.lastActivityAt);
    const lastActivity = Date.parse(intake.lastActivityAt);
    if (idleMs >= expireAfterSeconds * 1000) {
      delete this.state.intake;
      this.say('messages.expired');
      return;
    }
    if (!intake.reminded && idleMs >= reminderAfterSeconds * 1000) {
      intake.reminded = true;
      const prompt = this.render.stepPrompt(this.locale, this.currentStep(intake), intake.draft);
      this.reply({ ...prompt, text: this.ctx.catalog.t(this.locale, 'messages.idleReminder', { prompt: prompt.text }) });
    }
    const nextAfter = intake.reminded ? expireAfterSeconds : reminderAfterSeconds;
    this.effects.push({ type: 'schedule-idle-check', intakeId, at: new Date(lastActivity + nextAfter * 1000).toISOString() });
  }
}

function clearField(draft: Draft, step: FlowStep): void {
  switch (step.kind) {
    case 'summary':
      return;
    case 'evidence':
      delete draft.evidenceDone;
      return;
    case 'contact':
      delete draft.contactDone;
      delete draft.phone;
      delete draft.email;
      return;
    default:
      delete draft[step.field];
  }
}

/** A customer who declined consent has no contact details stored. */
export function withoutUnconsentedContact(draft: Draft): Draft {
  if (draft.consent === true) return draft;
  const { contactName: _n, phone: _p, email: _e, contactDone: _d, ...rest } = draft;
  return { ...rest, consent: false };
}

/** Building an Intl.DateTimeFormat costs about a millisecond: one per locale, zone and style, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, style: 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    format =
      style === 'date'
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone })
        : new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' });
    formatters.set(key, format);
  }
  return format;
}

export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'dateTime').format(date);
}

function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'date').format(date);
}
