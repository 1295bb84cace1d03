import { spawnSync } from 'node:child_process';
import { completeIntake } from './intake.ts';
import { freePort } from './instance.ts';

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
