import { appendCaseEvent } from '../cases/case.repository.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import {
  attachmentsOf,
  casesOfCustomer,
  eventsOfCases,
  messagesOfCases,
  outboundMessagesOf,
  privacyRequestsOf,
  surveysOfCases,
} from './export.repository.ts';
import type { PrivacyHook, TranscriptLine } from './privacy-hook.ts';
import { insertPrivacyRequest } from './request.repository.ts';

/** Everything held about one customer identity, as plain JSON. */
export interface CustomerExport {
  format: 'hearken-customer-export/1';
  exportedAt: string;
  customer: {
    channel: string;
    externalId: string;
    displayName: string | null;
    locale: string;
    address: Record<string, unknown>;
    conversationState: Record<string, unknown>;
    firstContactAt: string;
    lastContactAt: string;
    anonymisedAt: string | null;
  };
  cases: Array<Record<string, unknown>>;
  attachments: Array<Record<string, unknown>>;
  /** The chat transcript modules keep (the web chat's); the name stays for format /1. */
  webchatTranscript: TranscriptLine[];
  outboundMessages: Array<Record<string, unknown>>;
  privacyRequests: Array<Record<string, unknown>>;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * Builds the export inside the caller's transaction and audits it: a
 * `privacy_requests` row (with the id of the download link it was fetched
 * through, if any), and a `data_exported` event on each case.
 */
export async function exportCustomer(trx: Db, customer: CustomerRow, input: { actor: string; now: Date; linkId?: string; hooks: readonly PrivacyHook[] }): Promise<CustomerExport> {
  const cases = await casesOfCustomer(trx, customer.id);
  const caseIds = cases.map((c) => c.id);
  const numberOf = new Map(cases.map((c) => [c.id, c.number]));
  const [events, messages, surveys, attachments, outbound, requests] = [
    await eventsOfCases(trx, caseIds),
    await messagesOfCases(trx, caseIds),
    await surveysOfCases(trx, caseIds),
    await attachmentsOf(trx, customer.id, caseIds),
    await outboundMessagesOf(trx, customer.id),
    await privacyRequestsOf(trx, customer.id),
  ];
  const transcript: TranscriptLine[] = [];
  for (const hook of input.hooks) if (hook.exportCustomer) transcript.push(...(await hook.exportCustomer(trx, customer)));

  const data: CustomerExport = {
    format: 'hearken-customer-export/1',
    exportedAt: input.now.toISOString(),
    customer: {
      channel: customer.channel,
      externalId: customer.external_id,
      displayName: customer.display_name,
      locale: customer.locale,
      address: customer.address,
      conversationState: customer.state,
      firstContactAt: iso(customer.created_at)!,
      lastContactAt: iso(customer.updated_at)!,
      anonymisedAt: iso(customer.anonymised_at),
    },
    cases: cases.map((c) => ({
      number: c.number,
      channel: c.channel,
      locale: c.locale,
      status: c.status,
      severity: c.severity,
      severityReasons: c.severity_reasons,
      category: c.category,
      description: c.description,
      whenWhere: c.when_where,
      orderRef: c.order_ref,
      desiredResolution: c.desired_resolution,
      evidence: c.evidence,
      contact: { name: c.contact_name, phone: c.contact_phone, email: c.contact_email },
      consent: { given: c.consent_given, version: c.consent_version, at: iso(c.consent_at) },
      openedVia: c.opened_via,
      owner: c.owner,
      team: c.team,
      firstResponseDueAt: iso(c.first_response_due_at),
      resolutionDueAt: iso(c.resolution_due_at),
      firstRespondedAt: iso(c.first_responded_at),
      resolvedAt: iso(c.resolved_at),
      closedAt: iso(c.closed_at),
      createdAt: iso(c.created_at),
      anonymisedAt: iso(c.anonymised_at),
      messages: messages
        .filter((m) => m.case_id === c.id)
        .map((m) => ({ direction: m.direction, author: m.author, body: m.body, attachments: m.attachments, at: iso(m.created_at) })),
      surveys: surveys
        .filter((v) => v.case_id === c.id)
        .map((v) => ({
          channel: v.channel,
          status: v.status,
          creditedTo: v.owner,
          scheduledFor: iso(v.scheduled_for),
          sentAt: iso(v.sent_at),
          remindedAt: iso(v.reminded_at),
          answeredAt: iso(v.answered_at),
          expiresAt: iso(v.expires_at),
          answers: { resolved: v.resolved, csat: v.csat, nps: v.nps, comment: v.comment },
        })),
      auditEvents: events
        .filter((e) => e.case_id === c.id)
        .map((e) => ({ at: iso(e.at), actor: e.actor, action: e.action, from: e.from_value, to: e.to_value, details: e.details })),
    })),
    attachments: attachments.map((a) => ({
      case: a.case_id === null ? null : (numberOf.get(a.case_id) ?? null),
      channel: a.channel,
      fileName: a.file_name,
      mimeType: a.mime_type,
      sizeBytes: a.size_bytes,
      uploadedAt: iso(a.created_at),
    })),
    webchatTranscript: transcript,
    outboundMessages: outbound.map((o) => ({
      case: o.case_id === null ? null : (numberOf.get(o.case_id) ?? null),
      channel: o.channel,
      status: o.status,
      message: o.payload,
      createdAt: iso(o.created_at),
      sentAt: iso(o.sent_at),
    })),
    privacyRequests: requests.map((r) => ({ kind: r.kind, actor: r.actor, at: iso(r.at) })),
  };

  const requestId = await insertPrivacyRequest(trx, {
    kind: 'export',
    customerId: customer.id,
    actor: input.actor,
    at: input.now,
    details: {
      cases: cases.map((c) => c.number),
      counts: { cases: cases.length, messages: messages.length, surveys: surveys.length, attachments: attachments.length },
      ...(input.linkId ? { link: input.linkId } : {}),
    },
  });
  for (const c of cases) {
    await appendCaseEvent(trx, { caseId: c.id, at: input.now, actor: input.actor, action: 'data_exported', details: { privacyRequestId: requestId } });
  }
  return data;
}
