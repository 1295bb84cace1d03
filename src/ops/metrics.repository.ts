import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { FINAL_STATUSES } from '../cases/case-status.ts';

/** Figures computed from the database when /metrics is scraped. */

/** Open cases (not resolved, closed or anonymised) by severity. */
export async function openCasesBySeverity(db: Db): Promise<Array<{ severity: string; count: number }>> {
  const rows = await db
    .selectFrom('cases')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'not in', [...FINAL_STATUSES])
    .where('anonymised_at', 'is', null)
    .groupBy('severity')
    .execute();
  return rows.map((r) => ({ severity: r.severity, count: Number(r.count) }));
}

/** Open cases past a deadline now: first response not given, or not resolved, after the due time. */
export async function overdueOpenCases(db: Db, now: Date): Promise<{ firstResponse: number; resolution: number }> {
  const row = await db
    .selectFrom('cases')
    .select([
      sql<number>`count(*) FILTER (WHERE first_responded_at IS NULL AND first_response_due_at < ${now})`.as('first_response'),
      sql<number>`count(*) FILTER (WHERE resolved_at IS NULL AND resolution_due_at < ${now})`.as('resolution'),
    ])
    .where('status', 'not in', [...FINAL_STATUSES])
    .where('anonymised_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { firstResponse: Number(row.first_response), resolution: Number(row.resolution) };
}

/** Deadline breaches recorded in the audit log (`deadline_breached` events), by the case's severity. */
export async function deadlineBreachesBySeverity(db: Db): Promise<Array<{ severity: string; count: number }>> {
  const rows = await db
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['cases.severity', (eb) => eb.fn.countAll<number>().as('count')])
    .where('case_events.action', '=', 'deadline_breached')
    .groupBy('cases.severity')
    .execute();
  return rows.map((r) => ({ severity: r.severity, count: Number(r.count) }));
}

/** Case surveys sent (all time) and how many of those were answered; the same for those sent since `since`. */
export async function surveyResponses(db: Db, since: Date): Promise<{ sent: number; answered: number; recentSent: number; recentAnswered: number }> {
  const row = await db
    .selectFrom('surveys')
    .select([
      sql<number>`count(*)`.as('sent'),
      sql<number>`count(answered_at)`.as('answered'),
      sql<number>`count(*) FILTER (WHERE sent_at >= ${since})`.as('recent_sent'),
      sql<number>`count(answered_at) FILTER (WHERE sent_at >= ${since})`.as('recent_answered'),
    ])
    .where('sent_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return { sent: Number(row.sent), answered: Number(row.answered), recentSent: Number(row.recent_sent), recentAnswered: Number(row.recent_answered) };
}
