import pg from 'pg';
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
const reuse = argv.includes('--reuse');
const log = (line: string) => process.stderr.write(`${line}\n`);

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
  await handle.close();
  process.stdout.write(`${JSON.stringify({ bench: 'reports', cases, years, seedSeconds: seeded.seconds, calls, timings })}\n`);
} finally {
  server?.destroy();
}
