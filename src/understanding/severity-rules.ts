import type { ClassifyRules } from './classify-rules.ts';
import { foldForMatching, hasHan } from './normalise.ts';
import { FoldedText, LATIN_EDGE_AFTER, LATIN_EDGE_BEFORE, matchTerms, termPattern, type TermMatch, type TermSet } from './term-matcher.ts';

export interface Seriousness {
  /** The rule that matched: injury, medical, fire, legal, media, repeat_repair, … */
  rule: string;
  /** The words that matched (folded: lower case, Simplified Chinese), what stood in a `…` gap left out. */
  words: string;
}

let lastFolded: { text: string; folded: FoldedText } | undefined;

/**
 * The form every classify rule reads: folded, with typographic apostrophes
 * made plain. The last text is remembered: severity and category read the
 * same complaint one after the other, and folding Chinese costs ~40 µs.
 */
export function foldForRules(text: string): FoldedText {
  if (lastFolded?.text !== text) lastFolded = { text, folded: new FoldedText(foldForMatching(text).replace(/[\u2018\u2019\u02bc]/g, "'")) };
  return lastFolded.folded;
}

/**
 * What makes this complaint serious, one entry per rule, in the order of the
 * rules; empty when nothing does. A match the customer denies ("nobody was
 * hurt", 幸好没受伤) does not count.
 */
export function findSeriousness(text: string, rules: ClassifyRules): Seriousness[] {
  const folded = foldForRules(text);
  const found: Seriousness[] = [];
  for (const { rule, set } of rules.severity) {
    const words = firstAffirmed(set, folded, rules);
    if (words !== undefined) found.push({ rule, words });
  }
  return found;
}

/** The words of the first match of the set that the customer does not deny, with a modifier in front kept. */
export function firstAffirmed(set: TermSet, folded: FoldedText, rules: ClassifyRules): string | undefined {
  for (const match of matchTerms(set, folded)) {
    if (isDenied(match, folded, rules) || insideNotSerious(match, folded, rules)) continue;
    return withModifier(match, folded, rules);
  }
  return undefined;
}

function insideNotSerious(match: TermMatch, folded: FoldedText, rules: ClassifyRules): boolean {
  if (!rules.notSerious) return false;
  const end = match.index + match.text.length;
  for (const harmless of folded.matchesOf(rules.notSerious)) {
    if (harmless.index < end && match.index < harmless.index + harmless.text.length) return true;
  }
  return false;
}

function isDenied(match: TermMatch, folded: FoldedText, rules: ClassifyRules): boolean {
  const clause = folded.clauseBefore(match.index);
  if (hasHan(match.text)) {
    const { pattern, exceptions } = rules.negation.han;
    if (!pattern) return false;
    // Masked, not removed: 没想到 denies nothing, and must not bring an earlier 没 closer.
    const masked = exceptions ? clause.replace(exceptions, (s) => '□'.repeat(s.length)) : clause;
    return pattern.test(masked);
  }
  return rules.negation.latin.pattern?.test(clause) ?? false;
}

function withModifier(match: TermMatch, folded: FoldedText, rules: ClassifyRules): string {
  const modifier = hasHan(match.text) ? rules.modifiers.han : rules.modifiers.latin;
  const before = folded.value.slice(Math.max(0, match.index - 20), match.index);
  const found = modifier?.exec(before);
  const words = withoutGaps(match, rules);
  return found ? `${found[0]}${words}`.trim() : words;
}

/**
 * The words of a match with what stood in a `…` gap left out ("my … son …
 * hurt"): reasons are kept after a case is anonymised, so they hold only the
 * vocabulary of classify.json, never other words of the customer (a name).
 */
function withoutGaps(match: TermMatch, rules: ClassifyRules): string {
  const parts = match.term.source.split('…').map((part) => part.trim());
  if (parts.length === 1) return match.text;
  const han = hasHan(match.term.source);
  let words = '';
  let from = 0;
  for (const part of parts) {
    const pattern = termPattern(part, rules.termOptions);
    const regex = new RegExp(han ? pattern : `${LATIN_EDGE_BEFORE}${pattern}${LATIN_EDGE_AFTER}`, 'gu');
    regex.lastIndex = from;
    const hit = regex.exec(match.text);
    if (!hit) return parts.join(han ? '…' : ' … ');
    const gap = match.text.slice(from, hit.index).trim();
    if (from > 0) words += gap.length > 0 ? (han ? '…' : ' … ') : han ? '' : ' ';
    words += hit[0];
    from = hit.index + hit[0].length;
  }
  return words;
}
