// One hearken instance's timer worker, for the bench's timer phase
// (bench/timers.ts starts two or more of these on one PostgreSQL queue): the
// app's Timers class as the app configures it (src/config.ts, so
// TIMER_POLL_SECONDS and its default apply), working BENCH_TIMER_QUEUE with a
// handler that only records which timer fired and when. JSON lines on stdout:
// `timer instance ready`, then `timer instance fired` with the running count
// every 200 ms; on SIGTERM it stops the worker as the app does (graceful),
// writes every firing to the file BENCH_TIMER_OUT as JSON, `n` (the timer's
// number) and `at` (Date.now() when its handler ran) in firing order, and
// exits 0.
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { Timers } from '../src/jobs/timers.ts';
import { createLogger } from '../src/logger.ts';

const config = loadConfig();
const queue = process.env.BENCH_TIMER_QUEUE ?? 'bench-deadline';
const out = process.env.BENCH_TIMER_OUT;
if (!out) throw new Error('BENCH_TIMER_OUT: the file for the firings is not set');
const logger = createLogger(config.LOG_LEVEL);
const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
const timers = await Timers.start(handle, logger, { pollSeconds: config.TIMER_POLL_SECONDS });

const fired: number[] = [];
const firedAt: number[] = [];
await timers.work<{ n: number }>(queue, async ({ n }) => {
  fired.push(n);
  firedAt.push(Date.now());
});
const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
write({ msg: 'timer instance ready', pid: process.pid, pollSeconds: config.TIMER_POLL_SECONDS });
let reported = 0;
const progress = setInterval(() => {
  if (fired.length === reported) return;
  reported = fired.length;
  write({ msg: 'timer instance fired', count: reported });
}, 200);

process.once('SIGTERM', () => {
  clearInterval(progress);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  void (async () => {
    await timers.stop();
    await handle.close();
    writeFileSync(out, JSON.stringify({ n: fired, at: firedAt }));
    process.exit(0);
  })();
});
