import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { foldForMatching } from './normalise.ts';

/**
 * Typed answers to the intake's questions: yes/no, "I have none" on optional
 * steps, and an option chosen by its label or a synonym. The words are data
 * (prompts/<locale>/answers.json), merged across locales and folded once at
 * load, so a Traditional or full-width answer matches a Simplified entry.
 */
export interface AnswerLexicon {
  yes: string[];
  no: string[];
  none: string[];
  options: Record<string, Record<string, string[]>>;
  /** Words that may surround a short answer without changing it ("please", "吧", "订单号"). */
  fillers?: string[];
}

const wordList = z.array(z.string().trim().min(1));
const answersFileSchema = z
  .object({
    $comment: z.string().optional(),
    yes: wordList,
    no: wordList,
    none: wordList,
    fillers: wordList.default([]),
    options: z.record(z.string().min(1), z.record(z.string().regex(/^[a-z0-9_]+$/, 'option values are lower-case ids'), wordList)).default({}),
  })
  .strict();

const ANSWERS_FILE = 'answers.json';
const MESSAGES_FILE = 'messages.json';

/** Reads and merges prompts/<locale>/answers.json of every locale. Throws naming the file and the field. */
export function loadAnswerLexicon(promptsDir: string): AnswerLexicon {
  // A locale is a directory with texts or answers; one with texts but no answers would silently not understand its customers.
  const locales = readdirSync(promptsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && [MESSAGES_FILE, ANSWERS_FILE].some((file) => existsSync(join(promptsDir, entry.name, file))))
    .map((entry) => entry.name)
    .sort();
  if (locales.length === 0) throw new Error(`${promptsDir}: no <locale>/${ANSWERS_FILE} found`);
  for (const locale of locales) {
    if (!existsSync(join(promptsDir, locale, ANSWERS_FILE))) throw new Error(`${join(promptsDir, locale, ANSWERS_FILE)}: missing (the locale has ${MESSAGES_FILE})`);
  }
  const merged: Required<AnswerLexicon> = { yes: [], no: [], none: [], fillers: [], options: {} };
  for (const locale of locales) {
    const file = join(promptsDir, locale, ANSWERS_FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = answersFileSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`${file}: ${problems}`);
    }
    const data = parsed.data;
    for (const key of ['yes', 'no', 'none', 'fillers'] as const) merged[key].push(...data[key].map(fold));
    for (const [field, values] of Object.entries(data.options)) {
      const target = (merged.options[field] ??= {});
      for (const [value, synonyms] of Object.entries(values)) (target[value] ??= []).push(...synonyms.map(fold));
    }
  }
  for (const key of ['yes', 'no', 'none', 'fillers'] as const) merged[key] = [...new Set(merged[key])];
  return merged;
}

/** A short answer is at most this long; longer texts are stories, never a bare yes or no. */
const MAX_ANSWER_LENGTH = 60;

type Polarity = 'yes' | 'no' | 'none' | 'filler';
interface Entry {
  text: string;
  polarity: Polarity;
  latin: boolean;
}

const compiled = new WeakMap<AnswerLexicon, { yesNo: Entry[]; none: Entry[] }>();

function entriesOf(lexicon: AnswerLexicon): { yesNo: Entry[]; none: Entry[] } {
  let found = compiled.get(lexicon);
  if (!found) {
    const make = (words: string[], polarity: Polarity): Entry[] =>
      words.map(fold).filter(Boolean).map((text) => ({ text, polarity, latin: /[a-z0-9]$/u.test(text) }));
    const byLength = (a: Entry, b: Entry) => b.text.length - a.text.length;
    const fillers = make(lexicon.fillers ?? [], 'filler');
    found = {
      yesNo: [...make(lexicon.yes, 'yes'), ...make(lexicon.no, 'no'), ...fillers].sort(byLength),
      // On an optional step a plain "no" also means "I have none".
      none: [...make(lexicon.none, 'none'), ...make(lexicon.no, 'none'), ...fillers].sort(byLength),
    };
    compiled.set(lexicon, found);
  }
  return found;
}

/** Separators between the words of a short answer: spaces, punctuation, symbols and emoji not in the lexicon. */
const SEPARATOR = /[\s\p{P}\p{S}\p{Extended_Pictographic}\u200d\ufe0f]/u;

/**
 * Reads the whole text as a sequence of lexicon entries (longest first) and
 * separators; undefined when any part is not in the lexicon. Latin entries
 * end on a word boundary, so "yesterday" is not "yes" + "terday".
 */
function tokenise(text: string, entries: Entry[]): Polarity[] | undefined {
  const folded = fold(text);
  if (folded.length === 0 || folded.length > MAX_ANSWER_LENGTH) return undefined;
  const found: Polarity[] = [];
  let at = 0;
  outer: while (at < folded.length) {
    for (const entry of entries) {
      if (!folded.startsWith(entry.text, at)) continue;
      const end = at + entry.text.length;
      // Latin words end on a Latin boundary; Chinese may follow at once ("ok的").
      if (entry.latin && end < folded.length && /[a-z0-9']/u.test(folded[end]!)) continue;
      if (/^[a-z0-9]/u.test(entry.text) && at > 0 && /[a-z0-9]/u.test(folded[at - 1]!)) continue;
      found.push(entry.polarity);
      at = end;
      continue outer;
    }
    const char = String.fromCodePoint(folded.codePointAt(at)!);
    if (!SEPARATOR.test(char)) return undefined;
    at += char.length;
  }
  return found;
}

/** 'yes' or 'no' when the whole text is a short yes or no answer ("好的", "可以的", "yes please", "不用了，谢谢"); otherwise undefined. */
export function readYesNo(text: string, lexicon: AnswerLexicon): 'yes' | 'no' | undefined {
  const tokens = tokenise(text, entriesOf(lexicon).yesNo);
  if (!tokens) return undefined;
  const hasYes = tokens.includes('yes');
  const hasNo = tokens.includes('no');
  if (hasYes === hasNo) return undefined;
  return hasYes ? 'yes' : 'no';
}

/**
 * A yes or no that opens a longer answer: "不是，是产品质量问题" → no, rest
 * "是产品质量问题"; "No, the fridge is still leaking" → no. The opening clause
 * alone must be a short answer (up to the first comma or full stop), so
 * "no one was hurt" opens with nothing.
 */
export function readLeadingYesNo(text: string, lexicon: AnswerLexicon): { answer: 'yes' | 'no'; rest: string } | undefined {
  const split = /[,，.。!！?？;；:：\n]/u.exec(text);
  if (!split) return undefined;
  const answer = readYesNo(text.slice(0, split.index), lexicon);
  const rest = text.slice(split.index + 1).trim();
  return answer && rest ? { answer, rest } : undefined;
}

/** True when the whole text says the customer has nothing to give on an optional step ("没有订单号", "no photos", "I don't have it"). */
export function meansNone(text: string, lexicon: AnswerLexicon): boolean {
  const tokens = tokenise(text, entriesOf(lexicon).none);
  return tokens !== undefined && tokens.includes('none');
}

export interface OptionChoice {
  value: string;
  labels: string[];
}

/**
 * The option whose label (any locale) or synonym the text contains; Latin
 * terms only on word boundaries ("bill" is not in "billiard"). A term inside
 * a longer matched term of another option does not count ("质量" inside
 * "服务质量"). Two options still standing → undefined: ask again.
 */
export function matchOption(text: string, field: string, options: OptionChoice[], lexicon: AnswerLexicon): string | undefined {
  const folded = fold(text);
  if (!folded) return undefined;
  const hits: Array<{ value: string; start: number; end: number }> = [];
  for (const option of options) {
    const terms = new Set([...option.labels.map(foldTerm), ...(lexicon.options[field]?.[option.value] ?? [])].filter(Boolean));
    for (const term of terms) {
      for (const start of occurrences(folded, term)) hits.push({ value: option.value, start, end: start + term.length });
    }
  }
  const standing = hits.filter(
    (hit) => !hits.some((other) => other.value !== hit.value && other.start <= hit.start && other.end >= hit.end && other.end - other.start > hit.end - hit.start),
  );
  const values = new Set(standing.map((hit) => hit.value));
  return values.size === 1 ? [...values][0] : undefined;
}

/** Folded for matching, with typographic apostrophes straightened ("don’t" is "don't"). */
function fold(text: string): string {
  return foldForMatching(text).replace(/[‘’`´]/gu, "'");
}

/** Option labels come from the catalogue, a small fixed set: folded once each. */
const foldedTerms = new Map<string, string>();
function foldTerm(term: string): string {
  let folded = foldedTerms.get(term);
  if (folded === undefined) {
    folded = fold(term);
    if (foldedTerms.size < 10_000) foldedTerms.set(term, folded);
  }
  return folded;
}

function occurrences(haystack: string, term: string): number[] {
  const found: number[] = [];
  const latinStart = /^[a-z0-9]/u.test(term);
  const latinEnd = /[a-z0-9]$/u.test(term);
  for (let at = haystack.indexOf(term); at >= 0; at = haystack.indexOf(term, at + 1)) {
    const before = at > 0 ? haystack[at - 1]! : '';
    const after = haystack[at + term.length] ?? '';
    if (latinStart && /[a-z0-9]/u.test(before)) continue;
    if (latinEnd && /[a-z0-9]/u.test(after)) continue;
    found.push(at);
  }
  return found;
}
