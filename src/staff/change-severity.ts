import { computeDeadlines } from '../cases/deadlines.ts';
import type { StaffActor } from './staff-actor.ts';
import { changeCase, refuse, staffAction, unchanged, type StaffDeps, type StaffResult } from './staff-action.ts';

/**
 * Sets the severity and recomputes the deadlines from the case's opening.
 * Lowering a severity (e.g. major → general) is for supervisors only.
 */
export async function changeSeverity(deps: StaffDeps, input: { caseId: number; actor: StaffActor; severity: string }): Promise<StaffResult> {
  const levels = deps.policy.severity.levels;
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!levels.includes(input.severity)) return refuse('invalid_input', { field: 'severity' });
    if (row.status === 'closed') return refuse('not_open');
    if (row.severity === input.severity) return unchanged(row);
    const lowering = levels.indexOf(input.severity) < levels.indexOf(row.severity);
    if (lowering && input.actor.role !== 'supervisor') return refuse('not_supervisor');
    const deadlines = computeDeadlines(new Date(row.created_at), input.severity, deps.policy);
    const updated = await changeCase(
      trx,
      deps,
      row,
      input.actor,
      now,
      { severity: input.severity, first_response_due_at: deadlines.firstResponseDueAt, resolution_due_at: deadlines.resolutionDueAt },
      {
        action: 'severity_changed',
        from: row.severity,
        to: input.severity,
        details: { firstResponseDueAt: deadlines.firstResponseDueAt.toISOString(), resolutionDueAt: deadlines.resolutionDueAt.toISOString() },
      },
    );
    await deps.deadlines.severityChanged(trx, row.id, input.severity, now);
    return { ok: true, caseRow: updated, changed: true };
  });
}
