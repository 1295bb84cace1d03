import { appendCaseEvent } from '../cases/case.repository.ts';
import { actorRef, type StaffActor } from './staff-actor.ts';
import { refuse, staffAction, type StaffDeps, type StaffResult } from './staff-action.ts';

/**
 * A staff member asks to read a case's unmasked contact details. Audited as
 * a `contact_revealed` event (who and when; never the contact itself). The
 * case is not changed: no card refresh, `updated_at` untouched (retention
 * counts from real work on the case, not from reading it). The caller shows
 * `caseRow`'s contact to that staff member only.
 */
export async function revealContact(deps: StaffDeps, input: { caseId: number; actor: StaffActor; via: string }): Promise<StaffResult> {
  return staffAction(deps, input.caseId, input.actor, async (trx, row, now) => {
    if (!row.contact_name && !row.contact_phone && !row.contact_email) return refuse('no_contact');
    await appendCaseEvent(trx, { caseId: row.id, at: now, actor: actorRef(input.actor), action: 'contact_revealed', details: { via: input.via } });
    return { ok: true, caseRow: row, changed: false };
  });
}
