import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ReportRange } from './report.repository.ts';

/**
 * Milestones in the report (issue 18): per milestone, category and severity
 * of the cases opened in the range, the share reached on time and the median
 * time from the case's opening to reaching it. A milestone counts as judged
 * once reached or breached; reached on time when reached by the due time it
 * had then. Skipped milestones are counted apart and judge nothing.
 */
export interface MilestoneFigures {
  milestone: string;
  category: string;
  severity: string;
  judged: number;
  met: number;
  /** 0..1, null when none is judged. */
  share: number | null;
  skipped: number;
  /** Hours from opening to reaching it (reached ones only). */
  medianHours: number | null;
}

export async function milestoneFigures(db: Db, range: ReportRange): Promise<MilestoneFigures[]> {
  const reached = sql<boolean>`m.done_at IS NOT NULL AND NOT m.skipped`;
  const rows = await db
    .selectFrom('case_milestones as m')
    .innerJoin('cases as c', 'c.id', 'm.case_id')
    .select([
      'm.milestone_id as milestone',
      sql<string>`coalesce(m.category, 'none')`.as('category'),
      'm.severity as severity',
      sql<string>`count(*) FILTER (WHERE ${reached} OR (m.done_at IS NULL AND m.breached_at IS NOT NULL))`.as('judged'),
      sql<string>`count(*) FILTER (WHERE ${reached} AND m.done_at <= m.due_at)`.as('met'),
      sql<string>`count(*) FILTER (WHERE m.skipped)`.as('skipped'),
      sql<string | null>`percentile_cont(0.5) within group (order by extract(epoch from (m.done_at - c.created_at))) FILTER (WHERE ${reached})`.as('median'),
    ])
    .where(sql<boolean>`c.created_at >= ${range.from} AND c.created_at < ${range.to}`)
    .groupBy(['m.milestone_id', sql`coalesce(m.category, 'none')`, 'm.severity'])
    .orderBy('m.milestone_id')
    .orderBy(sql`2`)
    .orderBy('m.severity')
    .execute();
  return rows.map((r) => {
    const judged = Number(r.judged);
    const met = Number(r.met);
    return {
      milestone: r.milestone,
      category: r.category,
      severity: r.severity,
      judged,
      met,
      share: judged > 0 ? met / judged : null,
      skipped: Number(r.skipped),
      medianHours: r.median === null ? null : Number(r.median) / 3600,
    };
  });
}
