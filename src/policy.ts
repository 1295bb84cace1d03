import { readFileSync } from 'node:fs';
import { PolicyError } from './errors.ts';
import type { MilestoneSpec } from './policy/milestone.schema.ts';
import { type Policy, policySchema } from './policy/policy.schema.ts';

/**
 * The company's rules (config/policy.json): parsed and checked once at start,
 * then frozen. The schema is in src/policy/; what callers need is exported here.
 */
export type { MilestoneSpec, Policy };
export { PolicyError, policySchema };

/** The milestones a case of this severity and category works through (the category's own list first). */
export function milestonesFor(policy: Policy, severity: string, category: string | null): readonly MilestoneSpec[] {
  return (category ? policy.categoryMilestones[category]?.[severity] : undefined) ?? policy.milestones[severity] ?? [];
}

/** Every milestone the policy names, in all its lists (the same id may come more than once). */
export function allMilestones(policy: Policy): readonly MilestoneSpec[] {
  return [...Object.values(policy.milestones).flat(), ...Object.values(policy.categoryMilestones).flatMap((bySeverity) => Object.values(bySeverity).flat())];
}

/** A severity level's label in `locale`, when the policy gives one. */
export function severityLabel(policy: Policy, level: string, locale: string): string | undefined {
  const labels = policy.severity.labels[level];
  return labels ? (labels[locale] ?? labels.en) : undefined;
}

export function parsePolicy(raw: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PolicyError(`${source}: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

/** Reads the policy file; a missing file means all defaults. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parsePolicy({}, path);
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const { $comment: _comment, ...rest } = raw as Record<string, unknown>;
  return parsePolicy(rest, path);
}
