import { openDatabase, migrateToLatest } from '../src/db/database.ts';
import { buildReport } from '../src/reports/report.ts';
import { createDatabase, startPostgres, type PostgresServer } from './pg.ts';
import { seedCases } from './seed-cases.ts';
import { round, summarise } from './stats.ts';

/**
 * `npm run bench:reports [-- --cases=1000000 --years=3 --calls=20]`: the
 * reports once a company has years of cases. On PostgreSQL (started here,
 * or DATABASE_URL's server), a fresh migrated database is seeded with
 * bench/seed-cases.ts, then the report every surface builds (buildReport:
 * the /reports API, `/complaints stats`, the weekly digest) is timed for
 * the last 7 days (the stats command's default), 90 days and 1 year,
 * `calls` times each. Prints one JSON line (p50/p95 per range, seed time).
 * The target (issue #17): p95 < 1 s for 90 days and for 1 year.
 */
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const cases = Number(option('cases') ?? 1_000_000);
const years = Number(option('years') ?? 3);
const calls = Number(option('calls') ?? 20);
const log = (line: string) => process.stderr.write(`${line}\n`);

let server: PostgresServer | undefined;
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  server = await startPostgres({});
  adminUrl = server.url;
}
try {
  const url = await createDatabase(adminUrl, 'bench_reports');
  const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  const now = new Date();
  const seeded = await seedCases(url, { cases, years, now, log });
  log(`seeded ${seeded.cases} cases over ${years} years in ${seeded.seconds} s`);
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
  await handle.close();
  process.stdout.write(`${JSON.stringify({ bench: 'reports', cases, years, seedSeconds: seeded.seconds, calls, timings })}\n`);
} finally {
  server?.destroy();
}
