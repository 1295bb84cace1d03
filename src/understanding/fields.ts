import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { readName } from './names.ts';
import { prepareText as prepare } from './prepare.ts';
import { DEFAULT_ORDER_REF_PATTERN, ENDS_WITH_ORDER_LABEL } from './order-ref.pattern.ts';
import { readWhenAt, readWhenIn } from './when.ts';

/**
 * Field readers for customer messages: pure functions, no I/O, the clock and
 * zone passed in. Each returns the bare value (no brackets, no trailing
 * punctuation) or undefined. `extractFields` reads them all from one story
 * without letting two fields claim the same characters.
 */
export interface FieldContext {
  now: Date;
  /** IANA zone of the policy, e.g. Asia/Shanghai: "昨晚" is last night there. */
  timezone: string;
  /** Region for numbers written without a country code, e.g. CN. */
  defaultRegion: string;
  /** Policy override (regex source, case-insensitive, group 1 kept). */
  orderRefPattern?: string;
}

export interface ExtractedFields {
  phone?: string;
  email?: string;
  orderRef?: string;
  name?: string;
  when?: { text: string; at: string };
}

/** The parts of the policy (src/policy.ts) that reading fields uses; declared here so understanding stays below the policy. */
export interface FieldPolicy {
  timezone: string;
  intake: { phoneRegion: string; orderRefPattern?: string };
}

/** The reading context for a message received at `now` under this policy. */
export function fieldContext(policy: FieldPolicy, now: Date): FieldContext {
  return { now, timezone: policy.timezone, defaultRegion: policy.intake.phoneRegion, orderRefPattern: policy.intake.orderRefPattern };
}

export { readName, readNameAnswer, readNameDetail, type NameReading } from './names.ts';
export { DEFAULT_ORDER_REF_PATTERN } from './order-ref.pattern.ts';

interface Found {
  value: string;
  start: number;
  end: number;
}

const EMAIL = /[a-z0-9._%+-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![a-z0-9-])/giu;

function findEmails(text: string): Found[] {
  return [...text.matchAll(EMAIL)]
    .map((m) => ({ value: m[0].replace(/^[._%+-]+/u, '').toLowerCase(), start: m.index, end: m.index + m[0].length }))
    .filter((found) => found.value.indexOf('@') > 0);
}

export function readEmail(text: string): string | undefined {
  return findEmails(prepare(text))[0]?.value;
}

/** Stretches of digits long enough to be a phone; libphonenumber only searches these (it is the slowest reader). */
const PHONE_CANDIDATE = /(?<![a-z0-9+(])[+(]{0,3}\d[\d\s().+\-]{5,26}\d(?![a-z0-9])/giu;

/** No message carries more numbers than this; a wall of digits must not hold the event loop. */
const MAX_PHONE_CANDIDATES = 12;

function findPhones(text: string, defaultRegion: string): Found[] {
  const region = defaultRegion.toUpperCase() as CountryCode;
  const found: Found[] = [];
  let tried = 0;
  for (const candidate of text.matchAll(PHONE_CANDIDATE)) {
    if (++tried > MAX_PHONE_CANDIDATES) break;
    try {
      for (const p of findPhoneNumbersInText(candidate[0], { defaultCountry: region })) {
        found.push({ value: p.number.number as string, start: candidate.index + p.startsAt, end: candidate.index + p.endsAt });
      }
    } catch {
      // An unknown region in a policy must not turn a message into an error: no phone is read.
      return [];
    }
  }
  return found;
}

/** E.164 ("+8613800138000"); remarks around the number ("（微信同号）") are ignored, e-mail digits are not a phone. */
export function readPhone(text: string, defaultRegion: string): string | undefined {
  const source = mask(prepare(text), findEmails(prepare(text)));
  return findPhones(source, defaultRegion)[0]?.value;
}

const compiledPatterns = new Map<string, RegExp>();

function orderPattern(pattern: string | undefined): RegExp {
  const source = pattern ?? DEFAULT_ORDER_REF_PATTERN;
  let regex = compiledPatterns.get(source);
  if (!regex) {
    regex = new RegExp(source, 'giu');
    compiledPatterns.set(source, regex);
  }
  return regex;
}

function findOrderRefs(text: string, pattern: string | undefined): Array<Found & { labelled: boolean }> {
  const found: Array<Found & { labelled: boolean }> = [];
  for (const m of text.matchAll(orderPattern(pattern))) {
    const raw = m[1] ?? m[0];
    if (!raw) continue;
    const start = m.index + (m[1] === undefined ? 0 : m[0].indexOf(m[1]));
    const value = raw.replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '').toUpperCase();
    if (value) found.push({ value, start, end: start + raw.length, labelled: ENDS_WITH_ORDER_LABEL.test(text.slice(Math.max(0, start - 24), start)) });
  }
  return found;
}

/**
 * The order number by the policy's pattern (default: letters-digits with
 * suffixes, or 6–20 digits after 订单/order/#). A number that is a phone is
 * not an order number unless a label says so.
 */
export function readOrderRef(text: string, pattern?: string, defaultRegion = 'CN'): string | undefined {
  const source = mask(prepare(text), findEmails(prepare(text)));
  const phones = findPhones(source, defaultRegion);
  return findOrderRefs(source, pattern).find((ref) => !isPhoneLike(ref, phones, defaultRegion))?.value;
}

/** An unlabelled candidate that is, or ends in, a phone number ("TEL13800138000") is the phone. */
function isPhoneLike(ref: Found & { labelled: boolean }, phones: Found[], defaultRegion: string): boolean {
  return !ref.labelled && (phones.some((p) => overlaps(p, ref)) || phoneInside(ref, defaultRegion) !== undefined);
}

/** The phone in "TEL13800138000", which the phone finder does not see for the letters glued to it. */
function phoneInside(ref: Found, defaultRegion: string): Found | undefined {
  const digits = /\d{7,}$/u.exec(ref.value);
  const phone = digits ? findPhones(digits[0], defaultRegion)[0] : undefined;
  if (!digits || !phone) return undefined;
  const start = ref.end - digits[0].length + phone.start;
  return { value: phone.value, start, end: start + phone.end - phone.start };
}

/**
 * An answer to "what is your order number?": as `readOrderRef`, and also a
 * bare 6–20 digit number sent alone (the question is its label), unless it
 * is a phone number.
 */
export function readOrderRefAnswer(text: string, pattern?: string, defaultRegion = 'CN'): string | undefined {
  const found = readOrderRef(text, pattern, defaultRegion);
  if (found) return found;
  const bare = /^[\s\p{P}]*(\d{6,20}(?:-[a-z0-9]{1,10})*)[\s\p{P}]*$/iu.exec(prepare(text))?.[1];
  // Only a mobile number is taken for a phone here: a 10-digit order number can look like a landline.
  if (!bare || parsePhoneNumberFromString(bare, defaultRegion.toUpperCase() as CountryCode)?.getType() === 'MOBILE') return undefined;
  return bare.toUpperCase();
}

/** An answer to "how can we reach you?": a phone, an e-mail, or both ("13800138000 / a@b.cn"). */
export function readContact(text: string, defaultRegion: string): { phone?: string; email?: string } {
  const source = prepare(text);
  const emails = findEmails(source);
  const phone = findPhones(mask(source, emails), defaultRegion)[0]?.value;
  return { ...(phone ? { phone } : {}), ...(emails[0] ? { email: emails[0].value } : {}) };
}

export function readWhen(text: string, ctx: FieldContext): { text: string; at: string } | undefined {
  return readWhenAt(text, ctx.now, ctx.timezone);
}

/**
 * Every field a free-text story carries. Values never overlap: the e-mail is
 * read first and hidden, then order numbers and phones share out the rest
 * (a labelled order number wins over a phone-looking number, a phone wins
 * over an unlabelled one), and dates are read from what remains.
 */
export function extractFields(text: string, ctx: FieldContext): ExtractedFields {
  const fields: ExtractedFields = {};
  const source = prepare(text);
  const emails = findEmails(source);
  if (emails[0]) fields.email = emails[0].value;
  const withoutEmails = mask(source, emails);
  const refs = findOrderRefs(withoutEmails, ctx.orderRefPattern);
  const glued = refs.filter((r) => !r.labelled).map((r) => phoneInside(r, ctx.defaultRegion));
  const phones = [...findPhones(withoutEmails, ctx.defaultRegion), ...glued.filter((p) => p !== undefined)].sort((a, b) => a.start - b.start);
  const ref = refs.find((r) => !isPhoneLike(r, phones, ctx.defaultRegion));
  if (ref) fields.orderRef = ref.value;
  const phone = phones.find((p) => !ref || !overlaps(p, ref));
  if (phone) fields.phone = phone.value;
  const name = readName(text);
  if (name) fields.name = name;
  const taken = [...(ref ? [ref] : []), ...(phone ? [phone] : [])];
  // Read from the text without the other fields; shown in the customer's own script when positions match.
  const when = readWhenIn(mask(withoutEmails, taken), text.length === source.length ? text : source, ctx.now, ctx.timezone);
  if (when) fields.when = when;
  return fields;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function mask(text: string, spans: Array<{ start: number; end: number }>): string {
  let masked = text;
  for (const span of spans) masked = masked.slice(0, span.start) + ' '.repeat(span.end - span.start) + masked.slice(span.end);
  return masked;
}
