import type { Policy } from '../policy.ts';
import { compileExtraTerms, type ClassifyRules } from '../understanding/classify-rules.ts';
import { findSeriousness, firstAffirmed, foldForRules } from '../understanding/severity-rules.ts';
import type { TermSet } from '../understanding/term-matcher.ts';

export interface SeverityInput {
  /** Free text of the complaint (description, when/where). */
  text: string;
  desiredResolution?: string;
  /** The complaint's category: a policy may set a level by category (`severity.categories`). */
  category?: string;
  /** Earlier cases of the same customer (identity or contact) within the repeat window. */
  recentCases: number;
}

export interface SeverityAssessment {
  severity: string;
  /**
   * Why, for the desk and the audit log: `injury: "轻微烫伤"` (a phrase rule of
   * prompts/<locale>/classify.json and the customer's words), `keyword: "fire"`
   * (policy.severity.keywords), `remedy:<remedy>`, `repeat:<n>`. Empty when initial.
   */
  reasons: string[];
}

/**
 * The initial severity of a new case. Raised when the text names a serious
 * consequence (injury, medical care, fire, legal action, regulators or media,
 * a repair that failed again…) and the customer does not deny it, when the
 * customer asks for an elevating remedy (compensation), on a repeat complaint
 * within the window, or by category: each to the level its rule names
 * (`elevated` by default), the highest winning.
 */
export function assessSeverity(input: SeverityInput, policy: Policy, rules: ClassifyRules): SeverityAssessment {
  const reasons: string[] = [];
  const matched: string[] = [];
  const { severity } = policy;
  // Each rule names the level it sets; the highest wins.
  let level = severity.initial;
  const raise = (to: string) => {
    if (severity.levels.indexOf(to) > severity.levels.indexOf(level)) level = to;
  };
  for (const { rule, words } of findSeriousness(input.text, rules)) {
    reasons.push(`${rule}: ${JSON.stringify(words)}`);
    matched.push(words);
    raise(severity.phraseRules[rule] ?? severity.elevated);
  }
  // The policy's own keywords keep working, on word boundaries and with negation;
  // one already named by a phrase rule is not repeated.
  if (policy.severity.keywords.length > 0) {
    const folded = foldForRules(input.text);
    const seen = new Set<string>();
    for (const keyword of policy.severity.keywords) {
      const single = compiledKeyword(keyword, rules);
      const words = single ? firstAffirmed(single, folded, rules) : undefined;
      if (words === undefined || seen.has(words) || matched.some((m) => m.includes(words))) continue;
      seen.add(words);
      reasons.push(`keyword: ${JSON.stringify(keyword)}`);
      raise(severity.keywordLevels[keyword] ?? severity.elevated);
    }
  }
  const remedyLevel = input.desiredResolution ? severity.remedyLevels[input.desiredResolution] : undefined;
  if (remedyLevel) {
    reasons.push(`remedy:${input.desiredResolution}`);
    raise(remedyLevel);
  }
  if (input.recentCases > 0) {
    reasons.push(`repeat:${input.recentCases}`);
    raise(severity.repeatLevel);
  }
  const categoryLevel = input.category ? severity.categories[input.category] : undefined;
  if (categoryLevel && severity.levels.indexOf(categoryLevel) > severity.levels.indexOf(severity.initial)) {
    reasons.push(`category:${input.category}`);
    raise(categoryLevel);
  }
  return { severity: level, reasons };
}

// Compiled once per rules object and keyword: the policy and the rules live as long as the process.
const keywordCache = new WeakMap<ClassifyRules, Map<string, TermSet | undefined>>();

function compiledKeyword(keyword: string, rules: ClassifyRules): TermSet | undefined {
  let cache = keywordCache.get(rules);
  if (!cache) keywordCache.set(rules, (cache = new Map()));
  if (!cache.has(keyword)) cache.set(keyword, compileExtraTerms(rules, [keyword]));
  return cache.get(keyword);
}

