import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';

/**
 * The one home of masking: contact details as staff see them, enough to
 * recognise a customer, not enough to copy (the card, thread posts,
 * `/complaints show`). Reveal contact is the only way to the full value.
 * Pure; never throws.
 */

/** The policy names no region: numbers without a country code are read as Chinese ones. */
export const DEFAULT_PHONE_REGION: CountryCode = 'CN';

/** `13800138000` → `138****8000`; `+447700900123` → `+447*****0123`. Short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[\s().-]/g, '');
  const plus = compact.startsWith('+') ? '+' : '';
  const digits = (plus ? compact.slice(1) : compact).replace(/\D/g, '');
  if (digits.length === 0) return '***';
  if (digits.length < 8) return plus + '*'.repeat(Math.max(1, digits.length - 2)) + digits.slice(-2);
  return plus + digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}

/** `alice@example.com` → `a***@example.com`. A one-letter local part is hidden entirely. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  return `${local.length > 1 ? [...local][0] : ''}***@${domain}`;
}

/** The contact fields of a case, masked and joined; undefined when there are none. */
export function maskContact(contact: { phone: string | null; email: string | null }): string | undefined {
  const parts = [contact.phone ? maskPhone(contact.phone) : undefined, contact.email ? maskEmail(contact.email) : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Seven or more digits, optionally grouped by single spaces or hyphens, not glued to letters (`XX20261101-88` is a code). */
const DIGIT_RUN = /(?<![A-Za-z0-9+])\+?\d(?:[ -]?\d){6,}(?![A-Za-z0-9])/g;
/** What an order number follows: 订单, 订单号, 单号, order, order no., order number, #. */
const ORDER_BEFORE = /(?:订单号?|单号|order(?:\s*(?:no\.?|number|id|ref))?|#)\s*[:：#]?\s*$/i;
const DATE_LIKE = /^(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4})$/;

/**
 * Masks phone numbers and e-mail addresses inside free text written by a
 * customer (a description, a follow-up, a survey comment) before staff see
 * it. Phones are found by libphonenumber-js, then any remaining run of 7+
 * digits; order numbers (after 订单/order/#) and dates are left alone.
 */
export function maskContactsInText(text: string, region: CountryCode = DEFAULT_PHONE_REGION): string {
  const spans: Array<{ start: number; end: number; masked: string }> = [];
  const taken = (start: number, end: number) => spans.some((s) => start < s.end && end > s.start);
  const keep = (start: number, value: string) => ORDER_BEFORE.test(text.slice(Math.max(0, start - 16), start)) || DATE_LIKE.test(value) || value.replace(/\D/g, '').length < 7;
  for (const match of text.matchAll(EMAIL)) {
    spans.push({ start: match.index, end: match.index + match[0].length, masked: maskEmail(match[0]) });
  }
  let found: ReturnType<typeof findPhoneNumbersInText> = [];
  try {
    found = findPhoneNumbersInText(text, { defaultCountry: region });
  } catch {
    found = []; // the digit-run fallback below still applies
  }
  for (const phone of found) {
    const value = text.slice(phone.startsAt, phone.endsAt);
    if (taken(phone.startsAt, phone.endsAt) || keep(phone.startsAt, value)) continue;
    spans.push({ start: phone.startsAt, end: phone.endsAt, masked: maskPhone(value) });
  }
  for (const match of text.matchAll(DIGIT_RUN)) {
    const start = match.index;
    const end = start + match[0].length;
    if (taken(start, end) || keep(start, match[0])) continue;
    spans.push({ start, end, masked: maskPhone(match[0]) });
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + span.masked;
    at = span.end;
  }
  return out + text.slice(at);
}
