import type { Db } from '../db/database.ts';
import type { AssignmentStrategy } from './routing.ts';
import { lastTeamOwner, lockTeam, openCasesByOwner } from './staff.repository.ts';

/**
 * Picks the owner of a new case among the team's agents: round robin (the
 * member after the one who got the team's last case) or least loaded (fewest
 * open cases; ties go to the earlier member). Serialised per team, so two
 * cases opened at once do not both go to the same "next" agent.
 */
export async function pickAssignee(
  trx: Db,
  input: { team: string; members: readonly string[]; strategy: AssignmentStrategy; caseId: number },
): Promise<string | undefined> {
  const { team, members, strategy } = input;
  if (strategy === 'claim' || members.length === 0) return undefined;
  await lockTeam(trx, team);
  if (strategy === 'round_robin') {
    const last = await lastTeamOwner(trx, team, members, input.caseId);
    const next = last === undefined ? 0 : (members.indexOf(last) + 1) % members.length;
    return members[next];
  }
  const load = await openCasesByOwner(trx, members);
  let best = members[0]!;
  for (const member of members) if ((load.get(member) ?? 0) < (load.get(best) ?? 0)) best = member;
  return best;
}
