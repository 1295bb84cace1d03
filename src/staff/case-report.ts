import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { casesCreatedSince, countOpenCases, OPEN_STATUSES } from './staff.repository.ts';

/** Figures for `/complaints stats`, over the cases opened in the last `days` days. */
export interface CaseStats {
  days: number;
  opened: number;
  openNow: number;
  resolved: number;
  escalated: number;
  bySeverity: Record<string, number>;
  byCategory: Record<string, number>;
  /** Share of cases whose first response came in time (among those responded or already late), or null. */
  firstResponseInTime: number | null;
  medianFirstResponseHours: number | null;
  resolutionInTime: number | null;
  responsible: number;
  notResponsible: number;
  rootCauses: Record<string, number>;
}

const MAX_ROWS = 50_000;

export async function caseStats(db: Db, now: Date, days: number): Promise<CaseStats> {
  const rows = await casesCreatedSince(db, new Date(now.getTime() - days * 86_400_000), MAX_ROWS);
  const count = (values: Array<string | null>) => {
    const out: Record<string, number> = {};
    for (const value of values) if (value) out[value] = (out[value] ?? 0) + 1;
    return out;
  };
  const time = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());
  const nowMs = now.getTime();
  const firstResponseJudged = rows.filter((r) => r.first_responded_at !== null || time(r.first_response_due_at)! < nowMs);
  const firstInTime = firstResponseJudged.filter((r) => r.first_responded_at !== null && time(r.first_responded_at)! <= time(r.first_response_due_at)!);
  const responseHours = rows
    .filter((r) => r.first_responded_at !== null)
    .map((r) => (time(r.first_responded_at)! - time(r.created_at)!) / 3_600_000)
    .sort((a, b) => a - b);
  const resolvedRows = rows.filter((r) => r.resolved_at !== null);
  const resolutionJudged = rows.filter((r) => r.resolved_at !== null || time(r.resolution_due_at)! < nowMs);
  const resolutionInTime = resolvedRows.filter((r) => time(r.resolved_at)! <= time(r.resolution_due_at)!);
  return {
    days,
    opened: rows.length,
    openNow: await countOpenCases(db),
    resolved: rows.filter((r) => r.status === 'resolved' || r.status === 'closed').length,
    escalated: rows.filter((r) => r.escalation !== null).length,
    bySeverity: count(rows.map((r) => r.severity)),
    byCategory: count(rows.map((r) => r.category ?? 'uncategorised')),
    firstResponseInTime: firstResponseJudged.length > 0 ? firstInTime.length / firstResponseJudged.length : null,
    medianFirstResponseHours: median(responseHours),
    resolutionInTime: resolutionJudged.length > 0 ? resolutionInTime.length / resolutionJudged.length : null,
    responsible: rows.filter((r) => r.determination === 'responsible').length,
    notResponsible: rows.filter((r) => r.determination === 'not_responsible').length,
    rootCauses: count(rows.map((r) => r.root_cause)),
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const CSV_COLUMNS: Array<[string, (r: CaseRow) => unknown]> = [
  ['number', (r) => r.number],
  ['created_at', (r) => r.created_at],
  ['channel', (r) => r.channel],
  ['category', (r) => r.category],
  ['severity', (r) => r.severity],
  ['status', (r) => r.status],
  ['open', (r) => (OPEN_STATUSES as readonly string[]).includes(r.status)],
  ['team', (r) => r.team],
  ['owner', (r) => r.owner],
  ['first_response_due_at', (r) => r.first_response_due_at],
  ['first_responded_at', (r) => r.first_responded_at],
  ['resolution_due_at', (r) => r.resolution_due_at],
  ['resolved_at', (r) => r.resolved_at],
  ['determination', (r) => r.determination],
  ['root_cause', (r) => r.root_cause],
  ['remedy', (r) => r.remedy],
  ['remedy_amount', (r) => r.remedy_amount],
  ['remedy_approval', (r) => r.remedy_approval],
  ['escalation', (r) => r.escalation],
];

/** Cases opened in the last `days` days as CSV. No contact details or complaint text: figures only. */
export async function casesCsv(db: Db, now: Date, days: number): Promise<string> {
  const rows = await casesCreatedSince(db, new Date(now.getTime() - days * 86_400_000), MAX_ROWS);
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map(([, value]) => csvCell(value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  // A cell that a spreadsheet would run as a formula is defused.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
