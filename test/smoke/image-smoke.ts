import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrations } from '../../src/db/migrations/index.ts';
import { containerEngine, containerSmoke, podmanAvailable, podmanSmoke } from './container.ts';
import { completeIntake, transcriptShows } from './intake.ts';
import { startInstance, stopInstance, untilReady, type Instance } from './instance.ts';
import { baseEnv, replayImage, type ReplayedImage } from './replay.ts';

/**
 * `npm run test:smoke -- --database-url <PostgreSQL admin URL> [--json <file>]`
 * (CI: .ci/run). Replays the Dockerfile in a clean temporary copy (build
 * stage with every dependency, runtime stage with `npm ci --omit=dev`), then
 * runs the image's CMD: on the embedded database (fresh, then existing), and
 * on a fresh PostgreSQL database as two instances starting at once (the
 * migration lock), with one web chat intake and SIGTERM stops. Prints each
 * check, the start-up figures, and "smoke: N passed, N failed".
 */
const STOP_LIMIT_MS = 20_000; // docker-compose.yml's stop_grace_period
const EXISTING_EMBEDDED_TARGET_MS = 3_000;

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const adminUrl = option('--database-url') ?? process.env.SMOKE_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const jsonOut = option('--json');

const checks: Array<{ name: string; ok: boolean }> = [];
const figures: string[] = [];
const stepTimes: string[] = [];
const log = (line: string) => console.log(`smoke: ${line}`);
function check(name: string, ok: boolean, detail = ''): boolean {
  checks.push({ name, ok });
  console.log(`smoke: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function run(image: ReplayedImage, name: string, env: Record<string, string>): Promise<{ instance: Instance; ready: boolean; ms: number; cpu: string }> {
  const since = Date.now();
  const instance = await startInstance({ name, command: image.cmd, cwd: image.dir, env: { ...image.env, LOG_LEVEL: 'info', ...env } });
  const ready = await untilReady(instance, since);
  if (!ready.ok) console.log(`smoke: ${name} output:\n  ${instance.output.slice(-20).join('\n  ')}`);
  check(`${name}: /readyz 200`, ready.ok, ready.ok ? `after ${seconds(ready.ms)}` : ready.reason);
  const cpu = ready.ok && ready.cpu !== undefined ? `, ${ready.cpu.toFixed(2)} s CPU` : '';
  return { instance, ready: ready.ok, ms: ready.ok ? ready.ms : Number.NaN, cpu };
}

async function stop(instance: Instance, note = ''): Promise<void> {
  const stopped = await stopInstance(instance, STOP_LIMIT_MS);
  check(`${instance.name}: SIGTERM${note} → exit 0 within ${STOP_LIMIT_MS / 1000} s`, stopped.code === 0 && !stopped.killed, `code ${stopped.code}${stopped.signal ? ` signal ${stopped.signal}` : ''} after ${seconds(stopped.ms)}${stopped.killed ? ' (SIGKILLed)' : ''}`);
}

function imageChecks(image: ReplayedImage): void {
  check('CMD runs node on the built files, not npm', image.cmd[0] === 'node' && /^dist\/.*\.js$/.test(image.cmd[1] ?? ''), JSON.stringify(image.cmd));
  check('runtime stage has no TypeScript tooling', !['typescript', 'tsx', 'vitest'].some((p) => existsSync(join(image.dir, 'node_modules', p))) && !existsSync(join(image.dir, 'src')));
  check('runtime runs as a non-root user', image.user !== undefined && image.user !== 'root' && image.user !== '0', `USER ${image.user}`);
  check('no .env in the build context', !existsSync(join(image.dir, '..', 'context', '.env')));
  for (const step of image.notReplayed) log(`not replayed here (needs the image): ${step}`);
  const size = spawnSync('du', ['-sm', join(image.dir, 'node_modules'), join(image.dir, 'dist')], { encoding: 'utf8' });
  if (size.status === 0) log(`runtime stage sizes (MB): ${size.stdout.trim().replace(/\s+\/\S*\//g, ' ').replace(/\n/g, ', ')}`);
}

async function embedded(image: ReplayedImage): Promise<void> {
  const fresh = await run(image, 'embedded database, fresh', {});
  if (fresh.ready) {
    figures.push(`embedded database (PGlite), fresh:      ${seconds(fresh.ms)}${fresh.cpu}`);
    const health = spawnSync(image.healthcheck?.[0] === 'node' ? process.execPath : (image.healthcheck?.[0] ?? 'false'), image.healthcheck?.slice(1) ?? [], {
      cwd: image.dir,
      env: { ...baseEnv(), ...image.env, PORT: String(fresh.instance.port) },
      timeout: 10_000,
    });
    check('HEALTHCHECK command exits 0', health.status === 0, JSON.stringify(image.healthcheck));
    const page = await fetch(`${fresh.instance.url}/`).then(async (r) => ({ status: r.status, body: await r.text() }), () => ({ status: 0, body: '' }));
    const widget = await fetch(`${fresh.instance.url}/widget.js`).then((r) => r.status, () => 0);
    check('web chat page and widget served from the built files', page.status === 200 && page.body.includes('<html') && widget === 200, `/ ${page.status}, /widget.js ${widget}`);
  }
  await stop(fresh.instance);
  // The reports page reads its files at start: a token turns it on.
  const existing = await run(image, 'embedded database, existing (reports page on)', { REPORTS_TOKEN: 'smoke-reports-token-0123456789' });
  if (existing.ready) {
    const met = existing.ms < EXISTING_EMBEDDED_TARGET_MS;
    figures.push(`embedded database (PGlite), existing:   ${seconds(existing.ms)}${existing.cpu} (target < ${seconds(EXISTING_EMBEDDED_TARGET_MS)}: ${met ? 'met' : 'missed'})`);
    const css = await fetch(`${existing.instance.url}/reports/assets/reports.css`).then((r) => r.status, () => 0);
    log(`reports asset /reports/assets/reports.css → ${css}`);
  }
  await stop(existing.instance);
  // npm's pre-step in a production copy (no src/, no TypeScript) runs the built CLI as it is.
  const privacy = spawnSync('npm', ['run', '--silent', 'privacy', '--', 'export', 'case', 'C-2026-999999'], { cwd: image.dir, env: { ...baseEnv(), ...image.env }, encoding: 'utf8', timeout: 60_000 });
  const said = `${privacy.stdout}${privacy.stderr}`.trim();
  check('npm run privacy in the production copy runs the built CLI on the database', privacy.status === 1 && said.includes('No customer found'), `exit ${privacy.status}: ${said.split('\n').at(-1)}`);
}

async function postgres(image: ReplayedImage, admin: string): Promise<void> {
  const name = `hearken_smoke_${Date.now()}_${process.pid}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString() };
  const running: Instance[] = [];
  try {
    // As compose starts them: both at once on an empty database; the migrator's lock lets one migrate.
    const [a, b] = await Promise.all([run(image, 'PostgreSQL instance 1, fresh database', env), run(image, 'PostgreSQL instance 2, same database, same moment', env)]);
    running.push(a.instance, b.instance);
    if (a.ready && b.ready) figures.push(`PostgreSQL, fresh database, two at once: ${seconds(a.ms)}${a.cpu} and ${seconds(b.ms)}${b.cpu}`);
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const applied = await db.query<{ n: string }>('SELECT count(*) AS n FROM kysely_migration').then((r) => Number(r.rows[0]?.n), () => -1);
    await db.end();
    check('migrations applied once with two instances starting together', a.ready && b.ready && applied === Object.keys(migrations).length, `${applied} of ${Object.keys(migrations).length} recorded`);
    if (!a.ready || !b.ready) return;

    const intake = await completeIntake(a.instance.url);
    check('web chat intake on instance 1 ("talk to a person" → case number)', intake.ok, intake.ok ? `${intake.caseNumber} in ${seconds(intake.ms)}` : intake.reason);
    if (intake.ok) check('instance 2 shows the same transcript', await transcriptShows(b.instance.url, intake.token, intake.caseNumber));

    await stop(a.instance);
    running.splice(running.indexOf(a.instance), 1);
    const again = await run(image, 'PostgreSQL instance 1 again, existing database', env);
    running.push(again.instance);
    if (again.ready) figures.push(`PostgreSQL, existing database:          ${seconds(again.ms)}${again.cpu}`);
    if (intake.ok) {
      // A visitor waiting on a long poll (up to 25 s) must not hold the stop up.
      const poll = fetch(`${b.instance.url}/webchat/messages?after=999999999&wait=25`, { headers: { authorization: `Bearer ${intake.token}` } }).then(
        (r) => `answered ${r.status}`,
        () => 'connection closed',
      );
      await new Promise((r) => setTimeout(r, 300)); // let the poll reach the server
      running.splice(running.indexOf(b.instance), 1);
      await stop(b.instance, ' with a web chat long poll open');
      log(`the open long poll: ${await poll}`);
    }
  } finally {
    await Promise.all(running.map((instance) => stop(instance)));
    await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await adminClient.end();
  }
}

/** A fresh PostgreSQL database for `body`, dropped afterwards; undefined without an admin URL. */
async function withFreshDatabase(admin: string | undefined, body: (url: string | undefined) => Promise<void>): Promise<void> {
  if (!admin) return body(undefined);
  const name = `hearken_smoke_image_${Date.now()}_${process.pid}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  try {
    await body(url.toString());
  } finally {
    await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await adminClient.end();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'hearken-smoke-'));
  log(`replaying the Dockerfile without Docker in ${work}`);
  try {
    const replay = replayImage({ repo, work, log });
    for (const r of replay.ok ? replay.image.runs : replay.runs) stepTimes.push(`${seconds(r.ms).padStart(8)}  RUN ${r.command}`);
    if (!check('image steps replayed (build stage npm ci + npm run build, runtime npm ci --omit=dev)', replay.ok, replay.ok ? '' : replay.reason) || !replay.ok) return 1;
    imageChecks(replay.image);
    await embedded(replay.image);
    if (check('PostgreSQL admin URL given (--database-url, SMOKE_DATABASE_URL or TEST_DATABASE_URL)', adminUrl !== undefined)) await postgres(replay.image, adminUrl!);
  } catch (error) {
    check('smoke test ran to the end', false, (error as Error).stack ?? String(error));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const engine = containerEngine();
  if (engine.ok) {
    log(`container engine ${engine.version}: building the image and running docker-compose.yml`);
    await containerSmoke(repo, check, log);
  } else {
    const podman = podmanAvailable();
    if (podman.ok && process.env.SMOKE_PODMAN === '1') {
      log(`no Docker engine (${engine.reason}); ${podman.version}: building the Dockerfile and running the image (compose not run)`);
      await withFreshDatabase(adminUrl, (url) => podmanSmoke(repo, url, check, log));
    } else
      log(
        `image build and compose SKIPPED: no container engine (${engine.reason})${podman.ok ? `; ${podman.version} is here: SMOKE_PODMAN=1 builds and runs the image with it (minutes; SMOKE_NODE_BASE=<local image> where Docker Hub is out of reach)` : ''}; the image's steps were replayed above without Docker`,
      );
  }

  console.log('smoke: image steps replayed (wall time):');
  for (const step of stepTimes) console.log(`smoke:   ${step}`);
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`smoke: start-up, process start → /readyz 200 (load average ${load} on ${availableParallelism()} cores):`);
  for (const figure of figures) console.log(`smoke:   ${figure}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`smoke: ${checks.length - failed} passed, ${failed} failed in ${seconds(Date.now() - started)}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ numPassedTests: checks.length - failed, numFailedTests: failed, numTotalTests: checks.length, checks }));
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
