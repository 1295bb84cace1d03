import { readLeadingYesNo } from '../understanding/answers.ts';
import { foldForMatching } from '../understanding/normalise.ts';
import { absorb, askedRemedy, fillFields, readsLikeComplaint } from './input.ts';
import type { FlowStep } from './intake.flow.ts';
import { optionValues } from './prompt-catalog.ts';
import { matchOption, meansNone, readContact, readNameAnswer, readOrderRef, readYesNo } from './reading.ts';
import type { IntakeState } from './state.ts';
import { withoutUnconsentedContact, type Input, type Turn } from './turn.ts';

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
      // A story typed here is content, not an answer: "吓坏了" does not choose "坏了".
      if (!input.choice && typed && !readsLikeStory(typed, turn)) {
        value = matchOption(typed, step.field, values, turn.ctx.catalog);
        if (!value && step.field === 'category' && intake.proposal) {
          // "对" taps the proposal; "不是，…" without a category in it asks the plain question.
          const yesNo = readYesNo(typed, turn.ctx.catalog) ?? readLeadingYesNo(typed, turn.ctx.catalog.answers)?.answer;
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
      const ref = typed ? readOrderRef(typed, turn.reading) : undefined;
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
      const name = typed ? readNameAnswer(typed, {}, true) : undefined;
      if (!name) return 'invalid';
      draft.contactName = name;
      return 'accepted';
    }
    case 'contact': {
      if (!typed) return 'invalid';
      const found = readContact(typed, turn.reading);
      if (!found.email && !found.phone) return 'invalid';
      if (found.email) draft.email = found.email;
      if (found.phone) draft.phone = found.phone;
      draft.contactDone = true;
      return 'accepted';
    }
    case 'summary':
      return summaryAnswer(turn, intake, input);
  }
}

/** Longer than an answer to a button question: more than 12 Chinese characters or 8 words. */
function readsLikeStory(text: string, turn: Turn): boolean {
  if (!readsLikeComplaint(text, turn.ctx.policy)) return false;
  const han = [...text].filter((ch) => /\p{Script=Han}/u.test(ch)).length;
  return han > 12 || text.split(/\s+/).filter(Boolean).length > 8;
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
  const found = readContact(input.text, turn.reading);
  const name = readNameAnswer(input.text, found);
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
    // A caption describes the file, not the time or the place: it joins the description, and more files may follow.
    if (input.text) absorb(intake, input.text, turn.reading, remedies);
    turn.intake.addEvidence(intake, input.attachments);
    return 'handled';
  }
  if (input.command === 'done') return skip(intake, { id: 'details', kind: 'details', field: 'details', optional: true, requiresConsent: false });
  if (input.choice || !input.text) return 'invalid';
  const text = input.text;
  const orderRef = readOrderRef(text, turn.reading);
  if (orderRef && !draft.orderRef) draft.orderRef = orderRef;
  const rest = (orderRef ? text.replace(new RegExp(orderRef.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu'), ' ') : text)
    .replace(/订单号?|单号|order(?: number| no\.?)?|#|是|[:：，,。.;；]/giu, ' ')
    .trim();
  // "退钱", "I just want an apology": the answer to a later question, taken there rather than filed as the time and place.
  const named = shortRemedy(rest, remedies, turn);
  const remedy = draft.desiredResolution === undefined ? (askedRemedy(text, remedies, turn.ctx.catalog) ?? named) : undefined;
  if (remedy) draft.desiredResolution = remedy;
  const onlyRemedy = remedy !== undefined && named === remedy;
  const meaningful = !onlyRemedy && rest.length > 0 && !meansNone(rest, turn.ctx.catalog) && /\p{L}/u.test(foldForMatching(rest));
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

/**
 * A few words that name a remedy and nothing else ("退钱", "换货吧", "a refund
 * please"): at most four Han characters or four words, no digits. Longer
 * texts that merely contain a remedy word ("上周四修的") are the story.
 */
function shortRemedy(text: string, remedies: readonly string[], turn: Turn): string | undefined {
  const folded = foldForMatching(text);
  const han = [...folded].filter((ch) => /[\u3400-\u9FFF]/u.test(ch)).length;
  const words = folded.split(/\s+/u).filter((w) => /\p{L}/u.test(w)).length;
  if (/\d/u.test(folded) || han > 4 || (han === 0 && words > 4)) return undefined;
  const value = matchOption(text, 'desiredResolution', remedies, turn.ctx.catalog);
  return value && value !== 'other' ? value : undefined;
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
