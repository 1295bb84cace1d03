#!/usr/bin/env node
// `npm run build`: type-checks src/ and adapters/ and emits JavaScript to
// dist/ (tsconfig.build.json), then copies the static files the adapters read
// beside their emitted modules (adapters/*/public). prompts/ and config/ are
// read from the working directory at run time (PROMPTS_DIR, POLICY_FILE), so
// they stay where they are.
//
// `--if-stale` (npm start's and npm run privacy's pre-step): builds only when
// dist/ is missing or older than a source file. A copy without src/ (the
// production image) runs its dist/ as it is; a stale dist/ without TypeScript
// installed stops with a message instead of running old code.
// Plain JavaScript on purpose: it must run where no TypeScript tooling is.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, 'BUILD');
const inputs = ['src', 'adapters', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** Newest modification time under `path` (directories count: a deleted file changes its folder). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function stale() {
  if (!existsSync(join(dist, 'src', 'main.js')) || !existsSync(stamp)) return 'dist/ is missing';
  if (!existsSync(join(root, 'src'))) return undefined;
  const built = statSync(stamp).mtimeMs;
  return inputs.some((input) => newest(join(root, input)) > built) ? 'sources changed since the last build' : undefined;
}

function tscPath() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

function build() {
  const tsc = tscPath();
  if (!tsc) {
    console.error('hearken: cannot build: TypeScript is not installed (it is a dev dependency). Run `npm install` and `npm run build` where dev dependencies are installed, then copy dist/ (the Dockerfile does this in its build stage).');
    return 1;
  }
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error('hearken: build failed: the type errors above must be fixed first (npm run typecheck shows them all).');
    return result.status ?? 1;
  }
  for (const adapter of readdirSync(join(root, 'adapters'))) {
    const assets = join(root, 'adapters', adapter, 'public');
    if (existsSync(assets)) cpSync(assets, join(dist, 'adapters', adapter, 'public'), { recursive: true });
  }
  writeFileSync(stamp, `built ${new Date().toISOString()}\n`);
  console.error(`hearken: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

if (process.argv.includes('--if-stale')) {
  const reason = stale();
  if (reason) {
    console.error(`hearken: building (${reason})`);
    process.exitCode = build();
  }
} else {
  process.exitCode = build();
}
