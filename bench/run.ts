import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runDbFloor, type DbFloorResult } from './baselines/db-floor.ts';
import { runCustomers, TELEGRAM_INTAKE, type ScriptStep } from './customers.ts';
import { FakeConnector } from './fake-connector.ts';
import { FakeTelegram } from './fake-telegram.ts';
import { checkHearken, describe, figures, statementStats, type Figures, type StatementFigures } from './phase-figures.ts';
import { createDatabase, startPostgres, type PostgresServer } from './pg.ts';
import { PhaseMeter, postmasterPidOf, residentMb, type ServerProcess } from './process.ts';
import { summariseProfile, type ProfileSummary } from './profile-summary.ts';
import type { ReplyHub } from './reply-hub.ts';
import { round } from './stats.ts';
import { BOTFRAMEWORK_INTAKE, ROOT, startBotbuilderBaseline, startHearken, startHearkenWebchat, startHttpFloor, type RunningTarget } from './targets.ts';
import { runTimerScale, type TimerScaleResult } from './timers.ts';
import { runWebchatCustomers, WEBCHAT_INTAKE } from './webchat-load.ts';

/**
 * `npm run bench [-- --quick] [-- --cpu-prof] [-- --statements] [-- --only=timers]`: hearken driven through its
 * Telegram webhook by simulated customers doing whole intakes, against the
 * same run's baselines (botbuilder-dialogs samples' way, the HTTP floor, the
 * store-and-ack floor (HTTP floor + one committed INSERT before the answer),
 * the stack floor (the same through express, Kysely and telegraf), the
 * database floor), plus timer scale. Human-readable lines first; the last
 * line is one JSON object with every figure and the ratios. `--only=timers`
 * runs the timer phase alone. Timer phase: `--timers=N` timers due over
 * `--timer-window=S` seconds, worked by `--timer-instances=K` processes
 * (default 2) with TIMER_POLL_SECONDS `--timer-poll=S` (default: the app's);
 * `--timer-stale-stats` leaves the job table unanalysed after the insert.
 * `--hearken-env=NAME=value,…` passes settings to the Telegram-phase hearken
 * processes (e.g. `HEAP_GROWING_PERCENT=0` to compare with V8's own heap growth).
 */
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const prefix = `--${name}=`;
  return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
};
const quick = flag('quick');
const only = option('only');
if (only !== undefined && only !== 'timers') throw new Error(`--only=${only}: only --only=timers is supported`);
const timersOnly = only === 'timers';
const settings = {
  concurrency: (option('concurrency') ?? (quick ? '32' : '8,32,128')).split(',').map(Number),
  warmupMs: Number(option('warmup') ?? (quick ? 1 : 3)) * 1000,
  durationMs: Number(option('seconds') ?? (quick ? 5 : 15)) * 1000,
  timers: Number(option('timers') ?? (quick ? 10_000 : 100_000)),
  timerWindowSeconds: Number(option('timer-window') ?? (quick ? 2 : 20)),
  timerLimitSeconds: quick ? 15 : 300,
  timerInstances: Number(option('timer-instances') ?? 2),
  timerPollSeconds: option('timer-poll'),
  timerStaleStatistics: flag('timer-stale-stats'),
  /** Customers for the embedded-database phase (web chat on PGlite vs PostgreSQL); --embedded=0 skips it. */
  embedded: (option('embedded') ?? (quick ? '8' : '8,32')).split(',').map(Number).filter((n) => n > 0),
  asShipped: !quick && !flag('no-as-shipped'),
  cpuProfile: flag('cpu-prof'),
  statements: flag('statements'),
  logLevel: option('log-level') ?? 'info',
  /** `--hearken-env=NAME=value,…`: settings for the hearken processes (e.g. HEAP_GROWING_PERCENT=0 to compare). */
  hearkenEnv: Object.fromEntries((option('hearken-env') ?? '').split(',').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const startedAt = performance.now();

/** The baseline package cannot live in the main project (see its package.json); installed on first use. */
function ensureBotbuilderBaseline(): void {
  const dir = join(ROOT, 'bench', 'baseline-botbuilder');
  if (existsSync(join(dir, 'node_modules', 'botbuilder-dialogs', 'package.json'))) return;
  log('installing the botbuilder-dialogs baseline (bench/baseline-botbuilder, once) …');
  execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, npm_config_yes: 'true' } });
}

async function webchatPhase(running: { url: string; process: ServerProcess }, c: number, postmasterPid: number | undefined) {
  const meter = new PhaseMeter(running.process.pid, postmasterPid);
  const load = await runWebchatCustomers(running.url, { customers: c, warmupMs: settings.warmupMs, durationMs: settings.durationMs, script: WEBCHAT_INTAKE, verify: true });
  return { load, figures: figures(load, meter.finish()) };
}

async function phase(running: RunningTarget, hub: ReplyHub, c: number, script: readonly ScriptStep[], verify: boolean, postmasterPid: number | undefined, firstPersonId: number) {
  const meter = new PhaseMeter(running.process.pid, postmasterPid);
  const load = await runCustomers(running.target, hub, { customers: c, warmupMs: settings.warmupMs, durationMs: settings.durationMs, script, verify, firstPersonId });
  return { load, figures: figures(load, meter.finish()) };
}

async function timerPhase(adminUrl: string, postmasterPid: number | undefined): Promise<TimerScaleResult> {
  const url = await createDatabase(adminUrl, 'bench_timers');
  const t = await runTimerScale(url, {
    count: settings.timers,
    dueWindowSeconds: settings.timerWindowSeconds,
    limitSeconds: settings.timerLimitSeconds,
    instances: settings.timerInstances,
    staleStatistics: settings.timerStaleStatistics,
    postmasterPid,
    env: settings.timerPollSeconds ? { TIMER_POLL_SECONDS: settings.timerPollSeconds } : {},
  });
  const pgCpu = t.postgresCpuPercent !== undefined ? ` pg ${t.postgresCpuPercent}%` : '';
  log(`timers       ${t.scheduled} scheduled (${t.insertsPerSecond}/s insert), due over ${t.dueWindowSeconds} s, ${t.instances} instances polling ${t.pollSeconds} s: ${t.fired} fired at ${t.firesPerSecond}/s, lag p50/p99/max ${t.lag.p50}/${t.lag.p99}/${t.lag.max} ms${t.unfiredAtLimit ? `, ${t.unfiredAtLimit} NOT fired within ${t.limitSeconds} s` : ''}`);
  log(`             per instance ${t.perInstance.map((i) => `${i.fired} (CPU ${i.cpuPercent}%)`).join(' / ')}${pgCpu}, ${t.duplicates} fired twice${t.duplicates ? ' — DOUBLE FIRING' : ''}`);
  return t;
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);

async function main(): Promise<void> {
  log(`hearken bench${quick ? ' (quick)' : ''}: ${cpus().length} cores, node ${process.version}, ${timersOnly ? 'timers only' : `customers ${settings.concurrency.join('/')}, ${settings.durationMs / 1000} s per phase after ${settings.warmupMs / 1000} s warm-up`}`);
  if (!timersOnly) {
    ensureBotbuilderBaseline();
    // hearken runs as production runs it: the built JavaScript (npm start's own pre-step).
    const built = spawnSync(process.execPath, ['deploy/build.mjs', '--if-stale'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) throw new Error('npm run build failed: the bench runs hearken from dist/');
  }

  let server: PostgresServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    server = await startPostgres(settings.statements ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' } } : {});
    adminUrl = server.url;
    log(`PostgreSQL 15 started on 127.0.0.1:${server.port} (${server.dataDir})`);
  } else {
    log('PostgreSQL from DATABASE_URL (databases bench_* are created on it)');
  }
  const postmasterPid = server ? postmasterPidOf(server.dataDir) : undefined;
  if (timersOnly) {
    try {
      const timers = settings.timers > 0 ? await timerPhase(adminUrl, postmasterPid) : undefined;
      const runSeconds = round((performance.now() - startedAt) / 1000);
      log(`run time ${runSeconds} s`);
      const machine = { cores: cpus().length, node: process.version, postgres: server ? 'started by the bench (Debian 15, loopback)' : 'DATABASE_URL' };
      process.stdout.write(`${JSON.stringify({ bench: 'hearken', at: new Date().toISOString(), quick, only, machine, settings, ...(timers ? { timers } : {}), runSeconds })}\n`);
    } finally {
      server?.destroy();
    }
    return;
  }
  // The HTTP floor gets a fake of its own, so that the counts of hearken's fake are hearken's alone.
  const fake = new FakeTelegram();
  const floorFake = new FakeTelegram();
  const connector = new FakeConnector();
  await Promise.all([fake.start(), floorFake.start(), connector.start()]);

  const started: RunningTarget[] = [];
  try {
    const hkUrl = await createDatabase(adminUrl, 'bench_hearken');
    const bbUrl = await createDatabase(adminUrl, 'bench_botbuilder');
    const floorUrl = await createDatabase(adminUrl, 'bench_floor');
    const storeFloorUrl = await createDatabase(adminUrl, 'bench_store_floor');
    const stackFloorUrl = await createDatabase(adminUrl, 'bench_stack_floor');
    const [hearken, botbuilder, httpFloor, storeFloor, stackFloor] = await Promise.all([
      startHearken({ databaseUrl: hkUrl, fake, platformLimits: false, logLevel: settings.logLevel, extraEnv: settings.hearkenEnv }),
      startBotbuilderBaseline({ databaseUrl: bbUrl, connectorUrl: connector.url }),
      startHttpFloor(floorFake),
      startHttpFloor(floorFake, { databaseUrl: storeFloorUrl }),
      startHttpFloor(floorFake, { databaseUrl: stackFloorUrl, stack: true }),
    ]);
    started.push(hearken, botbuilder, httpFloor, storeFloor, stackFloor);
    log(`servers up after ${round((performance.now() - startedAt) / 1000)} s`);
    // hearken at rest, started and ready, before any customer: what a quiet deployment holds.
    const idleRssMb = residentMb(hearken.process.pid);
    log(`hearken idle RSS ${idleRssMb} MB`);

    const results: Record<string, { hearken: Figures; botbuilder: Figures; httpFloor: Figures; storeFloor: Figures; stackFloor: Figures; dbFloor: DbFloorResult; integrity: Awaited<ReturnType<typeof checkHearken>>; statements?: StatementFigures }> = {};
    let acknowledged = 0;
    for (const c of settings.concurrency) {
      const firstPersonId = c * 1_000_000;
      // Interleaved per concurrency, so that load from elsewhere on the machine hits every target alike.
      if (settings.statements) await statementStats(hkUrl, 'reset');
      const hk = await phase(hearken, fake.hub, c, TELEGRAM_INTAKE, true, postmasterPid, firstPersonId);
      const statements = settings.statements ? await statementStats(hkUrl, 'read', hk.load.acknowledged) : undefined;
      if (statements) log(`statements   c=${String(c).padStart(3)}  ${statements.perMessage} round trips per message: ${statements.top.slice(0, 6).map((t) => `${t.perMessage}× ${t.statement.slice(0, 40)}`).join(' | ')}`);
      acknowledged += hk.load.acknowledged;
      const integrity = await checkHearken(hkUrl, fake, acknowledged);
      log(describe('hearken', c, hk.figures));
      const bb = await phase(botbuilder, connector.hub, c, BOTFRAMEWORK_INTAKE, true, postmasterPid, firstPersonId);
      log(describe('botbuilder', c, bb.figures));
      const floor = await phase(httpFloor, floorFake.hub, c, TELEGRAM_INTAKE, false, undefined, firstPersonId + 500_000);
      log(describe('http floor', c, floor.figures));
      const store = await phase(storeFloor, floorFake.hub, c, TELEGRAM_INTAKE, false, postmasterPid, firstPersonId + 700_000);
      log(describe('store floor', c, store.figures));
      const stack = await phase(stackFloor, floorFake.hub, c, TELEGRAM_INTAKE, false, postmasterPid, firstPersonId + 800_000);
      log(describe('stack floor', c, stack.figures));
      const db = await runDbFloor(floorUrl, { clients: c, warmupMs: settings.warmupMs, durationMs: settings.durationMs });
      log(`${'db floor'.padEnd(12)} c=${String(c).padStart(3)}  ${Math.round(db.insertsPerSecond)} INSERTs/s  p50/p99 ${db.latency.p50}/${db.latency.p99} ms`);
      results[String(c)] = { hearken: hk.figures, botbuilder: bb.figures, httpFloor: floor.figures, storeFloor: store.figures, stackFloor: stack.figures, dbFloor: db, integrity, ...(statements ? { statements } : {}) };
    }
    await Promise.all(started.splice(0).map((s) => s.process.stop()));

    let asShipped: (Figures & { customers: number; note: string }) | undefined;
    if (settings.asShipped) {
      const c = 32;
      const url = await createDatabase(adminUrl, 'bench_hearken_limits');
      const shipped = await startHearken({ databaseUrl: url, fake, platformLimits: true, logLevel: settings.logLevel, extraEnv: settings.hearkenEnv });
      started.push(shipped);
      const result = await phase(shipped, fake.hub, c, TELEGRAM_INTAKE, true, postmasterPid, 90_000_000);
      asShipped = { customers: c, ...result.figures, note: "Telegram sender's platform limits on (1 msg/s per chat, burst 3; 20/s per bot, burst 10)" };
      log(describe('as shipped', c, result.figures));
      await Promise.all(started.splice(0).map((s) => s.process.stop()));
    }

    let profile: ProfileSummary | undefined;
    if (settings.cpuProfile) {
      const c = Math.max(...settings.concurrency.filter((n) => n <= 32), settings.concurrency[0]!);
      const dir = join(ROOT, 'bench', 'out', 'profile');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const url = await createDatabase(adminUrl, 'bench_hearken_profile');
      const profiled = await startHearken({ databaseUrl: url, fake, platformLimits: false, logLevel: settings.logLevel, extraEnv: settings.hearkenEnv, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
      started.push(profiled);
      const result = await phase(profiled, fake.hub, c, TELEGRAM_INTAKE, true, postmasterPid, 95_000_000);
      log(describe('profiled', c, result.figures));
      await Promise.all(started.splice(0).map((s) => s.process.stop()));
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        profile = summariseProfile(join(dir, file));
        log(`profile (${join('bench/out/profile', file)}), self time of busy samples by area: ${profile.byArea.map((a) => `${a.area} ${a.percent}%`).join(', ')}`);
        for (const f of profile.topFunctions) log(`  ${String(f.percent).padStart(5)}%  ${f.fn}`);
      }
    }

    // The embedded default: the web chat on PGlite (what `npm start` gives a new user) against the same process on PostgreSQL.
    const embedded: Record<string, { pglite: Figures; postgres: Figures; messagesPerSecondVsPostgres: number | null; replyP99VsPostgres: number | null }> = {};
    if (settings.embedded.length > 0) {
      const pgliteServer = await startHearkenWebchat({ logLevel: settings.logLevel });
      const postgresServer = await startHearkenWebchat({ databaseUrl: await createDatabase(adminUrl, 'bench_hearken_webchat'), logLevel: settings.logLevel });
      try {
        for (const c of settings.embedded) {
          const onPglite = await webchatPhase(pgliteServer, c, undefined);
          log(describe('embedded', c, onPglite.figures));
          const onPostgres = await webchatPhase(postgresServer, c, postmasterPid);
          log(describe('webchat pg', c, onPostgres.figures));
          embedded[String(c)] = {
            pglite: onPglite.figures,
            postgres: onPostgres.figures,
            messagesPerSecondVsPostgres: ratio(onPglite.figures.messagesPerSecond, onPostgres.figures.messagesPerSecond),
            replyP99VsPostgres: ratio(onPglite.figures.replyP99Ms, onPostgres.figures.replyP99Ms),
          };
        }
      } finally {
        await Promise.all([pgliteServer.process.stop(), postgresServer.process.stop()]);
      }
    }

    const timers = settings.timers > 0 ? await timerPhase(adminUrl, postmasterPid) : undefined;

    const ratios: Record<string, Record<string, number | null>> = {};
    for (const [c, r] of Object.entries(results)) {
      ratios[c] = {
        messagesPerSecondVsBotbuilder: ratio(r.hearken.messagesPerSecond, r.botbuilder.messagesPerSecond),
        intakesPerSecondVsBotbuilder: ratio(r.hearken.intakesPerSecond, r.botbuilder.intakesPerSecond),
        replyP50VsBotbuilder: ratio(r.hearken.replyP50Ms, r.botbuilder.replyP50Ms),
        replyP99VsBotbuilder: ratio(r.hearken.replyP99Ms, r.botbuilder.replyP99Ms),
        ackP50VsBotbuilder: ratio(r.hearken.ackP50Ms, r.botbuilder.ackP50Ms),
        cpuVsBotbuilder: ratio(r.hearken.cpuPercent, r.botbuilder.cpuPercent),
        peakRssVsBotbuilder: ratio(r.hearken.peakRssMb, r.botbuilder.peakRssMb),
        messagesPerSecondVsHttpFloor: ratio(r.hearken.messagesPerSecond, r.httpFloor.messagesPerSecond),
        replyP50VsHttpFloor: ratio(r.hearken.replyP50Ms, r.httpFloor.replyP50Ms),
        messagesPerSecondVsStoreFloor: ratio(r.hearken.messagesPerSecond, r.storeFloor.messagesPerSecond),
        messagesPerSecondVsStackFloor: ratio(r.hearken.messagesPerSecond, r.stackFloor.messagesPerSecond),
        ackP99VsStackFloor: ratio(r.hearken.ackP99Ms, r.stackFloor.ackP99Ms),
        cpuMsPerMessageVsStackFloor: ratio(r.hearken.cpuMsPerMessage ?? 0, r.stackFloor.cpuMsPerMessage ?? 0),
        messagesPerSecondVsDbFloorInserts: ratio(r.hearken.messagesPerSecond, r.dbFloor.insertsPerSecond),
      };
    }
    const runSeconds = round((performance.now() - startedAt) / 1000);
    log(`run time ${runSeconds} s`);
    const report = {
      bench: 'hearken',
      at: new Date().toISOString(),
      quick,
      machine: { cores: cpus().length, node: process.version, postgres: server ? 'started by the bench (Debian 15, loopback)' : 'DATABASE_URL' },
      settings: { ...settings, platformLimits: 'off (see asShipped)' },
      results,
      ratios,
      ...(asShipped ? { asShipped } : {}),
      ...(Object.keys(embedded).length > 0 ? { embedded } : {}),
      hearkenIdleRssMb: idleRssMb,
      ...(timers ? { timers } : {}),
      ...(profile ? { profile } : {}),
      runSeconds,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await Promise.all(started.map((s) => s.process.stop()));
    await Promise.all([fake.stop(), floorFake.stop(), connector.stop()]);
    server?.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    log(`bench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
