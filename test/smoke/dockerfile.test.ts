import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerignore, parseDockerfile, readDockerfile } from './dockerfile.ts';

const [build, runtime] = readDockerfile('Dockerfile');
const steps = (stage: typeof build) => stage?.steps ?? [];

describe('the production image (Dockerfile)', () => {
  it('builds with every dependency, runs with production dependencies only', () => {
    expect(build?.name).toBe('build');
    const buildRuns = steps(build).flatMap((s) => (s.op === 'RUN' ? [s.command] : []));
    expect(buildRuns).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b(?!.*--omit=dev)/), 'npm run build']));
    const runtimeRuns = steps(runtime).flatMap((s) => (s.op === 'RUN' ? [s.command] : []));
    expect(runtimeRuns).toContainEqual(expect.stringMatching(/^npm ci --omit=dev\b/));
    const copiedFromBuild = steps(runtime).flatMap((s) => (s.op === 'COPY' && s.from === 'build' ? s.sources : []));
    expect(copiedFromBuild).toEqual(['/app/dist']);
    expect(steps(runtime).flatMap((s) => (s.op === 'COPY' && !s.from ? s.sources : []))).not.toContain('src');
  });

  it('starts node on the built files as a non-root user, with a health check and no secrets', () => {
    expect(steps(runtime).find((s) => s.op === 'CMD')).toEqual({ op: 'CMD', command: ['node', 'dist/src/main.js'] });
    expect(steps(runtime).find((s) => s.op === 'HEALTHCHECK')).toEqual({ op: 'HEALTHCHECK', command: ['node', 'deploy/healthcheck.mjs'] });
    expect(steps(runtime).find((s) => s.op === 'USER')).toEqual({ op: 'USER', value: 'node' });
    const env = steps(runtime).flatMap((s) => (s.op === 'ENV' ? [s.name] : []));
    expect(env).toEqual(['NODE_ENV']);
  });

  it('gives the graceful stop more time than its hard limit in src/main.ts', () => {
    const limit = /setTimeout\(\(\) => process\.exit\(1\), ([\d_]+)\)/.exec(readFileSync('src/main.ts', 'utf8'));
    const grace = /stop_grace_period: (\d+)s/.exec(readFileSync('docker-compose.yml', 'utf8'));
    expect(limit && grace).toBeTruthy();
    expect(Number(grace![1]) * 1000).toBeGreaterThan(Number(limit![1]!.replaceAll('_', '')));
  });

  it("compose runs the image's own command, health check and init", () => {
    const compose = readFileSync('docker-compose.yml', 'utf8');
    // app1 and app2 are both this anchor.
    const hearken = compose.slice(compose.indexOf('x-hearken:'), compose.indexOf('\nservices:'));
    expect(compose).toMatch(/^ {2}app1: \*hearken$/m);
    expect(compose).toMatch(/^ {2}app2: \*hearken$/m);
    expect(hearken).not.toMatch(/^\s*(command|entrypoint|healthcheck):/m);
    expect(hearken).toMatch(/^\s*build: \.$/m);
    expect(hearken).toMatch(/^\s*init: true$/m);
    expect(compose.match(/condition: service_healthy/g)).toHaveLength(3);
  });

  it('keeps secrets, local data and host builds out of the build context', () => {
    const ignored = dockerignore(readFileSync('.dockerignore', 'utf8'));
    for (const path of ['.env', '.env.production', 'config/.env', 'data/base/1', 'node_modules/x/index.js', 'adapters/x/node_modules/y', 'dist/src/main.js', '.git/HEAD']) expect(ignored(path), path).toBe(true);
    for (const path of ['package.json', 'package-lock.json', 'src/main.ts', 'adapters/webchat/public/index.html', 'prompts/intake.flow.json', 'config/policy.json', 'deploy/build.mjs', 'tsconfig.build.json']) expect(ignored(path), path).toBe(false);
  });
});

describe("the smoke test's Dockerfile reader", () => {
  it('refuses what it cannot replay instead of ignoring it', () => {
    expect(() => parseDockerfile('FROM node\nCMD npm start')).toThrow(/exec form/);
    expect(() => parseDockerfile('FROM node\nVOLUME /data')).toThrow(/does not understand VOLUME/);
    expect(() => dockerignore('!keep.me')).toThrow(/exceptions/);
  });

  it('joins continued lines and drops cache mounts from RUN', () => {
    const [stage] = parseDockerfile('FROM node:20 AS b\n# note\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n  --omit=dev\n');
    expect(stage).toEqual({ name: 'b', image: 'node:20', steps: [{ op: 'RUN', command: 'npm ci --omit=dev' }] });
  });
});
