import type { InboundAttachment, OutboundMessage } from '../channels/contract.ts';
import type { StepContext } from './context.ts';
import type { Effect } from './effects.ts';
import type { FlowStep } from './intake.flow.ts';
import type { COMMAND_KEYWORDS, Locale } from './prompt-catalog.ts';
import type { ReadContext } from './reading.ts';
import { Renderer } from './render.ts';
import type { ConversationState, Draft, IntakeState } from './state.ts';

export type Command = (typeof COMMAND_KEYWORDS)[number];

/** One customer message as the engine classified it. */
export interface Input {
  text: string;
  choice?: string;
  command?: Command;
  language?: Locale;
  attachments: InboundAttachment[];
  profileName?: string;
}

/** What answers call back into the intake for (src/conversation/intake-steps.ts implements it). */
export interface IntakeActions {
  addEvidence(intake: IntakeState, attachments: InboundAttachment[]): void;
  edit(intake: IntakeState, target: FlowStep): void;
}

/**
 * One run of the engine: its own copy of the state, the effects so far, and
 * the helpers every concern (intake, case follow-ups, idle) shares.
 */
export class Turn {
  readonly effects: Effect[] = [];
  readonly render: Renderer;
  state: ConversationState;
  /** Set by step(): the intake concern, which answers call back into (evidence, edits). */
  intake!: IntakeActions;

  constructor(
    state: ConversationState,
    readonly ctx: StepContext,
  ) {
    this.state = structuredClone(state);
    this.render = new Renderer(ctx.catalog, ctx.policy);
  }

  get locale(): Locale {
    return this.state.locale;
  }

  get reading(): ReadContext {
    return { policy: this.ctx.policy, catalog: this.ctx.catalog, now: this.ctx.now, timezone: this.ctx.timezone };
  }

  t(key: string, vars?: Record<string, string | number>): string {
    return this.ctx.catalog.t(this.locale, key, vars);
  }

  reply(message: OutboundMessage): void {
    this.effects.push({ type: 'reply', message });
  }

  say(key: string, vars?: Record<string, string | number>): void {
    this.reply(this.render.text(this.locale, key, vars));
  }

  get steps(): readonly FlowStep[] {
    return this.ctx.catalog.flow.steps;
  }

  currentStep(intake: IntakeState): FlowStep {
    return this.steps.find((s) => s.id === intake.step) ?? this.nextStep(intake.draft);
  }

  summaryStep(): FlowStep {
    return this.steps.at(-1)!;
  }

  nextStep(draft: Draft): FlowStep {
    return this.steps.find((s) => needsAnswer(draft, s)) ?? this.summaryStep();
  }

  prompt(intake: IntakeState, step: FlowStep, options: { lead?: string[]; invalid?: boolean; offer?: boolean } = {}): OutboundMessage {
    return this.render.stepPrompt(this.locale, step, intake.draft, { ...options, proposal: intake.proposal });
  }

  repromptCurrent(lead?: string[]): void {
    const intake = this.state.intake!;
    this.reply(this.prompt(intake, this.currentStep(intake), lead ? { lead } : {}));
  }
}

export function needsAnswer(draft: Draft, step: FlowStep): boolean {
  if (step.requiresConsent && draft.consent !== true) return false;
  switch (step.kind) {
    case 'summary':
      return true;
    case 'consent':
      return draft.consent === undefined;
    case 'evidence':
      return draft.evidenceDone === undefined;
    case 'details':
      return draft.detailsDone === undefined && (draft.whenWhere === undefined || draft.orderRef === undefined);
    case 'contact':
      return draft.contactDone === undefined && !draft.phone && !draft.email;
    default:
      return draft[step.field] === undefined;
  }
}

/** Editing or going back to a step forgets its answer: the new one replaces it. */
export function clearField(draft: Draft, step: FlowStep): void {
  switch (step.kind) {
    case 'summary':
      return;
    case 'evidence':
      delete draft.evidenceDone;
      return;
    case 'details':
      delete draft.detailsDone;
      delete draft.whenWhere;
      delete draft.orderRef;
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
