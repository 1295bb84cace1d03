import { segmenter } from './segmenter.ts';
import { hasHan } from './normalise.ts';

/**
 * The small pattern language of prompts/<locale>/classify.json, compiled to
 * regular expressions once at start. A term is written as the customer would
 * write it (lower case, Simplified Chinese):
 * - Latin words match on word boundaries ("late" never inside "chocolate");
 *   a `*` at the end of a word matches any ending ("injur*": injured, injuries).
 * - `…` (or `...`) between two parts allows a short gap inside one clause
 *   ("fixed … twice", "修…两次"): up to `gap` words (Latin) or characters (Han).
 * - Han terms match anywhere, except terms listed in `wholeWordsOnly`, which
 *   must start and end on a word boundary found by the word segmenter (segmenter.ts)
 *   (起火 is not in 一起火锅, 报警 not in 烟雾报警器).
 */
export interface TermOptions {
  latinGap: number;
  hanGap: number;
  wholeWordsOnly: ReadonlySet<string>;
}

export interface CompiledTerm {
  source: string;
  wholeWord: boolean;
}

/** Many terms as one alternation; the group that matched names the term. */
export interface TermSet {
  regex: RegExp;
  terms: CompiledTerm[];
}

export interface TermMatch {
  term: CompiledTerm;
  index: number;
  text: string;
}

const CLAUSE_END = '，。！？；,.!?;\\n';
export const LATIN_EDGE_BEFORE = '(?<![\\p{Script=Latin}\\p{N}])';
export const LATIN_EDGE_AFTER = '(?![\\p{Script=Latin}\\p{N}])';

export function normaliseTerm(term: string): string {
  return term.normalize('NFKC').toLowerCase().replace(/\.\.\./g, '…').replace(/\s+/g, ' ').trim();
}

/** The pattern of one term, without the Latin word-boundary checks (added once per set). */
export function termPattern(term: string, options: TermOptions): string {
  const source = normaliseTerm(term);
  if (hasHan(source)) {
    return source
      .split('…')
      .map((part) => escapeRegExp(part.trim()))
      .join(`[^${CLAUSE_END}]{0,${options.hanGap}}`);
  }
  const words = source.split(' ').map((word) => {
    if (word === '…') return null;
    const escaped = escapeRegExp(word.replace(/^\*|\*$/g, ''));
    return `${word.startsWith('*') ? "[\\p{L}\\p{N}'-]*" : ''}${escaped}${word.endsWith('*') ? "[\\p{L}\\p{N}'-]*" : ''}`;
  });
  let pattern = '';
  for (const [i, word] of words.entries()) {
    if (word === null) {
      pattern += `(?:[\\s-]+[^\\s${CLAUSE_END}]+){0,${options.latinGap}}`;
      continue;
    }
    pattern += i === 0 ? word : `[\\s-]+${word}`;
  }
  return pattern;
}

export function compileTermSet(terms: readonly string[], options: TermOptions): TermSet | undefined {
  const unique = [...new Set(terms.map(normaliseTerm))].filter((t) => t.length > 0);
  if (unique.length === 0) return undefined;
  // Latin terms first (their word boundaries are checked once for all of them),
  // and longer terms first: at one position the more specific wording wins.
  unique.sort((a, b) => Number(hasHan(a)) - Number(hasHan(b)) || b.length - a.length);
  const compiled = unique.map((source) => ({ source, wholeWord: options.wholeWordsOnly.has(source) }));
  const latin = unique.filter((t) => !hasHan(t)).map((t) => `(${termPattern(t, options)})`);
  const han = unique.filter(hasHan).map((t) => `(${termPattern(t, options)})`);
  const parts = [...(latin.length > 0 ? [`${LATIN_EDGE_BEFORE}(?:${latin.join('|')})${LATIN_EDGE_AFTER}`] : []), ...han];
  return { regex: new RegExp(parts.join('|'), 'gu'), terms: compiled };
}

/**
 * Every non-overlapping match of the set in the folded text, in order, that
 * passes `accept` (negation, whole words). A refused match lets the scan go
 * on one character later, so a later wording can still match.
 */
export function* matchTerms(set: TermSet, text: FoldedText): Generator<TermMatch> {
  // The set's one compiled regex (a new RegExp per scan cost half the matching time); the
  // position is kept here and set before each exec, so scans of one set may interleave.
  const { regex } = set;
  let from = 0;
  for (;;) {
    regex.lastIndex = from;
    const found = regex.exec(text.value);
    if (found === null) return;
    from = regex.lastIndex;
    const groupIndex = found.findIndex((group, i) => i > 0 && group !== undefined);
    const term = set.terms[groupIndex - 1]!;
    const match = { term, index: found.index, text: found[0] };
    if (term.wholeWord && !text.onWordBoundaries(found.index, found.index + found[0].length)) {
      from = found.index + 1;
      continue;
    }
    yield match;
    if (found[0].length === 0) from++;
  }
}

/** Folded text with its word boundaries (segmenter.ts), computed only if a whole-word term asks. */
export class FoldedText {
  private boundaries: Set<number> | undefined;
  private readonly cached = new Map<TermSet, TermMatch[]>();
  constructor(readonly value: string) {}

  /** All matches of a set, computed once per text (for sets asked about many times). */
  matchesOf(set: TermSet): readonly TermMatch[] {
    let found = this.cached.get(set);
    if (!found) this.cached.set(set, (found = [...matchTerms(set, this)]));
    return found;
  }

  onWordBoundaries(start: number, end: number): boolean {
    this.boundaries ??= wordBoundaries(this.value);
    return this.boundaries.has(start) && this.boundaries.has(end);
  }

  /** The text of the clause before `index` (back to the last punctuation). */
  clauseBefore(index: number): string {
    const before = this.value.slice(0, index);
    const cut = Math.max(...[...CLAUSE_END.replace('\\n', '\n')].map((ch) => before.lastIndexOf(ch)));
    return before.slice(cut + 1);
  }
}

function wordBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([0]);
  let offset = 0;
  for (const token of segmenter().cut(text, false)) {
    offset += token.length;
    boundaries.add(offset);
  }
  // If the segmenter changed the text, its offsets mean nothing: accept every position.
  if (offset !== text.length) for (let i = 0; i <= text.length; i++) boundaries.add(i);
  return boundaries;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
