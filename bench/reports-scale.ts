import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { webchatPrivacy } from '../adapters/webchat/webchat.privacy.ts';
import { openDatabase, migrateToLatest, type Db } from '../src/db/database.ts';
import { Timers } from '../src/jobs/timers.ts';
import { createLogger } from '../src/logger.ts';
import { loadPolicy } from '../src/policy.ts';
import { CASE_ANONYMISED_QUEUE } from '../src/privacy/privacy.service.ts';
import { RETENTION_BATCH, runRetention } from '../src/privacy/retention.ts';
import { writeCasesCsv } from '../src/reports/case-export.ts';
import { buildReport } from '../src/reports/report.ts';
import { createDatabase, startPostgres, type PostgresServer } from './pg.ts';
import { seedCases } from './seed-cases.ts';
import { round, summarise } from './stats.ts';

/**
 * `npm run bench:reports [-- --cases=1000000 --years=3 --calls=20 --reuse --no-csv --retention]`:
 * the reports once a company has years of cases. On PostgreSQL (started
 * here, or DATABASE_URL's server), a fresh migrated database `bench_reports`
 * is seeded with bench/seed-cases.ts, then the report every surface builds
 * (buildReport: the /reports API, `/complaints stats`, the weekly digest) is
 * timed for the last 7 days (the stats command's default), 90 days and 1
 * year, `calls` times each. Then the case CSV of 90 days and of a year is
 * exported through writeCasesCsv (peak RSS and heap growth, rows/s).
 * Prints one JSON line. The targets (issue #17): p95 < 1 s for 90 days and
 * for 1 year; the export's memory flat.
 *
 * --reuse: with DATABASE_URL, keep a `bench_reports` seeded earlier with the
 *   same --cases and --years (its `bench_seed` row records them and the
 *   seed's `now`, from which the ranges are measured): no 2–3 minute seed.
 *   Still migrated to the latest schema.
 * --no-csv: skip the export.
 * --retention: run the retention job over the expired part on a copy of the
 *   seed (--retention-days=730: cases closed over two years ago, about a
 *   third), timing each batch's transaction (max, p99, how many over 100 ms);
 *   the identity batches that follow are sampled for --identity-seconds=60.
 */
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const cases = Number(option('cases') ?? 1_000_000);
const years = Number(option('years') ?? 3);
const calls = Number(option('calls') ?? 20);
const reuse = argv.includes('--reuse');
const exportCsv = !argv.includes('--no-csv');
const retention = argv.includes('--retention');
/** Retention period of the bench's policy: cases closed more than two years ago (a third of three years) are past it. */
const retentionDays = Number(option('retention-days') ?? 730);
const identitySampleSeconds = Number(option('identity-seconds') ?? 60);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface CsvFigures {
  rows: number;
  megabytes: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssGrowthMb: number;
  peakHeapGrowthMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

/**
 * The case CSV of a range through writeCasesCsv (what GET /reports/api/cases.csv
 * and the Slack export run) into a reader that takes 64 KB at a time, one per
 * event-loop turn; RSS and heap sampled every 20 ms, growth over the value
 * when the export started.
 */
async function measureCsvExport(db: Db, range: { from: Date; to: Date }): Promise<CsvFigures> {
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      setImmediate(callback);
    },
  });
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const started = performance.now();
  const { rows } = await writeCasesCsv(db, range, sink);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  return {
    rows,
    megabytes: mb(bytes),
    seconds: round(seconds),
    rowsPerSecond: Math.round(rows / seconds),
    peakRssGrowthMb: mb(peakRss - start.rss),
    peakHeapGrowthMb: mb(peakHeap - start.heapUsed),
  };
}

/**
 * The retention job over the expired part, on a copy of the seeded database
 * (CREATE DATABASE … TEMPLATE, so --reuse finds the seed intact): the
 * shipped policy with cases kept `retentionDays`, the real case-anonymised
 * notices (pg-boss jobs) and the web chat's privacy hook. Each batch's
 * transaction is timed from BEGIN to COMMIT: the locks it holds on cases,
 * messages, events, customers live no longer.
 */
async function measureRetention(adminUrl: string, seededUrl: string, now: Date) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const copyStarted = performance.now();
  try {
    await admin.query('DROP DATABASE IF EXISTS bench_retention WITH (FORCE)');
    await admin.query(`CREATE DATABASE bench_retention TEMPLATE ${new URL(seededUrl).pathname.slice(1)}`);
  } finally {
    await admin.end();
  }
  log(`retention: copied the seeded database in ${round((performance.now() - copyStarted) / 1000)} s`);
  const url = new URL(adminUrl);
  url.pathname = '/bench_retention';
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://' });
  const logger = createLogger('warn', process.stderr);
  const timers = await Timers.start(handle, logger, { pollSeconds: 60 });
  await timers.defineQueue(CASE_ANONYMISED_QUEUE);
  const shipped = loadPolicy(fileURLToPath(new URL('../config/policy.json', import.meta.url)));
  const policy = { ...shipped, retention: { ...shipped.retention, closedCaseDays: retentionDays, openCaseDays: retentionDays } };
  const batches: Record<'cases' | 'identities', number[]> = { cases: [], identities: [] };
  let lastLog = performance.now();
  const started = performance.now();
  // The identities after the cases: sampled for `identitySampleSeconds` (each batch is timed the same way).
  const stop = new AbortController();
  let identitiesStarted: number | undefined;
  try {
    const report = await runRetention(
      {
        db: handle.db,
        policy,
        logger,
        hooks: [webchatPrivacy],
        notify: (trx, notice) => timers.schedule(trx, CASE_ANONYMISED_QUEUE, notice, now),
        notices: { hold: (trx) => timers.holdIn(trx), flush: (trx) => timers.flush(trx) },
      },
      now,
      {
        signal: stop.signal,
        onBatch: (b) => {
          batches[b.kind].push(b.ms);
          if (b.kind === 'identities') identitiesStarted ??= performance.now();
          if (identitiesStarted !== undefined && performance.now() - identitiesStarted > identitySampleSeconds * 1000) stop.abort();
          if (performance.now() - lastLog > 10_000) {
            lastLog = performance.now();
            log(`retention: ${batches.cases.length} case batches, ${batches.identities.length} identity batches so far (${Math.round((lastLog - started) / 1000)} s)`);
          }
        },
      },
    );
    const totalSeconds = round(((identitiesStarted ?? performance.now()) - started) / 1000);
    const figures = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? 0);
      return { batches: ms.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(sorted[sorted.length - 1] ?? 0), over100Ms: ms.filter((x) => x > 100).length };
    };
    const result = {
      retentionDays,
      batchSize: RETENTION_BATCH,
      caseSeconds: totalSeconds,
      identitiesSampled: stop.signal.aborted ? `first ${identitySampleSeconds} s` : 'all',
      casesAnonymised: report.casesAnonymised,
      identitiesAnonymised: report.identitiesAnonymised,
      caseBatches: figures(batches.cases),
      identityBatches: figures(batches.identities),
    };
    log(`retention: ${report.casesAnonymised} cases, ${report.identitiesAnonymised} identities; case phase ${totalSeconds} s; case batches ${JSON.stringify(result.caseBatches)}; identity batches ${JSON.stringify(result.identityBatches)}`);
    return result;
  } finally {
    await timers.stop();
    await handle.close();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query('DROP DATABASE IF EXISTS bench_retention WITH (FORCE)').finally(() => cleanup.end());
  }
}

/** The seed's record in its own database: what was seeded, and the `now` the ranges are measured from. */
async function markSeeded(url: string, seed: { cases: number; years: number; now: Date }): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_seed (cases integer NOT NULL, years numeric NOT NULL, seeded_at timestamptz NOT NULL)');
    await client.query('INSERT INTO bench_seed VALUES ($1, $2, $3)', [seed.cases, seed.years, seed.now]);
  } finally {
    await client.end();
  }
}

/** `--reuse`: the bench_reports database a previous run seeded with the same cases and years, if there is one. */
async function seededEarlier(adminUrl: string, wanted: { cases: number; years: number }): Promise<{ url: string; now: Date } | undefined> {
  const url = new URL(adminUrl);
  url.pathname = '/bench_reports';
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    const { rows } = await client.query<{ seeded_at: Date }>(
      `SELECT seeded_at FROM bench_seed WHERE cases = $1 AND years = $2`,
      [wanted.cases, wanted.years],
    );
    return rows[0] ? { url: url.toString(), now: rows[0].seeded_at } : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

let server: PostgresServer | undefined;
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  server = await startPostgres({});
  adminUrl = server.url;
}
try {
  const reused = reuse ? await seededEarlier(adminUrl, { cases, years }) : undefined;
  const url = reused?.url ?? (await createDatabase(adminUrl, 'bench_reports'));
  const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  let now: Date;
  let seeded: { cases: number; seconds: number | null };
  if (reused) {
    now = reused.now;
    seeded = { cases, seconds: null };
    log(`reusing bench_reports: ${cases} cases over ${years} years seeded at ${now.toISOString()}`);
  } else {
    now = new Date();
    seeded = await seedCases(url, { cases, years, now, log });
    await markSeeded(url, { cases, years, now });
    log(`seeded ${seeded.cases} cases over ${years} years in ${seeded.seconds} s`);
  }
  const timings: Record<string, { p50Ms: number; p95Ms: number; maxMs: number }> = {};
  for (const [label, days] of [
    ['7d', 7],
    ['90d', 90],
    ['1y', 365],
  ] as const) {
    const range = { from: new Date(now.getTime() - days * 86_400_000), to: now };
    const samples: number[] = [];
    for (let i = 0; i < calls; i += 1) {
      const started = performance.now();
      await buildReport(handle.db, range, { now, timezone: 'Asia/Shanghai' });
      samples.push(performance.now() - started);
    }
    const s = summarise(samples);
    timings[label] = { p50Ms: s.p50, p95Ms: round(samples.sort((a, b) => a - b)[Math.ceil(samples.length * 0.95) - 1]!), maxMs: s.max };
    log(`report ${label.padEnd(4)} p50 ${s.p50} ms  p95 ${timings[label]!.p95Ms} ms  (${calls} calls)`);
  }
  const csvExport: Record<string, CsvFigures> = {};
  if (exportCsv) {
    for (const [label, days] of [
      ['90d', 90],
      ['1y', 365],
    ] as const) {
      csvExport[label] = await measureCsvExport(handle.db, { from: new Date(now.getTime() - days * 86_400_000), to: now });
      const f = csvExport[label]!;
      log(`csv ${label.padEnd(4)} ${f.rows} rows, ${f.megabytes} MB in ${f.seconds} s (${f.rowsPerSecond} rows/s), peak RSS +${f.peakRssGrowthMb} MB, heap +${f.peakHeapGrowthMb} MB`);
    }
  }
  await handle.close();
  const retentionFigures = retention ? await measureRetention(adminUrl, url, now) : undefined;
  process.stdout.write(
    `${JSON.stringify({ bench: 'reports', cases, years, seedSeconds: seeded.seconds, calls, timings, ...(exportCsv ? { csvExport } : {}), ...(retentionFigures ? { retention: retentionFigures } : {}) })}\n`,
  );
} finally {
  server?.destroy();
}
