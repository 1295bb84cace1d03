import { findPhoneNumbersInText } from 'libphonenumber-js';
import type { Choice } from '../../src/channels/contract.ts';
import type { CorpusRecord } from './corpus.ts';

/** The question the engine is asking, read from its state and its reply. */
export interface Question {
  stepId: string;
  /** The flow step's kind and field (catalog.flow), e.g. 'choice' / 'category'. */
  kind: string;
  field?: string;
  /** Buttons on the engine's last reply. */
  choices: readonly Choice[];
  /** How many times this same step was already answered in a row (0 = first ask, 1+ = re-asked). */
  attempt: number;
  /** The words of the engine's replies, read as a customer reads the question. */
  text?: string;
}

/** What the customer does: types words, or taps a shown button. */
export type Action = { type: 'say'; text: string; content?: boolean } | { type: 'tap'; value: string };

type Answerer = (q: Question, r: CorpusRecord) => Action | undefined;

const say = (text: string, content = false): Action => ({ type: 'say', text, content });
/** A shown button whose value is `value` or ends with `:value`. */
function button(q: Question, ...values: string[]): Action | undefined {
  const hit = q.choices.find((c) => values.some((v) => c.value === v || c.value.endsWith(`:${v}`)));
  return hit ? { type: 'tap', value: hit.value } : undefined;
}
/** Types first; when re-asked, taps a button as a person told "please use the buttons" would. */
function typeThenTap(text: string, ...buttons: string[]): Answerer {
  return (q) => (q.attempt === 0 ? say(text) : (button(q, ...buttons) ?? say(text)));
}

/**
 * ANSWER BOOK: how a cooperative customer answers each kind of question.
 * Looked up by `kind/field`, then by `kind`. A step kind missing here is
 * reported as unknown (the run stops), never guessed. When the engine gains a
 * step kind (a one-tap category confirmation, order number and evidence asked
 * together…), add its entry here and nowhere else.
 * `content: true` marks answers whose words must reach the case (words lost).
 */
export const ANSWER_BOOK: Record<string, Answerer> = {
  // Consent is asked with what the engine still needs: a yes/no (name and contact known), the name
  // (contact known: "May I have your name? We will keep it with …"), or name and contact together.
  consent: (q, r) => {
    if (q.choices.some((c) => c.value === 'consent:yes')) return typeThenTap(r.answers.consent, 'consent:yes', 'yes', 'agree')(q, r);
    if (/手机号或邮箱|手機號或郵箱|phone number or e-mail/u.test(q.text ?? '')) return say(`${r.answers.name} ${r.answers.contact}`);
    return say(r.answers.name);
  },
  // Asked for time and place (and an order number or photos), the customer says what they have, in one message.
  details: (q, r) => {
    const zh = r.locale !== 'en';
    const parts = /什么时候|什麼時候|when and where/iu.test(q.text ?? '') ? [r.answers.whenWhere] : [];
    if (/订单号|訂單號|order number/iu.test(q.text ?? '')) parts.push(r.answers.orderRef);
    parts.push(r.answers.evidence);
    return say(parts.join(zh ? '，' : ', '), parts.length > 2 || /什么时候|什麼時候|when and where/iu.test(q.text ?? ''));
  },
  // Categories are tapped: a customer does not phrase "delivery/installation", they pick it.
  'choice/category': (q, r) => button(q, r.answers.category),
  'choice/desiredResolution': (q, r) => typeThenTap(r.answers.resolution.text, r.answers.resolution.value)(q, r),
  // Asked for the description again, the customer retypes their story.
  'text/description': (_q, r) => say(r.messages.join(' ')),
  'text/whenWhere': (_q, r) => say(r.answers.whenWhere, true),
  reference: (q, r) => typeThenTap(r.answers.orderRef, 'skip')(q, r),
  evidence: (q, r) => typeThenTap(r.answers.evidence, 'skip', 'done')(q, r),
  name: (_q, r) => say(r.answers.name),
  // Re-asked, they copy the prompt's example: the number written internationally, or the bare address.
  contact: (q, r) => say(q.attempt === 0 ? r.answers.contact : bareContact(r.answers.contact)),
  summary: (q, r) => typeThenTap(r.answers.confirm, 'confirm')(q, r),
};

function bareContact(text: string): string {
  return findPhoneNumbersInText(text, 'CN')[0]?.number.formatInternational() ?? /[^\s()[\]<>（）:：]+@[^\s()[\]<>（）]+\w/u.exec(text)?.[0] ?? text;
}

export function answerFor(q: Question, r: CorpusRecord): Action | undefined | 'unknown' {
  const answerer = ANSWER_BOOK[`${q.kind}/${q.field}`] ?? ANSWER_BOOK[q.kind];
  return answerer ? answerer(q, r) : 'unknown';
}

/** Which corpus field a step asks for: asking it although the text had it is a wasted turn ('always': the opening messages are the description). */
export const FIELD_OF_STEP: Record<string, ReadonlyArray<keyof CorpusRecord['fields']> | 'always'> = {
  description: 'always',
  orderRef: ['orderRef'],
  contactName: ['name'],
  contact: ['phone', 'email'],
  whenWhere: ['when'],
};
