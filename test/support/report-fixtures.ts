import type { Db } from '../../src/db/database.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { createCustomer } from './privacy-fixtures.ts';

/**
 * A small, hand-checkable data set for the reports, in the week of Monday
 * 2025-03-03 (UTC). Every case is written with chosen timestamps; the tests
 * compute the expected figures by hand from the comments below.
 *
 *   case  created (UTC)      cat               sev      channel       owner  1st resp  resolved  deadlines
 *   A     03-03 10:00        product_quality   general  webchat       U1     +1 h      +10 h     both met
 *   B     03-03 12:00        product_quality   general  telegram      U1     +2 h      +20 h     both met, reopened once
 *   C     03-04 09:00        service_attitude  major    webchat       U2     +3 h      +30 h     resolution missed
 *   D     03-05 08:00        price_billing     general  botframework  U2     +6 h      —         first response missed, resolution past due
 *   E     03-06 15:00        product_quality   general  webchat       —      —         —         both past due
 *   X     03-02 23:59 and Y 03-10 00:00: outside the week.
 */
export const WEEK = { from: '2025-03-03', to: '2025-03-09', start: new Date('2025-03-03T00:00:00Z'), end: new Date('2025-03-10T00:00:00Z') };
export const U1 = 'U0AGENT01';
export const U2 = 'U0AGENT02';
export const MARKUP_ROOT_CAUSE = '<img src=x onerror="window.__xss=1">';

const H = 3_600_000;
const at = (iso: string) => new Date(`${iso}:00Z`);
const plus = (d: Date, hours: number) => new Date(d.getTime() + hours * H);

interface CaseSpec {
  created: string;
  category: string;
  severity?: string;
  channel: string;
  owner?: string;
  firstResponse?: number;
  resolved?: number;
  frBreached?: boolean;
  resBreached?: boolean;
  resolutionDueHours?: number;
  determination?: string;
  rootCause?: string;
  status: string;
}

let serial = 0;

async function insertCase(db: Db, customerId: number, spec: CaseSpec): Promise<CaseRow> {
  serial += 1;
  const created = at(spec.created);
  const frDue = plus(created, 4);
  const resDue = plus(created, spec.resolutionDueHours ?? 48);
  return db
    .insertInto('cases')
    .values({
      number: `C-2025-${String(900_000 + serial)}`,
      customer_id: customerId,
      channel: spec.channel,
      locale: 'en',
      status: spec.status,
      severity: spec.severity ?? 'general',
      severity_reasons: JSON.stringify([]),
      category: spec.category,
      evidence: JSON.stringify([]),
      consent_given: true,
      opened_via: 'intake',
      owner: spec.owner ?? null,
      first_response_due_at: frDue,
      resolution_due_at: resDue,
      first_responded_at: spec.firstResponse === undefined ? null : plus(created, spec.firstResponse),
      resolved_at: spec.resolved === undefined ? null : plus(created, spec.resolved),
      first_response_breached_at: spec.frBreached ? frDue : null,
      resolution_breached_at: spec.resBreached ? resDue : null,
      determination: spec.determination ?? null,
      root_cause: spec.rootCause ?? null,
      created_at: created,
      updated_at: created,
    } as never)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function insertSurvey(db: Db, row: CaseRow, spec: { owner: string | null; sent: string; answered?: string; csat?: number; nps?: number }): Promise<void> {
  await db
    .insertInto('surveys')
    .values({
      case_id: row.id,
      customer_id: row.customer_id,
      channel: row.channel,
      owner: spec.owner,
      status: spec.answered ? 'answered' : 'expired',
      scheduled_for: at(spec.sent),
      sent_at: at(spec.sent),
      answered_at: spec.answered ? at(spec.answered) : null,
      resolved: spec.answered ? true : null,
      csat: spec.csat ?? null,
      nps: spec.nps ?? null,
    })
    .execute();
}

export async function seedReportWeek(db: Db): Promise<Record<'A' | 'B' | 'C' | 'D' | 'E', CaseRow>> {
  const customer = await createCustomer(db);
  const c = (spec: CaseSpec) => insertCase(db, customer.id, spec);
  const A = await c({ created: '2025-03-03T10:00', category: 'product_quality', channel: 'webchat', owner: U1, firstResponse: 1, resolved: 10, determination: 'responsible', rootCause: 'defect', status: 'closed' });
  const B = await c({ created: '2025-03-03T12:00', category: 'product_quality', channel: 'telegram', owner: U1, firstResponse: 2, resolved: 20, determination: 'not_responsible', rootCause: 'customer_misuse', status: 'resolved' });
  const C = await c({ created: '2025-03-04T09:00', category: 'service_attitude', severity: 'major', channel: 'webchat', owner: U2, firstResponse: 3, resolved: 30, resolutionDueHours: 24, resBreached: true, determination: 'responsible', rootCause: 'staff_conduct', status: 'resolved' });
  const D = await c({ created: '2025-03-05T08:00', category: 'price_billing', channel: 'botframework', owner: U2, firstResponse: 6, frBreached: true, rootCause: MARKUP_ROOT_CAUSE, status: 'in_progress' });
  const E = await c({ created: '2025-03-06T15:00', category: 'product_quality', channel: 'webchat', status: 'new' });
  const X = await c({ created: '2025-03-02T23:59', category: 'other', channel: 'webchat', owner: U1, firstResponse: 100, resolved: 200, determination: 'responsible', rootCause: 'defect', status: 'closed' });
  await c({ created: '2025-03-10T00:00', category: 'other', channel: 'telegram', owner: U2, firstResponse: 50, status: 'assigned' });

  await db
    .insertInto('case_events')
    .values({ case_id: B.id, at: plus(at('2025-03-03T12:00'), 15), actor: 'slack:U0AGENT01', action: 'reopened', from_value: 'resolved', to_value: 'reopened', details: JSON.stringify({}) })
    .execute();

  // Sent in the week: S1–S5 (S4 unanswered). Answered in the week: S1, S2, S3, S5 and S6 (sent the week before).
  await insertSurvey(db, A, { owner: U1, sent: '2025-03-04T10:00', answered: '2025-03-04T12:00', csat: 5, nps: 10 });
  await insertSurvey(db, B, { owner: U1, sent: '2025-03-05T10:00', answered: '2025-03-05T11:00', csat: 4, nps: 9 });
  await insertSurvey(db, C, { owner: U2, sent: '2025-03-06T10:00', answered: '2025-03-06T18:00', csat: 2, nps: 3 });
  await insertSurvey(db, D, { owner: U2, sent: '2025-03-07T10:00' });
  await insertSurvey(db, E, { owner: null, sent: '2025-03-07T11:00', answered: '2025-03-08T09:00', csat: 3, nps: 7 });
  await insertSurvey(db, X, { owner: U1, sent: '2025-03-01T10:00', answered: '2025-03-03T08:00', csat: 1, nps: 8 });

  const campaign = await db.insertInto('survey_campaigns').values({ name: 'Spring check', started_by: 'U0SUPER01', started_at: at('2025-03-01T09:00'), recipients: 10 }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('campaign_answers')
    .values([
      { campaign_id: campaign.id, csat: 4, nps: 9, comment: null, answered_at: at('2025-03-04T10:00') },
      { campaign_id: campaign.id, csat: 5, nps: 10, comment: null, answered_at: at('2025-03-05T10:00') },
      { campaign_id: campaign.id, csat: 1, nps: 0, comment: null, answered_at: at('2025-03-11T10:00') },
    ])
    .execute();
  return { A, B, C, D, E };
}
