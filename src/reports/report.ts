import type { Db } from '../db/database.ts';
import { OPEN_STATUSES } from '../staff/staff.repository.ts';
import { milestoneFigures, type MilestoneFigures } from './milestone-report.ts';
import { daysOf } from './report-range.ts';
import {
  agentCaseFigures,
  campaignScores,
  caseBreakdowns,
  caseTimings,
  countOpenCasesNow,
  surveyFigures,
  type DurationFigures,
  type KeyCount,
  type ReportRange,
  type ScoreFigures,
} from './report.repository.ts';

/**
 * The one report computation behind `/complaints stats`, the weekly digest,
 * the CSV and the /reports page. Shares are 0..1 (null when nothing counts),
 * durations are hours, NPS is -100..100.
 */
export interface Report {
  range: { from: string; to: string; timezone: string };
  /** Of the cases opened in the range: resolved (ever), closed (now), and all cases open now. */
  cases: { opened: number; resolved: number; closed: number; openNow: number };
  volumes: { category: KeyCount[]; severity: KeyCount[]; channel: KeyCount[]; day: KeyCount[] };
  firstResponseHours: Duration;
  resolutionHours: Duration;
  deadlines: { firstResponse: Share; resolution: Share };
  reopen: { resolved: number; reopened: number; rate: number | null };
  satisfaction: Satisfaction;
  surveys: { sent: number; answered: number; responseRate: number | null };
  campaigns: Satisfaction;
  agents: AgentFigures[];
  rootCauses: KeyCount[];
  determination: { responsible: number; notResponsible: number };
  /** Each milestone's share reached on time and median time, per category and severity (issue 18). */
  milestones: MilestoneFigures[];
}

export interface Duration {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface Share {
  met: number;
  judged: number;
  share: number | null;
}

export interface Satisfaction {
  answered: number;
  csatCount: number;
  csatAverage: number | null;
  /** Answers per CSAT score: index 0 is score 1, index 4 is score 5. */
  csatByScore: number[];
  satisfiedShare: number | null;
  npsCount: number;
  promoters: number;
  detractors: number;
  /** % promoters (9–10) minus % detractors (0–6), or null without NPS answers. */
  nps: number | null;
}

export interface AgentFigures {
  /** Slack user id of the owner: no names in reports. */
  agent: string;
  owned: number;
  resolved: number;
  medianResolutionHours: number | null;
  csatCount: number;
  csatAverage: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const hours = (value: number | null): number | null => (value === null ? null : value / 3600);
const byCount = (rows: KeyCount[]): KeyCount[] => [...rows].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));

function duration(figures: DurationFigures): Duration {
  return { count: figures.count, median: hours(figures.medianSeconds), p90: hours(figures.p90Seconds) };
}

export function satisfaction(scores: ScoreFigures): Satisfaction {
  return {
    answered: scores.answered,
    csatCount: scores.csatCount,
    csatAverage: ratio(scores.csatSum, scores.csatCount),
    csatByScore: scores.csatByScore,
    satisfiedShare: ratio(scores.satisfied, scores.csatCount),
    npsCount: scores.npsCount,
    promoters: scores.promoters,
    detractors: scores.detractors,
    nps: scores.npsCount > 0 ? ((scores.promoters - scores.detractors) / scores.npsCount) * 100 : null,
  };
}

export async function buildReport(db: Db, range: ReportRange, options: { now: Date; timezone: string }): Promise<Report> {
  const { timezone, now } = options;
  // Independent reads: on PostgreSQL they run at once on the pool (PGlite takes them in turn).
  const [timings, counts, surveys, agentRows, openNow, campaigns, milestones] = await Promise.all([
    caseTimings(db, range, now),
    caseBreakdowns(db, range, timezone),
    surveyFigures(db, range),
    agentCaseFigures(db, range),
    countOpenCasesNow(db, OPEN_STATUSES),
    campaignScores(db, range),
    milestoneFigures(db, range),
  ]);
  const dayCounts = new Map(counts.day.map((r) => [r.key, r.count]));
  const determination = counts.determination;
  const csatByAgent = new Map(surveys.agents.map((r) => [r.agent, r]));
  const agents: AgentFigures[] = agentRows.map((row) => {
    const csat = csatByAgent.get(row.agent);
    csatByAgent.delete(row.agent);
    return { agent: row.agent, owned: row.owned, resolved: row.resolved, medianResolutionHours: hours(row.medianResolutionSeconds), csatCount: csat?.count ?? 0, csatAverage: csat ? ratio(csat.sum, csat.count) : null };
  });
  // Agents credited with surveys in the range but owning no case opened in it.
  for (const csat of csatByAgent.values()) agents.push({ agent: csat.agent, owned: 0, resolved: 0, medianResolutionHours: null, csatCount: csat.count, csatAverage: ratio(csat.sum, csat.count) });
  agents.sort((a, b) => b.owned - a.owned || a.agent.localeCompare(b.agent));

  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString(), timezone },
    cases: { opened: timings.opened, resolved: timings.resolution.count, closed: timings.closed, openNow },
    volumes: {
      category: byCount(counts.category),
      severity: byCount(counts.severity),
      channel: byCount(counts.channel),
      day: daysOf(range, timezone).map((key) => ({ key, count: dayCounts.get(key) ?? 0 })),
    },
    firstResponseHours: duration(timings.firstResponse),
    resolutionHours: duration(timings.resolution),
    deadlines: {
      firstResponse: { ...timings.firstResponseDeadline, share: ratio(timings.firstResponseDeadline.met, timings.firstResponseDeadline.judged) },
      resolution: { ...timings.resolutionDeadline, share: ratio(timings.resolutionDeadline.met, timings.resolutionDeadline.judged) },
    },
    reopen: { resolved: timings.reopen.resolvedEver, reopened: timings.reopen.reopened, rate: ratio(timings.reopen.reopened, timings.reopen.resolvedEver) },
    satisfaction: satisfaction(surveys.scores),
    surveys: { sent: surveys.sent, answered: surveys.sentAnswered, responseRate: ratio(surveys.sentAnswered, surveys.sent) },
    campaigns: satisfaction(campaigns),
    agents,
    rootCauses: byCount(counts.root_cause.filter((r) => r.key !== 'none')),
    determination: {
      responsible: determination.find((r) => r.key === 'responsible')?.count ?? 0,
      notResponsible: determination.find((r) => r.key === 'not_responsible')?.count ?? 0,
    },
    milestones,
  };
}
