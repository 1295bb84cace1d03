import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** A copy of the project as production has it: deploy/build.mjs, dist/, no TypeScript installed. */
function productionCopy(options: { src: boolean; dist: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-build-'));
  mkdirSync(join(dir, 'deploy'));
  cpSync('deploy/build.mjs', join(dir, 'deploy', 'build.mjs'));
  if (options.dist) {
    mkdirSync(join(dir, 'dist', 'src'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'src', 'main.js'), '');
    writeFileSync(join(dir, 'dist', 'BUILD'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'dist', 'BUILD'), past, past);
  }
  if (options.src) {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.ts'), '');
  }
  return dir;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function ifStale(dir: string) {
  dirs.push(dir);
  return spawnSync(process.execPath, [join(dir, 'deploy', 'build.mjs'), '--if-stale'], { cwd: dir, encoding: 'utf8' });
}

describe("npm start's pre-step (deploy/build.mjs --if-stale)", () => {
  it('runs the built files as they are where there are no sources (the image)', () => {
    const result = ifStale(productionCopy({ src: false, dist: true }));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('refuses to run a dist/ older than its sources where TypeScript is not installed', () => {
    const result = ifStale(productionCopy({ src: true, dist: true }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sources changed since the last build');
    expect(result.stderr).toContain('TypeScript is not installed');
  });

  it('refuses when dist/ is missing and cannot be built', () => {
    const result = ifStale(productionCopy({ src: true, dist: false }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('dist/ is missing');
  });
});
