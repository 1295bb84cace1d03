import type { Choice, OutboundMessage } from '../channels/contract.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Policy } from '../policy.ts';
import type { FlowStep } from './intake.flow.ts';
import { optionValues, type Locale, type PromptCatalog } from './prompt-catalog.ts';
import type { Draft } from './state.ts';

/** Builds outbound messages from prompts. Pure. */
export class Renderer {
  constructor(
    private readonly catalog: PromptCatalog,
    private readonly policy: Policy,
  ) {}

  text(locale: Locale, key: string, vars?: Record<string, string | number>): OutboundMessage {
    return { text: this.catalog.t(locale, key, vars) };
  }

  button(locale: Locale, name: string, value = `cmd:${name}`): Choice {
    return { value, label: this.catalog.t(locale, `buttons.${name}`) };
  }

  /** The question of a step, with its buttons. `offer` adds skip/person after repeated misses. */
  stepPrompt(locale: Locale, step: FlowStep, draft: Draft, options: { lead?: string[]; invalid?: boolean; offer?: boolean; proposal?: string | undefined } = {}): OutboundMessage {
    const t = (key: string, vars?: Record<string, string | number>) => this.catalog.t(locale, key, vars);
    const lines = [...(options.lead ?? [])];
    if (options.invalid) lines.push(t(`steps.${step.id}.invalid`, this.limits(step)));
    if (options.offer) lines.push(t(step.optional ? 'messages.offerAlternatives' : 'messages.offerPerson'));
    const choices: Choice[] = [];
    switch (step.kind) {
      case 'consent': {
        const contact = this.contactText(draft);
        const variant = contact ? (draft.contactName ? 'promptKnown' : 'promptName') : draft.contactName ? 'promptContact' : 'prompt';
        lines.push(t(`steps.${step.id}.${variant}`, { contact, name: draft.contactName ?? '' }));
        if (variant === 'promptKnown') choices.push(this.button(locale, 'agree', 'consent:yes'));
        choices.push(this.button(locale, 'noContact', 'consent:no'));
        break;
      }
      case 'choice': {
        const values = optionValues(step.options, this.policy);
        const proposal = step.field === 'category' && options.proposal && values.includes(options.proposal) ? options.proposal : undefined;
        if (proposal) {
          const label = this.catalog.optionLabel(locale, step.field, proposal);
          lines.push(t(`steps.${step.id}.propose`, { label, labelLower: label.toLowerCase() }));
          choices.push({ value: `opt:${proposal}`, label: t('buttons.yesThat') });
        } else {
          lines.push(t(`steps.${step.id}.prompt`));
        }
        for (const value of values) {
          if (value !== proposal) choices.push({ value: `opt:${value}`, label: this.catalog.optionLabel(locale, step.field, value) });
        }
        break;
      }
      case 'details':
        // Only what is still unknown is asked: the time was in the story, or the order number was.
        lines.push(t(`steps.${step.id}.${draft.whenWhere !== undefined ? 'promptNoWhen' : draft.orderRef ? 'promptNoOrder' : 'prompt'}`));
        break;
      case 'evidence':
        lines.push(t(`steps.${step.id}.prompt`, this.limits(step)));
        choices.push(this.button(locale, 'done'));
        break;
      case 'summary':
        lines.push(t(`steps.${step.id}.prompt`));
        choices.push(this.button(locale, 'confirm'), this.button(locale, 'edit'), this.button(locale, 'cancel'));
        break;
      default:
        lines.push(t(`steps.${step.id}.prompt`, this.limits(step)));
        break;
    }
    // "Skip" is offered only where skipping is allowed.
    if (step.optional && step.kind !== 'choice') choices.push(this.button(locale, step.kind === 'details' ? 'nothingMore' : 'skip', 'cmd:skip'));
    if (options.offer) choices.push(this.button(locale, 'person'));
    const message: OutboundMessage = { text: lines.join('\n\n') };
    if (choices.length > 0) message.choices = choices;
    if (step.kind === 'summary') message.card = this.summaryCard(locale, draft, this.catalog.flow.steps);
    return message;
  }

  summaryCard(locale: Locale, draft: Draft, steps: readonly FlowStep[]): NonNullable<OutboundMessage['card']> {
    const t = (key: string) => this.catalog.t(locale, key);
    const none = t('summary.none');
    const fields: Array<{ label: string; value: string }> = [];
    for (const step of steps) {
      if (step.kind === 'summary' || step.kind === 'consent') continue;
      if (step.kind === 'details') {
        fields.push({ label: t('summary.whenWhere'), value: draft.whenWhere ?? none });
        fields.push({ label: t('summary.orderRef'), value: draft.orderRef ?? none });
        fields.push({ label: t('summary.evidence'), value: draft.evidence.length > 0 ? draft.evidence.map((a) => a.fileName).join(', ') : none });
        continue;
      }
      const label = t(`summary.${step.field}`);
      if (step.requiresConsent && draft.consent !== true) {
        fields.push({ label, value: t('summary.notStored') });
        continue;
      }
      fields.push({ label, value: this.fieldValue(locale, step, draft) ?? none });
    }
    return { title: t('summary.title'), fields };
  }

  editChoices(locale: Locale, draft: Draft, steps: readonly FlowStep[]): OutboundMessage {
    const choices = steps
      .filter((s) => s.kind !== 'summary' && (s.kind === 'consent' || !s.requiresConsent || draft.consent === true))
      .map((s) => ({ value: `edit:${s.id}`, label: s.kind === 'consent' ? this.catalog.t(locale, 'buttons.agree') + ' / ' + this.catalog.t(locale, 'buttons.decline') : this.catalog.t(locale, `summary.${s.field}`) }));
    return { text: this.catalog.t(locale, 'steps.summary.editWhich'), choices };
  }

  private fieldValue(locale: Locale, step: FlowStep, draft: Draft): string | undefined {
    switch (step.kind) {
      case 'choice': {
        const value = draft[step.field];
        return value ? this.catalog.optionLabel(locale, step.field, value) : undefined;
      }
      case 'text':
        return draft[step.field] ?? undefined;
      case 'reference':
        return draft.orderRef ?? undefined;
      case 'evidence':
        return draft.evidence.length > 0 ? draft.evidence.map((a) => a.fileName).join(', ') : undefined;
      case 'name':
        return draft.contactName ?? undefined;
      case 'contact':
        return this.contactText(draft) || undefined;
      default:
        return undefined;
    }
  }

  /** The phone as the customer writes it at home (138 0013 8000), in international form from abroad. */
  private contactText(draft: Draft): string {
    const phone = draft.phone ? parsePhoneNumberFromString(draft.phone) : undefined;
    const shown = phone ? (phone.country === this.policy.intake.phoneRegion ? phone.formatNational() : phone.formatInternational()) : draft.phone;
    return [shown, draft.email].filter(Boolean).join(', ');
  }

  private limits(step: FlowStep): Record<string, number> {
    if (step.kind === 'text' && step.field === 'description') {
      return { min: this.policy.intake.descriptionMinLength, max: this.policy.intake.descriptionMaxLength };
    }
    if (step.kind === 'text') return { max: step.maxLength ?? this.policy.intake.descriptionMaxLength };
    return { max: this.policy.intake.maxEvidenceFiles };
  }
}
