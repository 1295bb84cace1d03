import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import { anonymiseCases, anonymiseIdentity, type AnonymisedNotice } from './anonymise-cases.ts';
import type { PrivacyHook } from './privacy-hook.ts';
import { insertPrivacyRequest, liveCasesOfCustomer, updatePrivacyRequestDetails } from './request.repository.ts';

/** What an erasure removed: case numbers and counts, no personal data. */
export interface ErasureSummary {
  cases: string[];
  caseMessagesBlanked: number;
  attachmentsDeleted: number;
  outboxRowsDeleted: number;
  transcriptLinesDeleted: number;
  deliveryIdsDeleted: number;
}

/**
 * Erases one customer identity inside the caller's transaction (the row is
 * locked by the caller): their cases are anonymised (statistics stay), their
 * files, outbound messages, channel identity and what modules keep (the
 * web chat's transcript, through their PrivacyHook) are removed.
 * Audited as a `privacy_requests` row and a `data_erased` event per case.
 */
export async function eraseCustomer(
  trx: Db,
  customer: CustomerRow,
  input: { actor: string; now: Date; notify: AnonymisedNotice; hooks: readonly PrivacyHook[] },
): Promise<ErasureSummary> {
  const cases = await liveCasesOfCustomer(trx, customer.id);
  const requestId = await insertPrivacyRequest(trx, { kind: 'erasure', customerId: customer.id, actor: input.actor, at: input.now, details: {} });
  const fromCases = await anonymiseCases(trx, cases, { now: input.now, actor: input.actor, reason: 'erasure', notify: input.notify, requestId });
  const fromIdentity = await anonymiseIdentity(trx, customer, { now: input.now, marker: 'erased', hooks: input.hooks });
  const summary: ErasureSummary = {
    cases: cases.map((c) => c.number),
    caseMessagesBlanked: fromCases.messages,
    attachmentsDeleted: fromCases.attachments + fromIdentity.attachments,
    outboxRowsDeleted: fromCases.outbox + fromIdentity.outbox,
    transcriptLinesDeleted: fromIdentity.transcript,
    deliveryIdsDeleted: fromIdentity.deliveryIds,
  };
  await updatePrivacyRequestDetails(trx, requestId, { ...summary });
  return summary;
}
