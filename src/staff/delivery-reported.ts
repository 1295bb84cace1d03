import { appendCaseEvent } from '../cases/case.repository.ts';
import type { DeliveryReport } from '../cases/customer-message.ts';
import type { Db } from '../db/database.ts';
import type { DeliveryListener, DeliveryOutcome } from '../outbox/delivery-listener.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { markFirstResponse } from './staff.repository.ts';

/** The DeliveryListener name for staff messages to customers. */
export const STAFF_REPORT = 'staff';

export type NoticeKind = 'reply' | 'request_info' | 'result' | 'reopened';

/** The report a staff message to the customer asks for: its outcome comes back to the listener below. */
export function staffReport(caseId: number, kind: NoticeKind, ref?: Record<string, unknown>): DeliveryReport {
  return { to: STAFF_REPORT, kind, caseId, ...(ref ? { ref } : {}) };
}

/**
 * Outcomes of staff messages to customers. The first one that reaches the
 * customer sets cases.first_responded_at; the desk shows each outcome (a
 * reaction on the staff reply, or a line in the thread).
 */
export function staffDeliveryListener(desk: StaffDesk): DeliveryListener {
  return {
    name: STAFF_REPORT,
    async reported(trx: Db, outcome: DeliveryOutcome): Promise<void> {
      const caseId = outcome.caseId ?? Number(outcome.report.caseId);
      if (!Number.isInteger(caseId)) return;
      const kind = String(outcome.report.kind ?? 'reply');
      if (outcome.ok && (await markFirstResponse(trx, caseId, outcome.at))) {
        await appendCaseEvent(trx, { caseId, at: outcome.at, actor: 'system', action: 'first_response', details: { kind, outboxId: outcome.outboxId } });
        await desk.publish(trx, caseId, { type: 'case-changed' });
      }
      const error = outcome.error?.slice(0, 100);
      const ref = outcome.report.ref;
      if (kind === 'reply' && ref && typeof ref === 'object') {
        await desk.publish(trx, caseId, { type: 'reply-outcome', ok: outcome.ok, ref: ref as Record<string, unknown>, ...(error ? { error } : {}) });
      } else {
        await desk.publish(trx, caseId, { type: 'notice-outcome', ok: outcome.ok, what: kind, ...(error ? { error } : {}) });
      }
    },
  };
}
