import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { OPEN_STATUSES } from '../staff/staff.repository.ts';
import { csvDocument } from './csv.ts';
import { casesOpenedIn, type ReportRange } from './report.repository.ts';

const MAX_ROWS = 50_000;

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

/** Cases opened in the range as CSV, one row per case. No contact details or complaint text: figures only. */
export async function casesCsv(db: Db, range: ReportRange): Promise<string> {
  const rows = await casesOpenedIn(db, range, MAX_ROWS);
  return csvDocument(
    CSV_COLUMNS.map(([name]) => name),
    rows.map((row) => CSV_COLUMNS.map(([, value]) => value(row))),
  );
}
