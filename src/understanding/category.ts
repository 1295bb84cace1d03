import type { ClassifyRules } from './classify-rules.ts';
import { foldForRules } from './severity-rules.ts';
import { matchTerms } from './term-matcher.ts';

export interface CategoryScore {
  category: string;
  score: number;
  /** The terms that scored, as written in classify.json. */
  terms: string[];
}

/**
 * Scores the complaint against each category's weighted terms and returns the
 * categories that scored, best first. Where two terms overlap ("late
 * delivery" and "delivery"), only the longer counts; each term counts once.
 * Categories not in `categories` (the policy's list) are ignored.
 */
export function scoreCategories(text: string, rules: ClassifyRules, categories: readonly string[]): CategoryScore[] {
  const folded = foldForRules(text);
  const wanted = new Set(categories);
  const matches: Array<{ category: string; term: string; weight: number; start: number; end: number }> = [];
  for (const { category, set, weights } of rules.categories) {
    if (!wanted.has(category)) continue;
    for (const match of matchTerms(set, folded)) {
      matches.push({ category, term: match.term.source, weight: weights.get(match.term.source) ?? 0, start: match.index, end: match.index + match.text.length });
    }
  }
  matches.sort((a, b) => b.end - b.start - (a.end - a.start) || b.weight - a.weight);
  const kept: typeof matches = [];
  for (const match of matches) {
    if (kept.some((k) => match.start < k.end && k.start < match.end)) continue;
    kept.push(match);
  }

  const scores = new Map<string, CategoryScore>();
  for (const match of kept) {
    const score = scores.get(match.category) ?? { category: match.category, score: 0, terms: [] };
    if (score.terms.includes(match.term)) continue;
    score.score += match.weight;
    score.terms.push(match.term);
    scores.set(match.category, score);
  }
  // Ties keep the policy's order of categories, so the result never depends on file order.
  return [...scores.values()]
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || categories.indexOf(a.category) - categories.indexOf(b.category));
}
