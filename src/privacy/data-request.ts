import { createCase } from '../cases/case.repository.ts';
import { computeDeadlines, openingClock } from '../cases/deadlines.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Policy } from '../policy.ts';
import { findOpenDataRequest } from './request.repository.ts';

/** Category of the cases that carry a customer's data request (not a complaint category: kept out of policy.categories). */
export const DATA_REQUEST_CATEGORY = 'data_request';

export interface DataRequestCase {
  id: number;
  number: string;
  /** True when the customer already had one open: no second case. */
  existing: boolean;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  severity: string;
}

/**
 * Opens a case for a customer's request to delete their data, inside the
 * caller's transaction. Staff verify the requester's identity and then run
 * the erasure (CLI or Slack); nothing is erased from the chat. The case has
 * the initial severity (severity rules are about complaints) and the
 * policy's deadlines; no personal data is copied into it.
 */
export async function openDataRequest(trx: Db, input: { customer: CustomerRow; locale: string; now: Date; policy: Policy }): Promise<DataRequestCase> {
  const { customer, now, policy } = input;
  const open = await findOpenDataRequest(trx, customer.id);
  const severity = policy.severity.initial;
  if (open) return { id: open.id, number: open.number, existing: true, firstResponseDueAt: new Date(open.first_response_due_at), resolutionDueAt: new Date(open.resolution_due_at), severity };
  const deadlines = computeDeadlines(now, severity, policy);
  const row = await createCase(trx, {
    customer_id: customer.id,
    channel: customer.channel,
    locale: input.locale,
    status: 'new',
    severity,
    severity_reasons: JSON.stringify([]),
    category: DATA_REQUEST_CATEGORY,
    evidence: JSON.stringify([]),
    consent_given: false,
    opened_via: 'data_request',
    ...openingClock(now, deadlines),
  }, {
    actor: `customer:${customer.id}`,
    details: { severity, severityReasons: [], openedVia: 'data_request', channel: customer.channel, request: 'erasure' },
  });
  return { id: row.id, number: row.number, existing: false, firstResponseDueAt: deadlines.firstResponseDueAt, resolutionDueAt: deadlines.resolutionDueAt, severity };
}
