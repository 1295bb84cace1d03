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
const DIMENSIONS = ['category', 'severity', 'channel', 'root_cause', 'determination'] as const satisfies readonly CaseDimension[];

/**
 * Cases opened in the range, counted by each dimension (null values count
 * under `none`) and per calendar day in `timezone` (days without cases are
 * absent). The dimensions: one index-only scan of the range into one small
 * hash table per combination (a few hundred), then GROUPING SETS over those.
 * The days: one index range count per day between that day's local
 * midnights (no sort or hash of the range's rows).
 */
export async function caseBreakdowns(db: Db, range: ReportRange, timezone: string): Promise<Record<CaseDimension, KeyCount[]>> {
  const dimensions = sql`
    SELECT category, severity, channel, root_cause, determination,
           GROUPING(category, severity, channel, root_cause, determination) AS set, sum(n) AS n
    FROM (SELECT category, severity, channel, root_cause, determination, count(*) AS n
          FROM cases WHERE ${inRange('created_at', range)}
          GROUP BY category, severity, channel, root_cause, determination) AS c
    GROUP BY GROUPING SETS ((category), (severity), (channel), (root_cause), (determination))`;
  const localDay = (at: Date) => sql`date_trunc('day', ${at}::timestamptz AT TIME ZONE ${timezone})`;
  const days = sql`
    SELECT to_char(d, 'YYYY-MM-DD') AS day,
           (SELECT count(*) FROM cases
            WHERE created_at >= (d AT TIME ZONE ${timezone}) AND created_at < ((d + interval '1 day') AT TIME ZONE ${timezone})
              AND ${inRange('created_at', range)}) AS n
    FROM generate_series(${localDay(range.from)}, ${localDay(new Date(range.to.getTime() - 1))}, interval '1 day') AS d`;
  const [byDimension, byDay] = await Promise.all([
    dimensions.execute(db) as Promise<{ rows: Array<Record<(typeof DIMENSIONS)[number], string | null> & { set: number; n: string }> }>,
    days.execute(db) as Promise<{ rows: Array<{ day: string; n: string }> }>,
  ]);
  const result = Object.fromEntries([...DIMENSIONS, 'day'].map((d) => [d, [] as KeyCount[]])) as Record<CaseDimension, KeyCount[]>;
  for (const row of byDimension.rows) {
    // GROUPING() has a bit per listed column, the first column highest; the one grouped column's bit is 0.
    const dimension = DIMENSIONS[DIMENSIONS.length - 1 - Math.log2(31 - Number(row.set))]!;
    result[dimension].push({ key: row[dimension] ?? 'none', count: num(row.n) });
  }
  for (const row of byDay.rows) if (num(row.n) > 0) result.day.push({ key: row.day, count: num(row.n) });
  return result;
}

/** Seconds from opening to `end`, as double precision (extract() gives numeric, much slower to sort). */
const seconds = (end: string) => sql<number>`date_part('epoch', ${sql.ref(end)} - created_at)`;
/** [median, 90th percentile] of `value`, from one sort. */
const medianAndP90 = (value: RawBuilder<number>) => sql<Array<number | string> | null>`percentile_cont(array[0.5, 0.9]::float8[]) within group (order by ${value})`;
const at = (values: Array<number | string> | null, i: number) => (values === null ? null : numOrNull(values[i]));

/**
 * Counts, medians and 90th percentiles of time to first response and to
 * resolution, with deadline outcomes; and of the cases that were ever
 * resolved, how many were reopened at least once (the reopen events are few,
 * read from their partial index into a hash). One index-only scan of the range.
 */
export async function caseTimings(db: Db, range: ReportRange, now: Date) {
  const reopened = sql<boolean>`r.case_id is not null`;
  const row = await db
    .selectFrom('cases')
    .leftJoin(
      (eb) => eb.selectFrom('case_events').select('case_id').distinct().where('action', '=', 'reopened').as('r'),
      (join) => join.onRef('r.case_id', '=', 'cases.id'),
    )
    .select([
      sql<string>`count(*)`.as('opened'),
      sql<string>`count(first_responded_at)`.as('responded'),
      medianAndP90(seconds('first_responded_at')).as('fr'),
      sql<string>`count(resolved_at)`.as('resolved'),
      sql<string>`count(*) filter (where status = 'closed')`.as('closed'),
      medianAndP90(seconds('resolved_at')).as('res'),
      // A deadline is judged once it was met, recorded as missed, or is past due; met means done in time and never recorded as missed.
      sql<string>`count(*) filter (where first_responded_at is not null or first_response_breached_at is not null or first_response_due_at < ${now})`.as('fr_judged'),
      sql<string>`count(*) filter (where first_responded_at is not null and first_response_breached_at is null and first_responded_at <= first_response_due_at)`.as('fr_met'),
      sql<string>`count(*) filter (where resolved_at is not null or resolution_breached_at is not null or resolution_due_at < ${now})`.as('res_judged'),
      sql<string>`count(*) filter (where resolved_at is not null and resolution_breached_at is null and resolved_at <= resolution_due_at)`.as('res_met'),
      sql<string>`count(*) filter (where resolved_at is not null or ${reopened})`.as('resolved_ever'),
      sql<string>`count(*) filter (where ${reopened})`.as('reopened'),
    ])
    .where(inRange('created_at', range))
    .executeTakeFirstOrThrow();
  return {
    opened: num(row.opened),
    closed: num(row.closed),
    firstResponse: { count: num(row.responded), medianSeconds: at(row.fr, 0), p90Seconds: at(row.fr, 1) } satisfies DurationFigures,
    resolution: { count: num(row.resolved), medianSeconds: at(row.res, 0), p90Seconds: at(row.res, 1) } satisfies DurationFigures,
    firstResponseDeadline: { judged: num(row.fr_judged), met: num(row.fr_met) },
    resolutionDeadline: { judged: num(row.res_judged), met: num(row.res_met) },
    reopen: { resolvedEver: num(row.resolved_ever), reopened: num(row.reopened) },
  };
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

/** Score columns over the rows where `within` holds (all rows when it is omitted). */
const scoreColumns = (within: RawBuilder<boolean> = sql<boolean>`true`) =>
  [
    sql<string>`count(*) filter (where ${within})`.as('answered'),
    sql<string>`count(csat) filter (where ${within})`.as('csat_count'),
    sql<string>`coalesce(sum(csat) filter (where ${within}), 0)`.as('csat_sum'),
    ...[1, 2, 3, 4, 5].map((score) => sql<string>`count(*) filter (where csat = ${sql.lit(score)} and ${within})`.as(`csat_${score}`)),
    sql<string>`count(*) filter (where csat >= 4 and ${within})`.as('satisfied'),
    sql<string>`count(nps) filter (where ${within})`.as('nps_count'),
    sql<string>`count(*) filter (where nps >= 9 and ${within})`.as('promoters'),
    sql<string>`count(*) filter (where nps <= 6 and ${within})`.as('detractors'),
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

/**
 * Case surveys: how many were sent in the range and how many of those were
 * answered; scores of those answered in the range, in all and per agent
 * credited when the survey was sent (CSAT). One scan of the surveys sent or
 * answered in the range, totals and per-agent rows in one GROUPING SETS.
 */
export async function surveyFigures(
  db: Db,
  range: ReportRange,
): Promise<{ sent: number; sentAnswered: number; scores: ScoreFigures; agents: Array<{ agent: string; count: number; sum: number }> }> {
  const sent = inRange('sent_at', range);
  const answered = inRange('answered_at', range);
  const rows = await db
    .selectFrom('surveys')
    .select([
      'owner',
      sql<number>`grouping(owner)`.as('total'),
      sql<string>`count(*) filter (where ${sent})`.as('sent'),
      sql<string>`count(answered_at) filter (where ${sent})`.as('sent_answered'),
      ...scoreColumns(answered),
    ])
    .where(sql<boolean>`(${sent}) OR (${answered})`)
    .groupBy(sql`grouping sets ((), (owner))`)
    .execute();
  const total = rows.find((r) => Number(r.total) === 1);
  // An agent counts when credited with a survey answered in the range.
  const agents = rows
    .filter((r) => Number(r.total) === 0 && r.owner !== null && num(r.answered) > 0)
    .map((r) => ({ agent: r.owner!, count: num(r.csat_count), sum: num(r.csat_sum) }));
  return { sent: num(total?.sent), sentAnswered: num(total?.sent_answered), scores: toScores(total ?? {}), agents };
}

/** Anonymous campaign answers given in the range (not linked to a case or an agent). */
export async function campaignScores(db: Db, range: ReportRange): Promise<ScoreFigures> {
  return toScores(await db.selectFrom('campaign_answers').select([...scoreColumns()]).where(inRange('answered_at', range)).executeTakeFirstOrThrow());
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
      sql<string>`percentile_cont(0.5::float8) within group (order by ${seconds('resolved_at')})`.as('median'),
    ])
    .where(inRange('created_at', range))
    .where('owner', 'is not', null)
    .groupBy('owner')
    .execute();
  return rows.map((r) => ({ agent: r.owner!, owned: num(r.owned), resolved: num(r.resolved), medianResolutionSeconds: numOrNull(r.median) }));
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
