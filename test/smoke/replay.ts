import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { dockerignore, readDockerfile, type Stage } from './dockerfile.ts';

/**
 * The Dockerfile's stages replayed in temporary folders, without Docker: the
 * build context is the repository minus .dockerignore, each stage's WORKDIR is
 * a folder of its own, COPY and ENV do what they do in the image, and RUN
 * steps that are npm commands run as written. System steps (users, file
 * owners) are listed as not replayed: they need the image.
 */
export interface ReplayedImage {
  /** The final stage's WORKDIR: where the image's CMD runs. */
  dir: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[] | undefined;
  user: string | undefined;
  notReplayed: string[];
  runs: Array<{ command: string; ms: number }>;
}

export type ReplayResult = { ok: true; image: ReplayedImage } | { ok: false; reason: string; runs: Array<{ command: string; ms: number }> };

/** Copies the build context: every file of `repo` not excluded by its .dockerignore. */
export function copyContext(repo: string, target: string): number {
  const ignorePath = join(repo, '.dockerignore');
  const ignored = dockerignore(existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '');
  let files = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(repo, path).split('\\').join('/');
      if (ignored(rel)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        mkdirSync(dirname(join(target, rel)), { recursive: true });
        cpSync(path, join(target, rel));
        files += 1;
      }
    }
  };
  walk(repo);
  return files;
}

/**
 * A clean environment for replayed commands: `npm run` exports npm_config_*
 * (among them the repository as local prefix), which must not reach the copy.
 * The registry and proxies are kept: the machine's network setup, not the app's.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && /^(npm_config_registry|NPM_CONFIG_REGISTRY|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$/.test(name)) env[name] = value;
  }
  return env;
}

/** Where an image path lands in this replay: `workdir` (e.g. /app) maps to `dir`. */
function mapPath(path: string, workdir: string, dir: string): string {
  const absolute = posix.isAbsolute(path) ? path : posix.join(workdir, path);
  const rel = posix.relative(workdir, absolute);
  if (rel.startsWith('..')) throw new Error(`${path} is outside WORKDIR ${workdir}: the smoke test cannot replay it`);
  return join(dir, rel);
}

function copy(source: string, dest: string, destIsDir: boolean): void {
  if (!existsSync(source)) throw new Error(`COPY source ${source} does not exist (excluded by .dockerignore?)`);
  if (statSync(source).isDirectory()) cpSync(source, dest, { recursive: true });
  else {
    const target = destIsDir ? join(dest, basename(source)) : dest;
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target);
  }
}

export function replayImage(options: { repo: string; work: string; dockerfile?: string; log: (line: string) => void }): ReplayResult {
  const stages = readDockerfile(options.dockerfile ?? join(options.repo, 'Dockerfile'));
  const context = join(options.work, 'context');
  const files = copyContext(options.repo, context);
  options.log(`build context: ${files} files (after .dockerignore)`);
  const done = new Map<string, { dir: string; workdir: string }>();
  const runs: Array<{ command: string; ms: number }> = [];
  let last: ReplayedImage | undefined;
  for (const [index, stage] of stages.entries()) {
    const result = replayStage(stage, index, { context, work: options.work, done, runs, log: options.log });
    if (!result.ok) return { ok: false, reason: result.reason, runs };
    last = result.image;
  }
  if (!last) return { ok: false, reason: 'the Dockerfile has no stage', runs };
  return { ok: true, image: last };
}

function replayStage(
  stage: Stage,
  index: number,
  shared: { context: string; work: string; done: Map<string, { dir: string; workdir: string }>; runs: Array<{ command: string; ms: number }>; log: (line: string) => void },
): { ok: true; image: ReplayedImage } | { ok: false; reason: string } {
  const dir = join(shared.work, `stage-${stage.name ?? index}`);
  mkdirSync(dir, { recursive: true });
  let workdir = '/';
  const env: Record<string, string> = {};
  const image: ReplayedImage = { dir, env, cmd: [], healthcheck: undefined, user: undefined, notReplayed: [], runs: shared.runs };
  shared.log(`stage ${stage.name ?? index} (FROM ${stage.image}) in ${dir}`);
  for (const step of stage.steps) {
    if (step.op === 'WORKDIR') workdir = posix.resolve(workdir, step.path);
    else if (step.op === 'ENV') env[step.name] = step.value;
    else if (step.op === 'COPY') {
      const destIsDir = step.dest.endsWith('/') || step.dest === '.' || step.sources.length > 1;
      const dest = mapPath(step.dest, workdir, dir);
      for (const source of step.sources) {
        if (step.from) {
          const from = shared.done.get(step.from);
          if (!from) return { ok: false, reason: `COPY --from=${step.from}: no such stage before this one` };
          copy(mapPath(source, from.workdir, from.dir), dest, destIsDir);
        } else copy(join(shared.context, source), dest, destIsDir);
      }
    } else if (step.op === 'RUN') {
      if (!/^npm\s/.test(step.command)) {
        image.notReplayed.push(`RUN ${step.command}`);
        continue;
      }
      const started = Date.now();
      shared.log(`RUN ${step.command}`);
      const result = spawnSync('sh', ['-c', step.command], {
        cwd: dir,
        env: { ...baseEnv(), ...env },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      shared.runs.push({ command: step.command, ms: Date.now() - started });
      if (result.status !== 0) {
        const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
        return { ok: false, reason: `RUN ${step.command} exited ${result.status}:\n${tail}` };
      }
    } else if (step.op === 'USER') image.user = step.value;
    else if (step.op === 'HEALTHCHECK') image.healthcheck = step.command;
    else if (step.op === 'CMD') image.cmd = step.command;
  }
  shared.done.set(stage.name ?? String(index), { dir, workdir });
  return { ok: true, image };
}
