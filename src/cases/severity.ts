import type { Policy } from '../policy.ts';

export interface SeverityInput {
  /** Free text of the complaint (description, when/where). */
  text: string;
  desiredResolution?: string;
  /** Earlier cases of the same customer (identity or contact) within the repeat window. */
  recentCases: number;
}

export interface SeverityAssessment {
  severity: string;
  /** Why: `keyword:<word>`, `remedy:<remedy>`, `repeat:<n>`. Empty when initial. */
  reasons: string[];
}

/**
 * The initial severity of a new case. Major when the text names a serious
 * consequence (injury, fire, lawyer, media…), when the customer asks for an
 * elevating remedy (compensation), or on a repeat complaint within the window.
 */
export function assessSeverity(input: SeverityInput, policy: Policy): SeverityAssessment {
  const reasons: string[] = [];
  const text = input.text.toLowerCase();
  for (const keyword of policy.severity.keywords) {
    if (matchesKeyword(text, keyword.toLowerCase())) reasons.push(`keyword:${keyword}`);
  }
  if (input.desiredResolution && policy.severity.elevatingRemedies.includes(input.desiredResolution)) {
    reasons.push(`remedy:${input.desiredResolution}`);
  }
  if (input.recentCases > 0) reasons.push(`repeat:${input.recentCases}`);
  return { severity: reasons.length > 0 ? policy.severity.elevated : policy.severity.initial, reasons };
}

/** Latin keywords match whole words ("fire" not "fired"? — stems are listed explicitly); CJK ones match anywhere. */
function matchesKeyword(text: string, keyword: string): boolean {
  if (/[\u3400-\u9FFF]/u.test(keyword)) return text.includes(keyword);
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(keyword)}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
