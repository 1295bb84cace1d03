import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Policy } from '../policy.ts';
import type { ClassifyRules } from '../understanding/classify-rules.ts';
import type { Draft } from '../conversation/state.ts';
import { attachEvidenceToCase, countRecentCases, createCase } from './case.repository.ts';
import { computeDeadlines, openingClock } from './deadlines.ts';
import { assessSeverity } from './severity.ts';

export interface OpenedCase {
  id: number;
  number: string;
  severity: string;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  responseHours: number;
}

/**
 * Opens a case from an intake draft, inside the caller's transaction:
 * number, severity from rules, deadlines from policy, evidence linked, and
 * the `created` audit event.
 */
export async function openCase(
  trx: Db,
  input: { customer: CustomerRow; draft: Draft; openedVia: 'intake' | 'person'; now: Date; policy: Policy; rules: ClassifyRules },
): Promise<OpenedCase> {
  const { customer, draft, now, policy, rules } = input;
  const consent = draft.consent === true;
  const recentCases = await countRecentCases(trx, {
    customerId: customer.id,
    phone: consent ? draft.phone : undefined,
    email: consent ? draft.email : undefined,
    since: new Date(now.getTime() - policy.severity.repeatWindowDays * 86_400_000),
  });
  const assessment = assessSeverity(
    { text: [draft.description, draft.whenWhere].filter(Boolean).join('\n'), desiredResolution: draft.desiredResolution, category: draft.category, recentCases },
    policy,
    rules,
  );
  const deadlines = computeDeadlines(now, assessment.severity, policy);
  const row = await createCase(trx, {
    customer_id: customer.id,
    channel: customer.channel,
    locale: customer.locale,
    status: 'new',
    severity: assessment.severity,
    severity_reasons: JSON.stringify(assessment.reasons),
    category: draft.category ?? null,
    description: draft.description ?? null,
    when_where: draft.whenWhere ?? null,
    order_ref: draft.orderRef ?? null,
    desired_resolution: draft.desiredResolution ?? null,
    evidence: JSON.stringify(draft.evidence),
    contact_name: consent ? (draft.contactName ?? null) : null,
    contact_phone: consent ? (draft.phone ?? null) : null,
    contact_email: consent ? (draft.email ?? null) : null,
    consent_given: consent,
    consent_version: draft.consent === undefined ? null : policy.intake.consentVersion,
    consent_at: draft.consent === undefined ? null : now,
    opened_via: input.openedVia,
    ...openingClock(now, deadlines),
  }, {
    actor: `customer:${customer.id}`,
    details: { severity: assessment.severity, severityReasons: assessment.reasons, openedVia: input.openedVia, channel: customer.channel },
  });
  await attachEvidenceToCase(trx, row.id, draft.evidence.map((a) => a.id));
  return {
    id: row.id,
    number: row.number,
    severity: assessment.severity,
    firstResponseDueAt: deadlines.firstResponseDueAt,
    resolutionDueAt: deadlines.resolutionDueAt,
    responseHours: deadlines.responseHours,
  };
}
