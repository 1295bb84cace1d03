import { foldForMatching } from '../understanding/normalise.ts';
import { absorb, fillFields } from './input.ts';
import type { FlowStep } from './intake.flow.ts';
import { optionValues } from './prompt-catalog.ts';
import { extractFields, matchOption, meansNone, readOrderRef, readYesNo } from './reading.ts';
import type { IntakeState } from './state.ts';
import { withoutUnconsentedContact, type Input, type Turn } from './turn.ts';
import { normaliseEmail, validateName } from './validators.ts';

export type Outcome = 'accepted' | 'invalid' | 'handled';

/** Applies an answer to the current step. 'invalid' leaves the draft as it was. */
export function answerStep(turn: Turn, intake: IntakeState, step: FlowStep, input: Input, remedies: readonly string[]): Outcome {
  const draft = intake.draft;
  const policy = turn.ctx.policy;
  const typed = input.choice ? '' : input.text;
  if (input.command === 'skip' && step.kind !== 'summary') return skip(intake, step);
  if (typed && step.optional && step.kind !== 'choice' && meansNone(typed, turn.ctx.catalog)) return skip(intake, step);
  switch (step.kind) {
    case 'consent':
      return consentAnswer(turn, intake, input);
    case 'choice': {
      const values = optionValues(step.options, policy);
      let value = input.choice?.startsWith('opt:') ? input.choice.slice(4) : undefined;
      if (!input.choice && typed) {
        value = matchOption(typed, step.field, values, turn.ctx.catalog);
        if (!value && step.field === 'category' && intake.proposal) {
          const yesNo = readYesNo(typed, turn.ctx.catalog);
          if (yesNo === 'yes') value = intake.proposal;
          if (yesNo === 'no') {
            delete intake.proposal;
            turn.repromptCurrent();
            return 'handled';
          }
        }
      }
      if (!value || !values.includes(value)) return 'invalid';
      draft[step.field] = value;
      return 'accepted';
    }
    case 'text': {
      const min = step.field === 'description' ? policy.intake.descriptionMinLength : 1;
      const max = step.maxLength ?? policy.intake.descriptionMaxLength;
      const text = step.field === 'description' && intake.opening ? `${intake.opening}\n${typed}` : typed;
      if (input.choice || typed.length === 0 || text.length < min || text.length > max) return 'invalid';
      if (step.field === 'description') {
        delete intake.opening;
        absorb(intake, text, turn.reading, remedies);
      } else draft[step.field] = typed;
      return 'accepted';
    }
    case 'reference': {
      const ref = typed ? readOrderRef(typed, policy) : undefined;
      if (!ref) return 'invalid';
      draft.orderRef = ref;
      return 'accepted';
    }
    case 'evidence':
      if (input.attachments.length > 0) {
        turn.intake.addEvidence(intake, input.attachments);
        return 'handled';
      }
      if (input.command === 'done') {
        draft.evidenceDone = true;
        return 'accepted';
      }
      return 'invalid';
    case 'details':
      return detailsAnswer(turn, intake, input, remedies);
    case 'name': {
      const name = typed ? (extractFields(typed, turn.reading).name ?? validateName(typed)) : undefined;
      if (!name) return 'invalid';
      draft.contactName = name;
      return 'accepted';
    }
    case 'contact': {
      if (!typed) return 'invalid';
      const found = extractFields(typed, turn.reading);
      const email = found.email ?? (typed.includes('@') ? normaliseEmail(typed.replace(/^[\s(（<《\[【"']+|[\s)）>》\]】"'.,，。]+$/gu, '')) : undefined);
      if (!email && !found.phone) return 'invalid';
      if (email) draft.email = email;
      if (found.phone) draft.phone = found.phone;
      if (found.name && !draft.contactName) draft.contactName = found.name;
      draft.contactDone = true;
      return 'accepted';
    }
    case 'summary':
      return summaryAnswer(turn, intake, input);
  }
}

function skip(intake: IntakeState, step: FlowStep): Outcome {
  const draft = intake.draft;
  if (step.kind === 'evidence') draft.evidenceDone = true;
  else if (step.kind === 'contact') draft.contactDone = true;
  else if (step.kind === 'details') {
    draft.detailsDone = true;
    draft.whenWhere ??= null;
    draft.orderRef ??= null;
    draft.evidenceDone = true;
  } else if (step.kind !== 'consent' && step.kind !== 'summary') draft[step.field] = null as never;
  return 'accepted';
}

/**
 * Consent is asked where contact details are first needed, together with
 * them: typing a name or a contact under the notice is agreeing to it.
 */
function consentAnswer(turn: Turn, intake: IntakeState, input: Input): Outcome {
  const draft = intake.draft;
  if (input.choice === 'consent:yes' || input.choice === 'consent:no') {
    draft.consent = input.choice === 'consent:yes';
    return 'accepted';
  }
  if (input.choice || !input.text) return 'invalid';
  const yesNo = readYesNo(input.text, turn.ctx.catalog);
  if (yesNo) {
    draft.consent = yesNo === 'yes';
    return 'accepted';
  }
  const found = extractFields(input.text, turn.reading);
  const rest = [found.phone, found.email].reduce<string>((text, value) => (value ? text.split(value).join(' ') : text), input.text);
  const bareName = !found.phone && !found.email ? validateName(input.text) : validateName(rest.replace(/[，,。.;；:：]|电话|手机|邮箱|e-?mail|phone/giu, ' ').trim());
  const name = found.name ?? (bareName && bareName.length <= 30 && !/\d/.test(bareName) && bareName.split(' ').length <= 4 ? bareName : undefined);
  if (!found.phone && !found.email && !name) return 'invalid';
  draft.consent = true;
  if (found.phone) draft.phone = found.phone;
  if (found.email) draft.email = found.email;
  if (found.phone || found.email) draft.contactDone = true;
  if (name) draft.contactName = name;
  return 'accepted';
}

/** One answer for time/place, order number and photos; nothing typed here is dropped. */
function detailsAnswer(turn: Turn, intake: IntakeState, input: Input, remedies: readonly string[]): Outcome {
  const draft = intake.draft;
  if (input.attachments.length > 0) {
    turn.intake.addEvidence(intake, input.attachments);
    if (!input.text) return 'handled';
  }
  if (input.command === 'done') return skip(intake, { id: 'details', kind: 'details', field: 'details', optional: true, requiresConsent: false });
  if (input.choice || !input.text) return 'invalid';
  const text = input.text;
  const orderRef = readOrderRef(text, turn.ctx.policy);
  if (orderRef && !draft.orderRef) draft.orderRef = orderRef;
  const rest = (orderRef ? text.replace(new RegExp(orderRef.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu'), ' ') : text)
    .replace(/订单号?|单号|order(?: number| no\.?)?|#|是|[:：，,。.;；]/giu, ' ')
    .trim();
  const meaningful = rest.length > 0 && !meansNone(rest, turn.ctx.catalog) && /\p{L}/u.test(foldForMatching(rest));
  if (meaningful) {
    if (draft.whenWhere === undefined || draft.whenWhere === null) draft.whenWhere = text.slice(0, 500);
    else absorb(intake, text, turn.reading, remedies);
  }
  fillFields(draft, text, turn.reading);
  draft.detailsDone = true;
  draft.whenWhere ??= null;
  draft.orderRef ??= null;
  draft.evidenceDone = true;
  return 'accepted';
}

function summaryAnswer(turn: Turn, intake: IntakeState, input: Input): Outcome {
  const yesNo = input.choice || input.command ? undefined : readYesNo(input.text, turn.ctx.catalog);
  if (input.command === 'confirm' || yesNo === 'yes') {
    turn.effects.push({ type: 'open-case', draft: withoutUnconsentedContact(intake.draft), openedVia: 'intake' });
    return 'handled';
  }
  if (input.command === 'edit' || yesNo === 'no') {
    intake.misses = 0;
    turn.reply(turn.render.editChoices(turn.locale, intake.draft, turn.steps));
    return 'handled';
  }
  const target = input.choice?.startsWith('edit:') ? turn.steps.find((s) => s.id === input.choice!.slice(5)) : undefined;
  if (target && target.kind !== 'summary') {
    turn.intake.edit(intake, target);
    return 'handled';
  }
  return 'invalid';
}
