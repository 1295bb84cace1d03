import { createRequire } from 'node:module';
import * as TraditionalToSimplified from 'opencc-js/t2cn';

/**
 * Text normalisation shared by every reader of customer words. Matching rules
 * are written once, in Simplified Chinese and lower-case Latin: Traditional
 * Chinese (Taiwan, Hong Kong) is folded to Simplified with OpenCC before any
 * matching, and full-width forms to their ASCII twins (NFKC).
 *
 * Only the Traditional → Simplified dictionaries are loaded with the module
 * (~12 MB, ~15 ms). The other direction (~75 MB, ~130 ms) is needed only to
 * answer a customer who writes Traditional, so it is loaded the first time
 * one does.
 */
type Convert = (text: string) => string;
// Built on first use, not at start-up (most processes' first minutes never need them).
let t2s: Convert | undefined;
const traditionalToSimplified: Convert = (text) => (t2s ??= TraditionalToSimplified.Converter({ from: 'tw', to: 'cn' }))(text);
let simplifiedToTraditional: Convert | undefined;

function loadSimplifiedToTraditional(): Convert {
  // The package's CommonJS build of the same bundle: loaded synchronously, because the engine is synchronous.
  const { Converter } = createRequire(import.meta.url)('opencc-js/cn2t') as typeof TraditionalToSimplified;
  const convert = Converter({ from: 'cn', to: 'tw' });
  simplifiedToTraditional = convert;
  return convert;
}

/** Traditional → Simplified Chinese; other scripts pass through unchanged. */
export function toSimplified(text: string): string {
  return hasHan(text) ? traditionalToSimplified(text) : text;
}

/** Simplified → Traditional (Taiwan standard), for answering a customer who writes Traditional. */
export function toTraditional(text: string): string {
  return hasHan(text) ? (simplifiedToTraditional ?? loadSimplifiedToTraditional())(text) : text;
}

/**
 * True when the text is written in Traditional Chinese: some of its Han
 * characters change when folded to Simplified. A text of characters common
 * to both scripts (e.g. "我不要") says nothing either way and is false.
 */
export function writesTraditional(text: string): boolean {
  return hasHan(text) && traditionalToSimplified(text) !== text;
}

/** The last texts folded: the readers of one message each fold the same words. */
const folded = new Map<string, string>();
const FOLDED_KEPT = 8;

/** The form every matching rule sees: NFKC, Simplified, lower case, single spaces. */
export function foldForMatching(text: string): string {
  const known = folded.get(text);
  if (known !== undefined) return known;
  const result = toSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/gu, ' ').trim();
  if (folded.size >= FOLDED_KEPT) folded.delete(folded.keys().next().value as string);
  folded.set(text, result);
  return result;
}

export function hasHan(text: string): boolean {
  return /[\u3400-\u9FFF\uF900-\uFAFF]/u.test(text);
}
