import { findCaseById } from '../cases/case.repository.ts';
import type { Db } from '../db/database.ts';
import { pickAssignee } from './auto-assign.ts';
import { routeCase } from './routing.ts';
import { changeCase, type StaffDeps } from './staff-action.ts';

/** The ids of the files recorded with the case at intake (its `evidence`). */
function storedEvidence(evidence: unknown): string[] {
  return Array.isArray(evidence) ? evidence.flatMap((e: { id?: unknown }) => (typeof e?.id === 'string' ? [e.id] : [])) : [];
}

/**
 * A new case (inside the conversation's transaction): routed to a team and
 * channel by the rules, auto-assigned when the team says so, its card
 * queued for the desk, with the files sent during the intake.
 */
export async function routeNewCase(trx: Db, deps: Pick<StaffDeps, 'desk' | 'routing'>, caseId: number, now: Date): Promise<void> {
  const row = await findCaseById(trx, caseId);
  if (!row) return;
  const route = routeCase(deps.routing, { category: row.category, severity: row.severity });
  let updated = await changeCase(trx, deps, row, 'system:routing', now, { team: route.team, slack_channel: route.channel }, {
    action: 'routed',
    to: route.team,
    details: { channel: route.channel, assignment: route.assignment },
  });
  const evidence = storedEvidence(row.evidence);
  if (evidence.length > 0) await deps.desk.publish(trx, caseId, { type: 'intake-evidence', attachmentIds: evidence });
  if (!route.team) return;
  const owner = await pickAssignee(trx, { team: route.team, members: route.members, strategy: route.assignment, caseId });
  if (!owner) return;
  updated = await changeCase(trx, deps, updated, 'system:auto-assign', now, { owner, status: 'assigned' }, {
    action: 'auto_assigned',
    from: null,
    to: owner,
    details: { strategy: route.assignment, team: route.team },
  });
  await deps.desk.publish(trx, caseId, { type: 'assigned', to: owner, by: null });
}
