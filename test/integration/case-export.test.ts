import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { casesCsv, casesCsvChunks, writeCasesCsv } from '../../src/reports/case-export.ts';
import { createCustomer } from '../support/privacy-fixtures.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';

/**
 * The case CSV is read in keyset batches (created_at, id) and written as it
 * is read: complete, in order, each case once, also when several cases share
 * a timestamp across a batch boundary. Runs on PGlite, and on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
let database: DatabaseHandle;
const RANGE = { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') };
/** Case numbers in the range, in the order the export must give them. */
const expected: string[] = [];

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: await createTestDatabaseUrl(), dataDir: 'memory://' });
  await migrateToLatest(database.db);
  const customer = await createCustomer(database.db);
  // 23 cases in March, in groups of three sharing a timestamp (ties cross the batch boundaries below), inserted out of order; two outside.
  const specs: Array<{ number: string; created: Date }> = [];
  for (let i = 0; i < 23; i += 1) specs.push({ number: `C-2025-${String(700 + i)}`, created: new Date(Date.UTC(2025, 2, 2 + Math.floor(i / 3), 9)) });
  specs.push({ number: 'C-2025-BEFORE', created: new Date('2025-02-28T23:59:59Z') }, { number: 'C-2025-AFTER', created: RANGE.to });
  const inserted: Array<{ id: number; number: string; created: Date }> = [];
  for (const spec of [...specs].reverse()) {
    const row = await database.db
      .insertInto('cases')
      .values({
        number: spec.number,
        customer_id: customer.id,
        channel: 'webchat',
        locale: 'en',
        status: spec.number.endsWith('0') ? 'new' : 'closed',
        severity: 'general',
        severity_reasons: JSON.stringify([]),
        category: 'product_quality',
        evidence: JSON.stringify([]),
        consent_given: true,
        opened_via: 'intake',
        contact_email: 'someone@example.com',
        description: 'private words',
        root_cause: spec.number === 'C-2025-705' ? '=HYPERLINK("x"), "quoted"' : 'defect',
        first_response_due_at: spec.created,
        resolution_due_at: spec.created,
        created_at: spec.created,
        updated_at: spec.created,
      } as never)
      .returning(['id', 'number'])
      .executeTakeFirstOrThrow();
    inserted.push({ id: Number(row.id), number: row.number, created: spec.created });
  }
  expected.push(
    ...inserted
      .filter((c) => c.created >= RANGE.from && c.created < RANGE.to)
      .sort((a, b) => a.created.getTime() - b.created.getTime() || a.id - b.id)
      .map((c) => c.number),
  );
});
afterAll(async () => {
  await database?.close();
});

const numbersOf = (csv: string) =>
  csv
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[0]);

describe('case CSV export', () => {
  it('reads the range in batches of the given size, each case once, oldest first', async () => {
    const chunks: Array<{ text: string; rows: number }> = [];
    for await (const chunk of casesCsvChunks(database.db, RANGE, { batchSize: 5 })) chunks.push(chunk);
    // Header, then ⌈23 / 5⌉ = 5 batches: 5, 5, 5, 5, 3 rows.
    expect(chunks.map((c) => c.rows)).toEqual([0, 5, 5, 5, 5, 3]);
    const csv = chunks.map((c) => c.text).join('');
    expect(csv.startsWith('number,created_at,channel,category,severity,status,open,team,owner,')).toBe(true);
    expect(numbersOf(csv)).toEqual(expected);
    expect(expected).toHaveLength(23);
    // The same document as the one-string form (default batch size), and no contact details or complaint text.
    expect(await casesCsv(database.db, RANGE)).toBe(csv);
    expect(csv).not.toMatch(/someone@example\.com|private words/);
    expect(csv).toContain(`C-2025-705,2025-03-03T09:00:00.000Z,`);
    expect(csv).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
  });

  it('writes to a slow reader with backpressure and ends it; a batch boundary on a run of equal timestamps loses nothing', async () => {
    const received: string[] = [];
    let full = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString('utf8'));
        setImmediate(callback);
      },
    });
    const write = slow.write.bind(slow);
    slow.write = ((chunk: string) => {
      const ok = write(chunk);
      if (!ok) full += 1;
      return ok;
    }) as typeof slow.write;
    const finished = new Promise((resolve) => slow.on('finish', resolve));
    // Batches of 4: boundaries fall inside runs of three cases sharing a timestamp.
    const outcome = await writeCasesCsv(database.db, RANGE, slow, { batchSize: 4 });
    await finished;
    expect(outcome).toEqual({ rows: 23, complete: true });
    expect(full).toBe(7); // every chunk (header and 6 batches) filled the 64-byte buffer and was waited for
    expect(numbersOf(received.join(''))).toEqual(expected);
  });

  it('stops reading when the reader goes away', async () => {
    let batches = 0;
    const gone = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        batches += 1;
        callback();
        if (batches === 2) gone.destroy();
      },
    });
    const outcome = await writeCasesCsv(database.db, RANGE, gone, { batchSize: 5 });
    expect(outcome.complete).toBe(false);
    expect(outcome.rows).toBeLessThan(23);
  });
});
