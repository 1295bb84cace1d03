import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Policy } from '../policy.ts';
import { STAFF_LOCALES } from './staff-catalog.ts';
import { RoutingError } from '../errors.ts';

/**
 * Routing rules for the staff desk, from config/routing.json: which Slack
 * channel and team get a new case (by category and severity), how a team's
 * cases are assigned, and the options of the Resolve form. Validated at
 * start; a broken file stops the start with the file and field named.
 */
const channelId = z.string().regex(/^[CG][A-Z0-9]{4,}$/, 'must be a Slack channel id such as C0123ABCD');
const userId = z.string().regex(/^[UW][A-Z0-9]{4,}$/, 'must be a Slack user id such as U0123ABCD');
const code = z.string().regex(/^[a-z0-9_]+$/, 'must be a lower-case code (a-z, 0-9, _)');
const oneOrMany = z.union([code, z.array(code).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const teamSchema = z
  .object({
    channel: channelId.optional(),
    members: z.array(userId).default([]),
    /** claim: nobody is assigned until someone presses Claim or Assign…. */
    assignment: z.enum(['claim', 'round_robin', 'least_loaded']).default('claim'),
    /** The language this team's cases are shown in on the desk; default STAFF_LOCALE. */
    locale: z.enum(STAFF_LOCALES).optional(),
  })
  .strict();

const ruleSchema = z
  .object({
    category: oneOrMany.optional(),
    severity: oneOrMany.optional(),
    team: code,
    channel: channelId.optional(),
  })
  .strict();

const DEFAULT_ROOT_CAUSES = ['product_defect', 'process', 'staff_conduct', 'communication', 'logistics', 'third_party', 'customer_misuse', 'other'];

export const routingSchema = z
  .object({
    defaultChannel: channelId.optional(),
    defaultTeam: code.optional(),
    teams: z.record(code, teamSchema).default({}),
    /** First matching rule wins; a rule without category/severity matches every case. */
    rules: z.array(ruleSchema).default([]),
    resolution: z
      .object({
        rootCauses: z.array(code).min(1).default(DEFAULT_ROOT_CAUSES),
        remedies: z.array(code).min(1).default(['refund', 'replacement', 'repair', 'compensation', 'apology']),
        /** Remedies that a supervisor must approve before the customer is told, on cases of these severities. */
        approval: z
          .object({
            severities: z.array(code).default(['major']),
            remedies: z.array(code).default(['refund', 'replacement', 'repair', 'compensation']),
          })
          .strict()
          .prefault({}),
        /** Shown after remedy amounts, e.g. "CNY". */
        currency: z.string().max(8).default(''),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Routing = Readonly<z.infer<typeof routingSchema>>;
export type AssignmentStrategy = z.infer<typeof teamSchema>['assignment'];

export interface Route {
  channel: string;
  team: string | null;
  assignment: AssignmentStrategy;
  members: readonly string[];
}

export { RoutingError };

/** Reads and checks the routing file against the policy; a missing file routes everything to `fallbackChannel`. */
export function loadRouting(path: string, policy: Policy, fallbackChannel: string | undefined): Routing {
  let raw: unknown = {};
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new RoutingError(`${path}: ${(error as Error).message}`);
  }
  if (raw && typeof raw === 'object' && '$comment' in raw) {
    const { $comment: _comment, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  return parseRouting(raw, policy, fallbackChannel, path);
}

export function parseRouting(raw: unknown, policy: Policy, fallbackChannel: string | undefined, source = 'routing'): Routing {
  const parsed = routingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RoutingError(`${source}: field "${issue.path.join('.') || '(root)'}": ${issue.message}`);
  }
  const routing = parsed.data;
  const fail = (field: string, message: string): never => {
    throw new RoutingError(`${source}: field "${field}": ${message}`);
  };
  const teamNames = Object.keys(routing.teams);
  if (routing.defaultTeam && !routing.teams[routing.defaultTeam]) fail('defaultTeam', `unknown team "${routing.defaultTeam}" (teams: ${teamNames.join(', ') || 'none'})`);
  routing.rules.forEach((rule, index) => {
    if (!routing.teams[rule.team]) fail(`rules.${index}.team`, `unknown team "${rule.team}" (teams: ${teamNames.join(', ') || 'none'})`);
    for (const category of rule.category ?? []) {
      if (!policy.categories.includes(category)) fail(`rules.${index}.category`, `"${category}" is not a policy category (${policy.categories.join(', ')})`);
    }
    for (const severity of rule.severity ?? []) {
      if (!policy.severity.levels.includes(severity)) fail(`rules.${index}.severity`, `"${severity}" is not a severity level (${policy.severity.levels.join(', ')})`);
    }
  });
  for (const [name, team] of Object.entries(routing.teams)) {
    if (team.assignment !== 'claim' && team.members.length === 0) fail(`teams.${name}.members`, `assignment "${team.assignment}" needs at least one member`);
    if (!team.channel && !routing.defaultChannel && !fallbackChannel) fail(`teams.${name}.channel`, 'no channel here, no defaultChannel and no SLACK_CASES_CHANNEL');
  }
  if (!routing.defaultChannel && !fallbackChannel) fail('defaultChannel', 'set it or SLACK_CASES_CHANNEL: cases that match no rule need a channel');
  for (const level of routing.resolution.approval.severities) {
    if (!policy.severity.levels.includes(level)) fail('resolution.approval.severities', `"${level}" is not a severity level`);
  }
  const fallback = routing.defaultChannel ?? fallbackChannel;
  return Object.freeze({ ...routing, defaultChannel: fallback });
}

/** Where a new case goes: the first matching rule, else the default team and channel. */
export function routeCase(routing: Routing, input: { category: string | null; severity: string }): Route {
  const rule = routing.rules.find(
    (r) => (!r.category || (input.category !== null && r.category.includes(input.category))) && (!r.severity || r.severity.includes(input.severity)),
  );
  const teamName = rule?.team ?? routing.defaultTeam ?? null;
  const team = teamName ? routing.teams[teamName] : undefined;
  return {
    channel: rule?.channel ?? team?.channel ?? routing.defaultChannel!,
    team: teamName,
    assignment: team?.assignment ?? 'claim',
    members: team?.members ?? [],
  };
}

/** Whether a remedy on a case of `severity` waits for a supervisor before the customer is told. */
export function remedyNeedsApproval(routing: Routing, severity: string, remedy: string | null): boolean {
  if (!remedy || remedy === 'none') return false;
  return routing.resolution.approval.severities.includes(severity) && routing.resolution.approval.remedies.includes(remedy);
}
