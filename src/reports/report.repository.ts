import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';

/**
 * The report's queries. Cases count in a range by `created_at`, surveys by
 * `sent_at` (response rate) and `answered_at` (scores). Percentiles use
 * percentile_cont (linear interpolation), the same on PGlite and PostgreSQL.
 * Every figure is an aggregate: no names, contacts or complaint text leave here.
 */
export interface ReportRange {
  from: Date;
  to: Date;
}

export interface KeyCount {
  key: string;
  count: number;
}

export interface DurationFigures {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function inRange(column: string, range: ReportRange): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} >= ${range.from} AND ${sql.ref(column)} < ${range.to}`;
}

export type CaseDimension = 'category' | 'severity' | 'channel' | 'root_cause' | 'determination' | 'day';
const DIMENSIONS = ['category', 'severity', 'channel', 'root_cause', 'determination', 'day'] as const satisfies readonly CaseDimension[];

/**
 * Cases opened in the range, counted by each dimension (null values count
 * under `none`) and per calendar day in `timezone` (days without cases are
 * absent): one scan of the range with GROUPING SETS, not one per dimension.
 */
export async function caseBreakdowns(db: Db, range: ReportRange, timezone: string): Promise<Record<CaseDimension, KeyCount[]>> {
  const { rows } = await sql<{ category: string | null; severity: string | null; channel: string | null; root_cause: string | null; determination: string | null; day: string | null; set: number; n: string }>`
    SELECT category, severity, channel, root_cause, determination, day,
           GROUPING(category, severity, channel, root_cause, determination, day) AS set, count(*) AS n
    FROM (SELECT category, severity, channel, root_cause, determination, (created_at AT TIME ZONE ${timezone})::date::text AS day
          FROM cases WHERE ${inRange('created_at', range)}) AS c
    GROUP BY GROUPING SETS ((category), (severity), (channel), (root_cause), (determination), (day))`.execute(db);
  const result = Object.fromEntries(DIMENSIONS.map((d) => [d, [] as KeyCount[]])) as Record<CaseDimension, KeyCount[]>;
  for (const row of rows) {
    // GROUPING() has a bit per listed column, the first column highest; the one grouped column's bit is 0.
    const dimension = DIMENSIONS[DIMENSIONS.length - 1 - Math.log2(63 - Number(row.set))]!;
    result[dimension].push({ key: row[dimension] ?? 'none', count: num(row.n) });
  }
  return result;
}

const seconds = (end: string) => sql<number>`extract(epoch from (${sql.ref(end)} - created_at))`;

/** Counts, medians and 90th percentiles of time to first response and to resolution, with deadline outcomes. */
export async function caseTimings(db: Db, range: ReportRange, now: Date) {
  const row = await db
    .selectFrom('cases')
    .select([
      sql<string>`count(*)`.as('opened'),
      sql<string>`count(first_responded_at)`.as('responded'),
      sql<string>`percentile_cont(0.5) within group (order by ${seconds('first_responded_at')})`.as('fr_median'),
      sql<string>`percentile_cont(0.9) within group (order by ${seconds('first_responded_at')})`.as('fr_p90'),
      sql<string>`count(resolved_at)`.as('resolved'),
      sql<string>`count(*) filter (where status = 'closed')`.as('closed'),
      sql<string>`percentile_cont(0.5) within group (order by ${seconds('resolved_at')})`.as('res_median'),
      sql<string>`percentile_cont(0.9) within group (order by ${seconds('resolved_at')})`.as('res_p90'),
      // A deadline is judged once it was met, recorded as missed, or is past due; met means done in time and never recorded as missed.
      sql<string>`count(*) filter (where first_responded_at is not null or first_response_breached_at is not null or first_response_due_at < ${now})`.as('fr_judged'),
      sql<string>`count(*) filter (where first_responded_at is not null and first_response_breached_at is null and first_responded_at <= first_response_due_at)`.as('fr_met'),
      sql<string>`count(*) filter (where resolved_at is not null or resolution_breached_at is not null or resolution_due_at < ${now})`.as('res_judged'),
      sql<string>`count(*) filter (where resolved_at is not null and resolution_breached_at is null and resolved_at <= resolution_due_at)`.as('res_met'),
    ])
    .where(inRange('created_at', range))
    .executeTakeFirstOrThrow();
  return {
    opened: num(row.opened),
    closed: num(row.closed),
    firstResponse: { count: num(row.responded), medianSeconds: numOrNull(row.fr_median), p90Seconds: numOrNull(row.fr_p90) } satisfies DurationFigures,
    resolution: { count: num(row.resolved), medianSeconds: numOrNull(row.res_median), p90Seconds: numOrNull(row.res_p90) } satisfies DurationFigures,
    firstResponseDeadline: { judged: num(row.fr_judged), met: num(row.fr_met) },
    resolutionDeadline: { judged: num(row.res_judged), met: num(row.res_met) },
  };
}

/** Of the cases opened in the range that were ever resolved, how many were reopened at least once. */
export async function reopenCounts(db: Db, range: ReportRange): Promise<{ resolvedEver: number; reopened: number }> {
  const reopened = sql<boolean>`exists (select 1 from case_events e where e.case_id = cases.id and e.action = 'reopened')`;
  const row = await db
    .selectFrom('cases')
    .select([sql<string>`count(*) filter (where resolved_at is not null or ${reopened})`.as('resolved_ever'), sql<string>`count(*) filter (where ${reopened})`.as('reopened')])
    .where(inRange('created_at', range))
    .executeTakeFirstOrThrow();
  return { resolvedEver: num(row.resolved_ever), reopened: num(row.reopened) };
}

export async function countOpenCasesNow(db: Db, openStatuses: readonly string[]): Promise<number> {
  const row = await db.selectFrom('cases').select(sql<string>`count(*)`.as('n')).where('status', 'in', [...openStatuses]).executeTakeFirstOrThrow();
  return num(row.n);
}

export interface ScoreFigures {
  answered: number;
  csatCount: number;
  csatSum: number;
  /** Answers per CSAT score: index 0 is score 1, index 4 is score 5. */
  csatByScore: number[];
  satisfied: number;
  npsCount: number;
  promoters: number;
  detractors: number;
}

const scoreColumns = [
  sql<string>`count(*)`.as('answered'),
  sql<string>`count(csat)`.as('csat_count'),
  sql<string>`coalesce(sum(csat), 0)`.as('csat_sum'),
  ...[1, 2, 3, 4, 5].map((score) => sql<string>`count(*) filter (where csat = ${sql.lit(score)})`.as(`csat_${score}`)),
  sql<string>`count(*) filter (where csat >= 4)`.as('satisfied'),
  sql<string>`count(nps)`.as('nps_count'),
  sql<string>`count(*) filter (where nps >= 9)`.as('promoters'),
  sql<string>`count(*) filter (where nps <= 6)`.as('detractors'),
] as const;

function toScores(row: Record<string, unknown>): ScoreFigures {
  return {
    answered: num(row.answered),
    csatCount: num(row.csat_count),
    csatSum: num(row.csat_sum),
    csatByScore: [1, 2, 3, 4, 5].map((score) => num(row[`csat_${score}`])),
    satisfied: num(row.satisfied),
    npsCount: num(row.nps_count),
    promoters: num(row.promoters),
    detractors: num(row.detractors),
  };
}

/** Case surveys: how many were sent in the range and how many of those were answered; scores of those answered in the range. */
export async function surveyFigures(db: Db, range: ReportRange): Promise<{ sent: number; sentAnswered: number; scores: ScoreFigures }> {
  const sent = await db
    .selectFrom('surveys')
    .select([sql<string>`count(*)`.as('sent'), sql<string>`count(answered_at)`.as('answered')])
    .where(inRange('sent_at', range))
    .executeTakeFirstOrThrow();
  const scores = await db.selectFrom('surveys').select([...scoreColumns]).where(inRange('answered_at', range)).executeTakeFirstOrThrow();
  return { sent: num(sent.sent), sentAnswered: num(sent.answered), scores: toScores(scores) };
}

/** Anonymous campaign answers given in the range (not linked to a case or an agent). */
export async function campaignScores(db: Db, range: ReportRange): Promise<ScoreFigures> {
  return toScores(await db.selectFrom('campaign_answers').select([...scoreColumns]).where(inRange('answered_at', range)).executeTakeFirstOrThrow());
}

export interface AgentRow {
  agent: string;
  owned: number;
  resolved: number;
  medianResolutionSeconds: number | null;
}

/** Per owner (Slack user id), over the cases opened in the range that they own. */
export async function agentCaseFigures(db: Db, range: ReportRange): Promise<AgentRow[]> {
  const rows = await db
    .selectFrom('cases')
    .select([
      'owner',
      sql<string>`count(*)`.as('owned'),
      sql<string>`count(resolved_at)`.as('resolved'),
      sql<string>`percentile_cont(0.5) within group (order by ${seconds('resolved_at')})`.as('median'),
    ])
    .where(inRange('created_at', range))
    .where('owner', 'is not', null)
    .groupBy('owner')
    .execute();
  return rows.map((r) => ({ agent: r.owner!, owned: num(r.owned), resolved: num(r.resolved), medianResolutionSeconds: numOrNull(r.median) }));
}

/** CSAT of surveys answered in the range, per agent credited when the survey was sent. */
export async function agentCsat(db: Db, range: ReportRange): Promise<Array<{ agent: string; count: number; sum: number }>> {
  const rows = await db
    .selectFrom('surveys')
    .select(['owner', sql<string>`count(csat)`.as('n'), sql<string>`coalesce(sum(csat), 0)`.as('total')])
    .where(inRange('answered_at', range))
    .where('owner', 'is not', null)
    .groupBy('owner')
    .execute();
  return rows.map((r) => ({ agent: r.owner!, count: num(r.n), sum: num(r.total) }));
}

/** The columns of the case CSV (no contact details or complaint text). */
const EXPORT_COLUMNS = [
  'id', 'number', 'created_at', 'channel', 'category', 'severity', 'status', 'team', 'owner', 'first_response_due_at', 'first_responded_at',
  'resolution_due_at', 'resolved_at', 'determination', 'root_cause', 'remedy', 'remedy_amount', 'remedy_approval', 'escalation',
] as const satisfies ReadonlyArray<keyof CaseRow>;
export type ExportCaseRow = Pick<CaseRow, (typeof EXPORT_COLUMNS)[number]>;

/**
 * Up to `limit` cases opened in the range, oldest first (created_at, then
 * id), after the case `after` (a keyset: each page is an index range scan
 * on created_at, however deep into the range).
 */
export async function casesOpenedAfter(db: Db, range: ReportRange, after: { createdAt: Date; id: number } | undefined, limit: number): Promise<ExportCaseRow[]> {
  return db
    .selectFrom('cases')
    .select([...EXPORT_COLUMNS])
    .where(inRange('created_at', range))
    .$if(after !== undefined, (qb) =>
      qb.where(sql<boolean>`created_at >= ${after!.createdAt} AND (created_at > ${after!.createdAt} OR id > ${after!.id})`),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
