import type { Writable } from 'node:stream';
import type { Db } from '../db/database.ts';
import { OPEN_STATUSES } from '../staff/staff.repository.ts';
import { csvCell } from './csv.ts';
import { casesOpenedAfter, type ExportCaseRow, type ReportRange } from './report.repository.ts';

/** Cases read per query: a batch's rows are the most the export holds in memory at once. */
export const EXPORT_BATCH = 2_000;

const CSV_COLUMNS: Array<[string, (r: ExportCaseRow) => unknown]> = [
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

/**
 * Cases opened in the range as CSV, one row per case, oldest first. No
 * contact details or complaint text: figures only. Yields the header, then
 * one chunk per batch of `batchSize` cases read by keyset (created_at, id):
 * memory stays flat however long the range, and each query is short.
 */
export async function* casesCsvChunks(db: Db, range: ReportRange, options: { batchSize?: number } = {}): AsyncGenerator<{ text: string; rows: number }> {
  const batchSize = options.batchSize ?? EXPORT_BATCH;
  yield { text: `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`, rows: 0 };
  let after: { createdAt: Date; id: number } | undefined;
  for (;;) {
    const rows = await casesOpenedAfter(db, range, after, batchSize);
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) text += `${CSV_COLUMNS.map(([, value]) => csvCell(value(row))).join(',')}\r\n`;
    yield { text, rows: rows.length };
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/**
 * Writes the case CSV to `out` (an HTTP response) as it is read, waiting
 * for the reader whenever the stream is full. Stops when `out` closes early
 * (the client went away). A failure after the first bytes destroys `out`,
 * so the reader sees a broken download rather than a short file.
 */
export async function writeCasesCsv(db: Db, range: ReportRange, out: Writable, options: { batchSize?: number } = {}): Promise<{ rows: number; complete: boolean }> {
  let rows = 0;
  try {
    for await (const chunk of casesCsvChunks(db, range, options)) {
      if (out.destroyed || out.writableEnded) return { rows, complete: false };
      rows += chunk.rows;
      if (!out.write(chunk.text) && !(await drained(out))) return { rows, complete: false };
    }
  } catch (error) {
    out.destroy(error as Error);
    throw error;
  }
  out.end();
  return { rows, complete: true };
}

/** Resolves true on `drain`, false when the stream closes first. */
function drained(out: Writable): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/** The whole case CSV as one string (small ranges and tests). */
export async function casesCsv(db: Db, range: ReportRange): Promise<string> {
  let text = '';
  for await (const chunk of casesCsvChunks(db, range)) text += chunk.text;
  return text;
}
