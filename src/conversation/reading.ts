import type { Policy } from '../policy.ts';
import { foldForMatching, toSimplified } from '../understanding/normalise.ts';
import { matchOption as matchAnswerOption, meansNone as readAnswerNone, readYesNo as readAnswerYesNo } from '../understanding/answers.ts';
import { scoreCategories } from '../understanding/category.ts';
import { findSeriousness } from '../understanding/severity-rules.ts';
import { normaliseKeyword, type Locale, type PromptCatalog } from './prompt-catalog.ts';
import { findEmail, findPhone, matchOrderRef, validateName } from './validators.ts';

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
  const folded = toSimplified(text.normalize('NFKC'));
  const found: FieldsFound = {};
  const email = findEmail(folded.replace(/[()（）\[\]【】<>《》「」"'“”]/gu, ' '));
  if (email) found.email = email;
  // "138-0013-8000（微信同号）": separators inside the number do not hide it.
  const phone = findPhone(folded) ?? findPhone(folded.replace(/(?<=\d)[\s-]+(?=\d)/gu, ''));
  if (phone) found.phone = phone;
  const withoutContacts = [email, phone].reduce<string>((rest, value) => (value ? rest.split(value).join(' ') : rest), folded);
  const orderRef = readOrderRef(withoutContacts, ctx.policy);
  if (orderRef) found.orderRef = orderRef;
  const name = readName(folded);
  if (name) found.name = name;
  const when = readWhen(folded);
  if (when) found.when = when;
  return found;
}

export function readOrderRef(text: string, policy: Policy): string | undefined {
  const folded = toSimplified(text.normalize('NFKC'));
  const suffixed = /(?<![A-Za-z0-9])([A-Za-z]{1,5}-?\d{4,14}(?:-\d{1,4})?)(?![A-Za-z0-9])/u.exec(folded);
  if (suffixed) return suffixed[1]!.toUpperCase();
  const digits = /(?:订单号?|单号|order(?:\s*(?:number|no\.?|#))?|#)\s*[:：是为]?\s*(\d{6,20})(?!\d)/iu.exec(folded);
  if (digits) return digits[1];
  return matchOrderRef(folded, policy.intake.orderRefPattern);
}

function readName(text: string): string | undefined {
  const zh = /我(?:姓|叫|是)\s*([\u4e00-\u9fff]{1,3})(?:[，,。\s]|先生|女士|$)/u.exec(text);
  if (zh) {
    const title = /先生|女士/.exec(zh[0])?.[0] ?? '';
    const name = /我姓/.test(zh[0]) ? `${zh[1]!.slice(0, 1)}${title}` : zh[1]!;
    return name.length >= 2 ? validateName(name) : name;
  }
  const en = /\b(?:this is|my name is|i am|i'm)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)/u.exec(text) ?? /(?:^|[.!]\s+)([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+here\b/u.exec(text);
  return en ? validateName(en[1]!) : undefined;
}

function readWhen(text: string): string | undefined {
  const match =
    /(昨天|昨晚|前天|今天|今早|今晚|上周[一二三四五六日天]?|上个月|\d{1,2}月\d{1,2}[日号]|周[一二三四五六日天]|星期[一二三四五六日天])[^，,。！!？?]{0,12}/u.exec(text) ??
    /\b(yesterday|last (?:night|week|monday|tuesday|wednesday|thursday|friday|saturday|sunday|month)|this morning|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b/iu.exec(text);
  return match?.[0].trim();
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
