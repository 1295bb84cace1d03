import { messageCaseCustomer } from '../cases/customer-message.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { localeOf } from './customer-texts.ts';
import { staffReport } from './delivery-reported.ts';
import type { StaffActor } from './staff-actor.ts';
import { changeCase, refuse, staffAction, type StaffDeps, type StaffResult } from './staff-action.ts';

/** A resolved or closed case goes back to work, keeping its owner; the customer is told. */
export async function reopenCase(deps: StaffDeps, input: { caseId: number; actor: StaffActor }): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (row.status !== 'resolved' && row.status !== 'closed') return refuse('not_resolved');
    const updated = await reopenLockedCase(trx, deps, row, input.actor, now);
    const text = deps.catalog.t(localeOf(row), 'messages.caseReopened', { caseNumber: row.number });
    await messageCaseCustomer(trx, updated.id, { text }, staffReport(updated.id, 'reopened'));
    return { ok: true, caseRow: updated, changed: true };
  });
}

/**
 * The reopening itself, on a case the caller has locked (resolved or
 * closed): status, audit, card, and a new resolution window. Telling the
 * customer is the caller's (a survey answer tells them in the conversation).
 */
export async function reopenLockedCase(trx: Db, deps: Pick<StaffDeps, 'desk' | 'deadlines'>, row: CaseRow, actor: string | StaffActor, now: Date): Promise<CaseRow> {
  const updated = await changeCase(
    trx,
    deps,
    row,
    actor,
    now,
    { status: 'reopened', resolved_at: null, closed_at: null, remedy_approval: null, remedy_decided_by: null, remedy_decided_at: null },
    { action: 'reopened', from: row.status, to: 'reopened' },
  );
  await deps.deadlines.reopened(trx, row.id, now);
  return updated;
}
