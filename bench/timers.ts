import { PgBoss } from 'pg-boss';
import { openDatabase } from '../src/db/database.ts';
import { Timers } from '../src/jobs/timers.ts';
import { createLogger } from '../src/logger.ts';
import { summarise, round, type LatencySummary } from './stats.ts';

export interface TimerScaleResult {
  scheduled: number;
  insertSeconds: number;
  insertsPerSecond: number;
  /** Due times were spread evenly over this window. */
  dueWindowSeconds: number;
  fired: number;
  /** Fired before the time limit ran out, per second from the first due time to the last firing. */
  firesPerSecond: number;
  /** Firing time minus due time, in ms. */
  lag: LatencySummary;
  unfiredAtLimit: number;
  limitSeconds: number;
  pollSeconds: number;
}

/**
 * Timer scale: `count` deadlines inserted in bulk with pg-boss insert() into
 * the queue the app's Timers class works (src/jobs/timers.ts, as the app
 * configures it), due evenly over `dueWindowSeconds` starting after the
 * insert; the handler only records when it ran. Stops when all fired or at
 * `limitSeconds` after the first due time.
 */
export async function runTimerScale(databaseUrl: string, options: { count: number; dueWindowSeconds: number; limitSeconds: number; pollSeconds: number }): Promise<TimerScaleResult> {
  const logger = createLogger('warn');
  const handle = await openDatabase({ databaseUrl, dataDir: 'memory://' });
  const timers = await Timers.start(handle, logger, { pollSeconds: options.pollSeconds });
  const queue = 'bench-deadline';
  await timers.defineQueue(queue);
  const inserter = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4, supervise: false, schedule: false });
  inserter.on('error', () => undefined);
  await inserter.start();

  // Due after the insert is expected to finish (~10,000 rows/s here, measured).
  const insertStarted = performance.now();
  const firstDue = Date.now() + Math.max(3_000, options.count / 5);
  const CHUNK = 2_000;
  for (let offset = 0; offset < options.count; offset += CHUNK) {
    const jobs = [];
    for (let i = offset; i < Math.min(options.count, offset + CHUNK); i += 1) {
      const due = firstDue + Math.floor((i / options.count) * options.dueWindowSeconds * 1000);
      jobs.push({ data: { due }, startAfter: new Date(due) });
    }
    await inserter.insert(queue, jobs);
  }
  const insertSeconds = (performance.now() - insertStarted) / 1000;

  const lags: number[] = [];
  let lastFire = 0;
  let done: () => void = () => undefined;
  const allFired = new Promise<void>((resolve) => (done = resolve));
  await timers.work<{ due: number }>(queue, async (data) => {
    const now = Date.now();
    lags.push(now - data.due);
    lastFire = now;
    if (lags.length >= options.count) done();
  });
  const limit = Math.max(0, firstDue - Date.now()) + options.limitSeconds * 1000;
  await Promise.race([allFired, new Promise((resolve) => setTimeout(resolve, limit))]);
  const fired = lags.length;
  await timers.stop().catch(() => undefined);
  await inserter.stop({ graceful: false }).catch(() => undefined);
  await handle.close();
  return {
    scheduled: options.count,
    insertSeconds: round(insertSeconds),
    insertsPerSecond: Math.round(options.count / insertSeconds),
    dueWindowSeconds: options.dueWindowSeconds,
    fired,
    firesPerSecond: fired > 0 ? round(fired / Math.max(0.001, (lastFire - firstDue) / 1000)) : 0,
    lag: summarise(lags),
    unfiredAtLimit: options.count - fired,
    limitSeconds: options.limitSeconds,
    pollSeconds: options.pollSeconds,
  };
}
