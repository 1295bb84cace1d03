import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { cpuSeconds, postgresCpuSeconds, spawnServer, type ServerProcess } from './process.ts';
import { summarise, round, type LatencySummary } from './stats.ts';
import { ROOT } from './targets.ts';

export interface TimerScaleResult {
  scheduled: number;
  insertSeconds: number;
  insertsPerSecond: number;
  /** Due times were spread evenly over this window. */
  dueWindowSeconds: number;
  /** Worker processes sharing the queue. */
  instances: number;
  /** Distinct timers that fired before the time limit ran out. */
  fired: number;
  /** Firings beyond the first of the same timer, over all instances (must be 0). */
  duplicates: number;
  /** Per instance: firings and CPU (% of one core, from the first due time to the last firing). */
  perInstance: Array<{ fired: number; cpuPercent: number }>;
  /** Distinct firings per second from the first due time to the last firing. */
  firesPerSecond: number;
  /** PostgreSQL's CPU over the same span (% of one core; only when the bench started the server). */
  postgresCpuPercent?: number;
  /** Firing time minus due time (first firing of each timer), in ms. */
  lag: LatencySummary;
  unfiredAtLimit: number;
  limitSeconds: number;
  /** The instances' TIMER_POLL_SECONDS. */
  pollSeconds: number;
}

interface Instance {
  process: ServerProcess;
  count: number;
  /** Where it writes its firings when stopped. */
  out: string;
}

const QUEUE = 'bench-deadline';

/**
 * Timer scale: `instances` worker processes (bench/timer-instance.ts: the
 * app's Timers class as the app configures it) share one queue; `count`
 * deadlines are inserted in bulk with pg-boss insert(), due evenly over
 * `dueWindowSeconds` starting after the insert. Every instance records which
 * timer fired and when; at the end they are counted together: all fired,
 * none twice, each instance's share, lag from the due time. Stops when the
 * instances report `count` firings or at `limitSeconds` after the first due
 * time. `env` goes to the instances (e.g. TIMER_POLL_SECONDS). The job
 * table is analysed after the insert unless `staleStatistics`.
 */
export async function runTimerScale(
  databaseUrl: string,
  options: { count: number; dueWindowSeconds: number; limitSeconds: number; instances: number; staleStatistics?: boolean; postmasterPid?: number; env?: Record<string, string> },
): Promise<TimerScaleResult> {
  const instances: Instance[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hearken-bench-timers-'));
  for (let i = 0; i < options.instances; i += 1) {
    const child = spawnServer('bench/timer-instance.ts', {
      cwd: ROOT,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, BENCH_TIMER_QUEUE: QUEUE, BENCH_TIMER_OUT: join(dir, `instance-${i}.json`), ...options.env },
    });
    instances.push({ process: child, count: 0, out: join(dir, `instance-${i}.json`) });
  }
  let inserter: PgBoss | undefined;
  try {
    const ready = await Promise.all(instances.map((instance) => instance.process.waitForLog((l) => l.msg === 'timer instance ready')));
    let allFired: () => void = () => undefined;
    const fired = new Promise<void>((resolve) => (allFired = resolve));
    for (const instance of instances) {
      void instance.process.waitForLog((line) => {
        if (line.msg === 'timer instance fired') instance.count = Number(line.count);
        if (instances.reduce((sum, i) => sum + i.count, 0) >= options.count) allFired();
        return false;
      }, 24 * 3_600_000).catch(() => undefined);
    }

    inserter = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4, supervise: false, schedule: false });
    inserter.on('error', () => undefined);
    await inserter.start();
    // Due after the insert is expected to finish (~10,000 rows/s on a loaded host, measured).
    const insertStarted = performance.now();
    const firstDue = Date.now() + Math.max(3_000, options.count / 5);
    const dueOf = (n: number) => firstDue + Math.floor((n / options.count) * options.dueWindowSeconds * 1000);
    const CHUNK = 2_000;
    for (let offset = 0; offset < options.count; offset += CHUNK) {
      const jobs = [];
      for (let n = offset; n < Math.min(options.count, offset + CHUNK); n += 1) jobs.push({ data: { n }, startAfter: new Date(dueOf(n)) });
      await inserter.insert(QUEUE, jobs);
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    if (!options.staleStatistics) await analyse(databaseUrl);

    const postmasterPid = options.postmasterPid ?? (await localPostmasterPid(databaseUrl));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstDue - Date.now())));
    const cpuAtFirstDue = instances.map((instance) => cpuSeconds(instance.process.pid));
    const pgAtFirstDue = postmasterPid ? postgresCpuSeconds(postmasterPid) : undefined;
    const limit = setTimeout(allFired, options.limitSeconds * 1000);
    await fired;
    clearTimeout(limit);
    const cpuAtEnd = instances.map((instance) => cpuSeconds(instance.process.pid));
    const pgAtEnd = postmasterPid ? postgresCpuSeconds(postmasterPid) : undefined;

    // Stopped as the app stops them (graceful: a batch in flight finishes); then every firing is counted.
    const codes = await Promise.all(instances.map((instance) => instance.process.stop()));
    if (codes.some((code) => code !== 0)) throw new Error(`a timer instance did not stop cleanly (exit codes ${codes.join(', ')})`);
    const reports = instances.map((instance) => JSON.parse(readFileSync(instance.out, 'utf8')) as { n: number[]; at: number[] });

    const firstFiring = new Map<number, number>();
    let firings = 0;
    let lastFire = 0;
    for (const report of reports) {
      firings += report.n.length;
      report.n.forEach((n, i) => {
        const at = report.at[i]!;
        const earlier = firstFiring.get(n);
        if (earlier === undefined || at < earlier) firstFiring.set(n, at);
        lastFire = Math.max(lastFire, at);
      });
    }
    const lags: number[] = [];
    for (const [n, at] of firstFiring) lags.push(at - dueOf(n));
    const spanSeconds = Math.max(0.001, (lastFire - firstDue) / 1000);
    const measuredSeconds = Math.max(0.001, (Date.now() - firstDue) / 1000);
    return {
      scheduled: options.count,
      insertSeconds: round(insertSeconds),
      insertsPerSecond: Math.round(options.count / insertSeconds),
      dueWindowSeconds: options.dueWindowSeconds,
      instances: options.instances,
      fired: firstFiring.size,
      duplicates: firings - firstFiring.size,
      perInstance: reports.map((report, i) => ({ fired: report.n.length, cpuPercent: Math.round(((cpuAtEnd[i]! - cpuAtFirstDue[i]!) / measuredSeconds) * 100) })),
      firesPerSecond: firstFiring.size > 0 ? round(firstFiring.size / spanSeconds) : 0,
      ...(pgAtEnd !== undefined && pgAtFirstDue !== undefined ? { postgresCpuPercent: Math.round(((pgAtEnd - pgAtFirstDue) / measuredSeconds) * 100) } : {}),
      lag: summarise(lags),
      unfiredAtLimit: options.count - firstFiring.size,
      limitSeconds: options.limitSeconds,
      pollSeconds: Number(ready[0]!.pollSeconds),
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.process.stop()));
    await inserter?.stop({ graceful: false }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Statistics for the job table, as autovacuum keeps them on a live table:
 * timers come due hours or days after they were scheduled, not 3 s after a
 * bulk insert into an empty table, and the planner plans pg-boss's fetch and
 * completion from them (see BENCHMARKS.md).
 */
async function analyse(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('ANALYZE pgboss.job');
  } finally {
    await client.end();
  }
}

/** The postmaster of a server on this host (the parent of our backend), for its CPU; undefined when it is elsewhere. */
async function localPostmasterPid(databaseUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
    if (!stat.includes('(postgres)')) return undefined;
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}
