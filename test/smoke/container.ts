import { spawnSync } from 'node:child_process';
import { completeIntake } from './intake.ts';
import { freePort } from '../support/loopback.ts';

type Check = (name: string, ok: boolean, detail?: string) => boolean;

/** Is a container engine answering? `docker` alone may be only the client. */
export function containerEngine(): { ok: true; version: string } | { ok: false; reason: string } {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  if (info.error) return { ok: false, reason: (info.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no docker command on this machine' : info.error.message };
  if (info.status !== 0) return { ok: false, reason: `docker info failed: ${(info.stderr || info.stdout).trim().split('\n').at(-1)}` };
  return { ok: true, version: info.stdout.trim() };
}

function docker(args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): { ok: boolean; output: string } {
  const result = spawnSync('docker', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n') };
}

/**
 * With an engine: builds the image and runs the compose file (PostgreSQL, two
 * instances, nginx) on a free port, checks /readyz and one intake through the
 * proxy, then takes it all down with its volume.
 */
export async function containerSmoke(repo: string, check: Check, log: (line: string) => void): Promise<void> {
  const tag = `hearken-smoke:${process.pid}`;
  let started = Date.now();
  const build = docker(['build', '-t', tag, '.'], {}, repo, 15 * 60_000);
  check('docker build', build.ok, build.ok ? `${((Date.now() - started) / 1000).toFixed(0)} s` : build.output);
  if (!build.ok) return;
  const inspect = docker(['image', 'inspect', tag, '--format', '{{.Config.User}} {{json .Config.Cmd}} {{json .Config.Healthcheck.Test}}'], {}, repo, 30_000);
  check('image runs node as a non-root user with a health check', inspect.ok && /^node \["node","dist\/src\/main.js"\]/.test(inspect.output) && inspect.output.includes('healthcheck'), inspect.output);
  const size = docker(['image', 'inspect', tag, '--format', '{{.Size}}'], {}, repo, 30_000);
  if (size.ok) log(`image size: ${(Number(size.output) / 1e6).toFixed(0)} MB`);
  docker(['image', 'rm', tag], {}, repo, 60_000);

  const project = `hearken-smoke-${process.pid}`;
  const port = await freePort();
  const env = { PORT: String(port), COMPOSE_PROJECT_NAME: project };
  started = Date.now();
  const up = docker(['compose', 'up', '-d', '--build', '--wait', '--wait-timeout', '180'], env, repo, 15 * 60_000);
  try {
    if (!check('docker compose up --wait (PostgreSQL, app1, app2 healthy, proxy)', up.ok, up.ok ? `${((Date.now() - started) / 1000).toFixed(0)} s` : up.output)) return;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
    check('compose: /readyz through the proxy', ready === 200, `status ${ready}`);
    const intake = await completeIntake(`http://127.0.0.1:${port}`);
    check('compose: one web chat intake through the proxy', intake.ok, intake.ok ? intake.caseNumber : intake.reason);
    started = Date.now();
    const stop = docker(['compose', 'stop', '-t', '20', 'app1', 'app2'], env, repo, 120_000);
    check('compose: app1 and app2 stop on SIGTERM', stop.ok, `${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    docker(['compose', 'down', '-v', '--rmi', 'local', '-t', '20'], env, repo, 5 * 60_000);
  }
}

/** The Dockerfile's base image; a substitute given in SMOKE_NODE_BASE is said so in every line that depends on it. */
const BASE_IMAGE = 'node:20-bookworm-slim';

function podman(args: string[], timeoutMs: number, cwd?: string): { ok: boolean; output: string; stdout: string } {
  const result = spawnSync('podman', ['--storage-driver', process.env.SMOKE_PODMAN_STORAGE_DRIVER ?? 'vfs', ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0, output: result.error ? result.error.message : output.split('\n').slice(-15).join('\n'), stdout: (result.stdout ?? '').trim() };
}

/** Is podman (daemonless, no Docker engine needed) here? */
export function podmanAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  const version = spawnSync('podman', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (version.error || version.status !== 0) return { ok: false, reason: 'no podman command on this machine' };
  return { ok: true, version: version.stdout.trim() };
}

/**
 * With podman (SMOKE_PODMAN=1; the vfs storage driver and chroot isolation,
 * so it works without a daemon, cgroups or overlay mounts): builds the real
 * Dockerfile, then runs the image on `databaseUrl` with host networking and
 * checks /readyz, the image's HEALTHCHECK (podman healthcheck run) and a
 * SIGTERM stop. Its FROM image must be in podman's storage or pullable; on
 * a machine without Docker Hub, SMOKE_NODE_BASE names a local image to tag
 * as node:20-bookworm-slim, and the output says so. docker-compose.yml is not
 * run (no compose tool here).
 */
export async function podmanSmoke(repo: string, databaseUrl: string | undefined, check: Check, log: (line: string) => void): Promise<void> {
  const substitute = process.env.SMOKE_NODE_BASE;
  const base = substitute ? `${BASE_IMAGE} SUBSTITUTED by ${substitute}` : BASE_IMAGE;
  if (substitute) {
    const tagged = podman(['tag', substitute, `localhost/${BASE_IMAGE}`], 60_000);
    if (!check(`podman: base image ${BASE_IMAGE} substituted by the local image ${substitute} (no registry with the real one here)`, tagged.ok, tagged.ok ? '' : tagged.output)) return;
  } else if (!podman(['image', 'exists', BASE_IMAGE], 60_000).ok) {
    const pull = podman(['pull', `docker.io/library/${BASE_IMAGE}`], 5 * 60_000);
    if (!check(`podman: base image ${BASE_IMAGE} pulled`, pull.ok, pull.ok ? '' : `${pull.output.split('\n').at(-1)} — set SMOKE_NODE_BASE to a local substitute`)) return;
  }
  const tag = `localhost/hearken-smoke:${process.pid}`;
  const started = Date.now();
  // --format docker: the OCI format has no HEALTHCHECK.
  const build = podman(['build', '--format', 'docker', '--isolation', 'chroot', '--pull=never', '-t', tag, '.'], 30 * 60_000, repo);
  if (!check(`podman build of the Dockerfile (FROM ${base})`, build.ok, build.ok ? `${((Date.now() - started) / 1000).toFixed(0)} s` : build.output)) return;
  try {
    const inspect = podman(['image', 'inspect', tag, '--format', '{{.Config.User}} {{json .Config.Cmd}} {{json .Config.Healthcheck.Test}} {{.Size}}'], 60_000);
    check('image: non-root user, CMD node dist/src/main.js, HEALTHCHECK', inspect.ok && /^node \["node","dist\/src\/main.js"\] \[.*healthcheck/.test(inspect.stdout), inspect.stdout);
    const size = Number(inspect.stdout.split(' ').at(-1));
    if (Number.isFinite(size)) log(`image size: ${(size / 1e6).toFixed(0)} MB (on ${base})`);
    if (!databaseUrl) return void log('podman: image not run (no PostgreSQL URL given)');
    const port = await freePort();
    const since = Date.now();
    const run = podman(['run', '-d', '--init', '--network', 'host', '--cgroups', 'disabled', '--stop-timeout', '20', '-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1', '-e', `DATABASE_URL=${databaseUrl}`, tag], 120_000);
    if (!check('podman run -d --init --network host (the image on PostgreSQL)', run.ok, run.ok ? '' : run.output)) return;
    const id = run.stdout.split('\n').at(-1)!;
    try {
      let ready = 0;
      while (Date.now() - since < 90_000 && ready !== 200) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
        if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      check('container: /readyz 200', ready === 200, ready === 200 ? `after ${((Date.now() - since) / 1000).toFixed(2)} s (podman run included)` : podman(['logs', '--tail', '20', id], 30_000).output);
      const health = podman(['healthcheck', 'run', id], 60_000);
      check("container: the image's HEALTHCHECK passes (podman healthcheck run)", health.ok, health.ok ? '' : health.output);
      const intake = await completeIntake(`http://127.0.0.1:${port}`);
      check('container: one web chat intake', intake.ok, intake.ok ? intake.caseNumber : intake.reason);
      const stopAt = Date.now();
      const stop = podman(['stop', '-t', '20', id], 60_000);
      const state = podman(['inspect', id, '--format', '{{.State.ExitCode}}'], 30_000);
      const stoppedLog = podman(['logs', '--tail', '5', id], 30_000).output;
      check('container: SIGTERM (podman stop -t 20) → exit 0, "hearken stopped"', stop.ok && state.stdout === '0' && stoppedLog.includes('hearken stopped'), `exit ${state.stdout} after ${((Date.now() - stopAt) / 1000).toFixed(1)} s`);
    } finally {
      podman(['rm', '-f', id], 60_000);
    }
  } finally {
    podman(['rmi', '-f', tag], 5 * 60_000);
  }
}
