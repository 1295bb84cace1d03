import type { DeliveryListener } from '../outbox/delivery-listener.ts';
import { appendCaseEvent } from './case.repository.ts';

/** A message about a case that could not be delivered for good is written in the case's audit log (`delivery_failed`). */
export const caseDeliveryAudit: DeliveryListener = {
  name: 'case-audit',
  async failed(trx, outcome) {
    if (outcome.caseId === null) return;
    await appendCaseEvent(trx, {
      caseId: outcome.caseId,
      at: outcome.at,
      actor: 'system',
      action: 'delivery_failed',
      details: { channel: outcome.channel, outboxId: outcome.outboxId, error: (outcome.error ?? '').slice(0, 200) },
    });
  },
};
