import { sql, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SurveysTable } from '../db/schema.ts';

/** Queries of satisfaction surveys and anonymous campaigns. `db` may be a transaction. */

export async function findSurvey(db: Db, id: number) {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockSurvey(db: Db, id: number) {
  return db.selectFrom('surveys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The case's survey not sent yet, or the staff's "no survey" mark. */
export async function findPendingOrSkipped(db: Db, caseId: number) {
  return db.selectFrom('surveys').selectAll().where('case_id', '=', caseId).where('status', 'in', ['scheduled', 'skipped']).orderBy('id', 'desc').forUpdate().execute();
}

export async function insertSurvey(db: Db, row: { caseId: number; customerId: number; channel: string; status: 'scheduled' | 'skipped'; scheduledFor: Date }): Promise<number> {
  const inserted = await db
    .insertInto('surveys')
    .values({ case_id: row.caseId, customer_id: row.customerId, channel: row.channel, status: row.status, scheduled_for: row.scheduledFor })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function updateSurvey(db: Db, id: number, patch: Updateable<SurveysTable>): Promise<void> {
  await db.updateTable('surveys').set(patch).where('id', '=', id).execute();
}

/** Stores one answer while the survey is out; a late answer to a closed survey changes nothing. */
export async function recordSurveyAnswer(db: Db, id: number, field: 'resolved' | 'csat' | 'nps' | 'comment', value: boolean | number | string | null): Promise<boolean> {
  const result = await db.updateTable('surveys').set({ [field]: value }).where('id', '=', id).where('status', '=', 'sent').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function lastSurveySentAt(db: Db, customerId: number): Promise<Date | undefined> {
  const row = await db.selectFrom('surveys').select('sent_at').where('customer_id', '=', customerId).where('sent_at', 'is not', null).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
  return row?.sent_at ? new Date(row.sent_at) : undefined;
}

export async function isCustomerAnonymised(db: Db, customerId: number): Promise<boolean> {
  const row = await db.selectFrom('customers').select('anonymised_at').where('id', '=', customerId).executeTakeFirst();
  return !row || row.anonymised_at !== null;
}

/** The newest survey of a case, for its card. */
export async function latestSurveyOfCase(db: Db, caseId: number) {
  return db.selectFrom('surveys').select(['status', 'resolved', 'csat', 'nps', 'owner']).where('case_id', '=', caseId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

// ---- campaigns ---------------------------------------------------------

export async function insertCampaign(db: Db, row: { name: string; startedBy: string; startedAt: Date }): Promise<number> {
  const inserted = await db.insertInto('survey_campaigns').values({ name: row.name, started_by: row.startedBy, started_at: row.startedAt }).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

/** Whether a campaign of this name was started by `startedBy`, taking a transaction lock first (two starters wait for each other). */
export async function campaignStartedAs(db: Db, name: string, startedBy: string): Promise<boolean> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('hearken:campaign-start'))`.execute(db);
  const row = await db.selectFrom('survey_campaigns').select('id').where('name', '=', name).where('started_by', '=', startedBy).executeTakeFirst();
  return row !== undefined;
}

export async function setCampaignRecipients(db: Db, id: number, recipients: number): Promise<void> {
  await db.updateTable('survey_campaigns').set({ recipients }).where('id', '=', id).execute();
}

export async function findCampaign(db: Db, id: number) {
  return db.selectFrom('survey_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Customers who gave consent on a case and whose identity and that case are not anonymised. */
export async function consentingCustomerIds(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('customers')
    .select('customers.id')
    .where('customers.anonymised_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('cases').select('cases.id').whereRef('cases.customer_id', '=', 'customers.id').where('cases.consent_given', '=', true).where('cases.anonymised_at', 'is', null),
      ),
    )
    .orderBy('customers.id')
    .execute();
  return rows.map((r) => Number(r.id));
}

/** Records that a campaign stage was acted on for a customer; false when it already was (the job was delivered twice). */
export async function markCampaignStage(db: Db, mark: { campaignId: number; customerId: number; stage: 'send' | 'remind' }): Promise<boolean> {
  const row = await db
    .insertInto('campaign_marks')
    .values({ campaign_id: mark.campaignId, customer_id: mark.customerId, stage: mark.stage })
    .onConflict((oc) => oc.doNothing())
    .returning('stage')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * One row per answered question, with the day only: rows of one person
 * cannot be joined to each other, to the person or to a case.
 */
export async function insertCampaignAnswer(db: Db, campaignId: number, field: 'csat' | 'nps' | 'comment', value: number | string, day: Date): Promise<void> {
  await db
    .insertInto('campaign_answers')
    .values({ campaign_id: campaignId, csat: field === 'csat' ? Number(value) : null, nps: field === 'nps' ? Number(value) : null, comment: field === 'comment' ? String(value) : null, answered_at: day })
    .execute();
}

export interface CampaignFigures {
  csatCount: number;
  csatAverage: number | null;
  csatByScore: Record<string, number>;
  npsCount: number;
  promoters: number;
  detractors: number;
  comments: number;
}

export async function campaignFigures(db: Db, campaignId: number): Promise<CampaignFigures> {
  const row = await db
    .selectFrom('campaign_answers')
    .select([
      sql<string>`count(csat)`.as('csat_count'),
      sql<string | null>`avg(csat)`.as('csat_avg'),
      sql<string>`count(nps)`.as('nps_count'),
      sql<string>`count(*) filter (where nps >= 9)`.as('promoters'),
      sql<string>`count(*) filter (where nps <= 6)`.as('detractors'),
      sql<string>`count(comment)`.as('comments'),
    ])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const scores = await db
    .selectFrom('campaign_answers')
    .select(['csat', sql<string>`count(*)`.as('n')])
    .where('campaign_id', '=', campaignId)
    .where('csat', 'is not', null)
    .groupBy('csat')
    .execute();
  return {
    csatCount: Number(row.csat_count),
    csatAverage: row.csat_avg === null ? null : Number(row.csat_avg),
    csatByScore: Object.fromEntries(scores.map((s) => [String(s.csat), Number(s.n)])),
    npsCount: Number(row.nps_count),
    promoters: Number(row.promoters),
    detractors: Number(row.detractors),
    comments: Number(row.comments),
  };
}
