import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../support/test-database.ts';

/** Runs `src/main.ts` the way `npm start` does, as a child process. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForLine(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const start = Date.now();
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() - start > timeoutMs) throw new Error(`no line matching ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the service process', () => {
  it('starts, answers /healthz, and stops gracefully on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearken-proc-'));
    const url = await createTestDatabaseUrl();
    const proc = startProcess({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, ...(url ? { DATABASE_URL: url } : {}) });
    try {
      const started = await waitForLine(proc.output, /"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      const health = await fetch(`${started[1]}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok', channels: { webchat: 'ok' } });
      expect(proc.output()).toContain('"channels":["webchat"]');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain('"msg":"hearken stopped"');
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses to start on a bad variable, naming it', async () => {
    const proc = startProcess({ PORT: 'eighty' });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain('PORT');
  });

  it('refuses to start on a broken prompt file, naming the file and text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearken-prompts-'));
    const { cpSync, readFileSync } = await import('node:fs');
    cpSync('prompts', dir, { recursive: true });
    const file = join(dir, 'en', 'messages.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.steps.category.prompt;
    writeFileSync(file, JSON.stringify(json));
    const proc = startProcess({ PROMPTS_DIR: dir, DATA_DIR: 'memory://', PORT: '0', HOST: '127.0.0.1' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain(`${file}: missing text \\"steps.category.prompt\\"`);
  });
});
