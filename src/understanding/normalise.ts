import * as OpenCC from 'opencc-js';

/**
 * Text normalisation shared by every reader of customer words. Matching rules
 * are written once, in Simplified Chinese and lower-case Latin: Traditional
 * Chinese (Taiwan, Hong Kong) is folded to Simplified with OpenCC before any
 * matching, and full-width forms to their ASCII twins (NFKC).
 */
// Built on first use (~0.15 s of CPU for both dictionaries' tries): not at start-up, where most texts never need them.
let t2s: ((text: string) => string) | undefined;
let s2t: ((text: string) => string) | undefined;
const traditionalToSimplified = (text: string): string => (t2s ??= OpenCC.Converter({ from: 'tw', to: 'cn' }))(text);
const simplifiedToTraditional = (text: string): string => (s2t ??= OpenCC.Converter({ from: 'cn', to: 'tw' }))(text);

/** Traditional → Simplified Chinese; other scripts pass through unchanged. */
export function toSimplified(text: string): string {
  return hasHan(text) ? traditionalToSimplified(text) : text;
}

/** Simplified → Traditional (Taiwan standard), for answering a customer who writes Traditional. */
export function toTraditional(text: string): string {
  return hasHan(text) ? simplifiedToTraditional(text) : text;
}

/**
 * True when the text is written in Traditional Chinese: some of its Han
 * characters change when folded to Simplified. A text of characters common
 * to both scripts (e.g. "我不要") says nothing either way and is false.
 */
export function writesTraditional(text: string): boolean {
  return hasHan(text) && traditionalToSimplified(text) !== text;
}

/** The form every matching rule sees: NFKC, Simplified, lower case, single spaces. */
export function foldForMatching(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/gu, ' ').trim();
}

export function hasHan(text: string): boolean {
  return /[\u3400-\u9FFF\uF900-\uFAFF]/u.test(text);
}
