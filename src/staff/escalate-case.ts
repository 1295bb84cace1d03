import type { StaffActor } from './staff-actor.ts';
import { changeCase, refuse, staffAction, unchanged, type StaffDeps, type StaffResult } from './staff-action.ts';

export const ESCALATION_LEVELS = ['mediation', 'legal'] as const;

/** Flags the case for mediation or the legal route, with who and why; supervisors are told. Not a status. */
export async function escalateCase(deps: StaffDeps, input: { caseId: number; actor: StaffActor; level: string; reason: string }): Promise<StaffResult> {
  const reason = input.reason.trim();
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!(ESCALATION_LEVELS as readonly string[]).includes(input.level)) return refuse('invalid_input', { field: 'level' });
    if (!reason || reason.length > 2000) return refuse('invalid_input', { field: 'reason' });
    if (row.status === 'closed') return refuse('not_open');
    if (row.escalation === input.level) return unchanged(row);
    const updated = await changeCase(
      trx,
      deps,
      row,
      input.actor,
      now,
      { escalation: input.level, escalation_reason: reason, escalated_by: input.actor.userId, escalated_at: now },
      { action: 'escalated', from: row.escalation, to: input.level },
    );
    await deps.desk.publish(trx, row.id, { type: 'escalated', level: input.level, by: input.actor.userId });
    return { ok: true, caseRow: updated, changed: true };
  });
}
