import type { Policy } from '../policy.ts';
import { matchOption as matchAnswerOption, meansNone as readAnswerNone, readYesNo as readAnswerYesNo } from '../understanding/answers.ts';
import { scoreCategories } from '../understanding/category.ts';
import { extractFields as extractFrom, readEmail, readNameAnswer as readBareName, readOrderRefAnswer, readPhone, type FieldContext } from '../understanding/fields.ts';
import { foldForMatching, hasHan, toSimplified } from '../understanding/normalise.ts';
import { findSeriousness } from '../understanding/severity-rules.ts';
import { formatDate } from './dates.ts';
import { normaliseKeyword, type Locale, type PromptCatalog } from './prompt-catalog.ts';
import { validateName } from './validators.ts';

/**
 * What the engine reads from customer words: the one seam between the pure
 * conversation and src/understanding. Every reader sees Simplified, NFKC text.
 */
export interface FieldsFound {
  phone?: string;
  email?: string;
  orderRef?: string;
  name?: string;
  /** The text's mention of a time ("昨晚", "last Friday"), as written. */
  when?: string;
}

export interface ReadContext {
  policy: Policy;
  catalog: PromptCatalog;
  now: Date;
  timezone: string;
}

export function extractFields(text: string, ctx: ReadContext): FieldsFound {
  const fields = extractFrom(text, fieldContext(ctx));
  const found: FieldsFound = {};
  if (fields.phone) found.phone = fields.phone;
  if (fields.email) found.email = fields.email;
  if (fields.orderRef) found.orderRef = fields.orderRef;
  if (fields.name) found.name = fields.name;
  if (fields.when) found.when = describeWhen(fields.when, ctx);
  return found;
}

/** The customer's words for the time, with the day they mean: "昨晚（11月29日）". */
function describeWhen(when: { text: string; at: string }, ctx: ReadContext): string {
  const locale: Locale = hasHan(when.text) ? 'zh-CN' : 'en';
  const day = formatDate(new Date(when.at), locale, ctx.timezone);
  return locale === 'zh-CN' ? `${when.text}（${day}）` : `${when.text} (${day})`;
}

function fieldContext(ctx: ReadContext): FieldContext {
  return { now: ctx.now, timezone: ctx.timezone, defaultRegion: ctx.policy.intake.phoneRegion, orderRefPattern: ctx.policy.intake.orderRefPattern };
}

/** An answer to a question about the order number: a bare number sent alone counts too. */
export function readOrderRef(text: string, ctx: ReadContext): string | undefined {
  return readOrderRefAnswer(text, ctx.policy.intake.orderRefPattern, ctx.policy.intake.phoneRegion);
}

/**
 * An answer to "what is your name?" (maybe with the contact in the same
 * message): an introduction, the bare name, or the name left once the
 * contact and the words around it are taken out ("it's Kevin Li, my number
 * is …", "叫我小陈就行"). A short answer to the question is taken as given.
 */
export function readNameAnswer(text: string, contact: { phone?: string; email?: string } = {}, loose = false): string | undefined {
  const name = nameIn(text, contact, loose);
  if (!name || text.includes(name)) return name;
  // Read in Simplified; kept in the customer's own script.
  const at = toSimplified(text.normalize('NFKC')).indexOf(name);
  return at >= 0 ? text.normalize('NFKC').slice(at, at + name.length) : name;
}

function nameIn(text: string, contact: { phone?: string; email?: string }, loose: boolean): string | undefined {
  const direct = readBareName(text);
  if (direct) return direct;
  const rest = toSimplified(text.normalize('NFKC'))
    .replace(/\+?\d[\d\s()-]{5,}\d|[^\s@()（）<>]+@[^\s@()（）<>]+/gu, ' ')
    .replace(/[（(][^)）]*[)）]/gu, ' ')
    .trim();
  // Without a contact beside it, only a short answer can be a name ("Also the man was rude…" names nobody).
  const withContact = contact.phone !== undefined || contact.email !== undefined;
  if (!withContact && rest.split(/\s+/).length > 4) return undefined;
  const latin = /\b(\p{Lu}[\p{Ll}\p{N}'-]+(?:\s+\p{Lu}[\p{Ll}\p{N}'-]+){0,2})\b/u.exec(rest.replace(/^(?:it'?s|i'?m|this is|my name is|name:?)\s+/iu, ''))?.[1];
  if (latin && !/^(I|It|My|This|Call|Email|Phone|Please|Thanks|Hi|Hello)$/u.test(latin)) return validateName(latin);
  const han = /^(?:叫我|我叫|我是|称呼我|本人|免贵姓)?\s*(\p{Script=Han}{2,4}?)(?:就行|就可以|即可|就好|吧|[，,。\s]|$)/u.exec(rest)?.[1];
  if (han && !contact.phone && !contact.email && rest.length > 8) return undefined;
  if (han) return validateName(han);
  const short = rest.replace(/[，,。.!！]+$/u, '');
  if (!loose) return undefined;
  return short.length >= 2 && short.length <= 20 && !/\d/.test(short) && short.split(/\s+/).length <= 3 ? validateName(short) : undefined;
}

export function readContact(text: string, ctx: ReadContext): { phone?: string; email?: string } {
  const email = readEmail(text);
  const phone = readPhone(text, ctx.policy.intake.phoneRegion);
  return { ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

/** Yes/no in every locale: the answer lexicon, or a command word ("confirm", "提交"). */
export function readYesNo(text: string, catalog: PromptCatalog): 'yes' | 'no' | undefined {
  const word = normaliseKeyword(foldForMatching(text));
  if (catalog.keywords('confirm').has(word)) return 'yes';
  return readAnswerYesNo(text, catalog.answers);
}

/** "No / none / 没有 / 不记得 / I don't have it": an optional question skipped. */
export function meansNone(text: string, catalog: PromptCatalog): boolean {
  return readAnswerNone(text, catalog.answers);
}

/**
 * The option a typed answer names: its label (any locale) or a synonym. Numbers
 * are not read: the buttons show none, and a number may be an order number.
 */
export function matchOption(text: string, field: string, values: readonly string[], catalog: PromptCatalog): string | undefined {
  const options = values.map((value) => ({ value, labels: catalog.locales.map((l: Locale) => catalog.optionLabel(l, field, value)) }));
  return matchAnswerOption(text, field, options, catalog.answers);
}

/** The category the words point to most, if any speaks for one. */
export function proposeCategory(text: string, catalog: PromptCatalog, policy: Policy): string | undefined {
  return scoreCategories(text, catalog.classify, policy.categories)[0]?.category;
}

/** True when the words tell of harm, danger, legal or public escalation: the reply opens with concern. */
export function soundsSerious(text: string, catalog: PromptCatalog): boolean {
  return findSeriousness(text, catalog.classify).length > 0;
}
