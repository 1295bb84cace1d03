import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { startApp, type AppOptions, type RunningApp } from '../../src/app/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabaseUrl } from './test-database.ts';

export interface TestApp extends RunningApp {
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
}

/**
 * Starts the real app on 127.0.0.1 with an ephemeral port and its own
 * database (PGlite in memory, or a fresh PostgreSQL database in CI).
 */
export async function startTestApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const databaseUrl = env.DATABASE_URL ?? (env.DATA_DIR ? undefined : await createTestDatabaseUrl());
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    OUTBOX_POLL_MS: '200',
    TIMER_POLL_SECONDS: '0.5',
    NODE_ENV: 'test',
    // Every test client comes from 127.0.0.1: per-address limits are tested on their own (test/security).
    WEBCHAT_SESSION_BURST: '1000000',
    WEBCHAT_UPLOAD_BURST: '1000000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = await startApp(config, { logger: createLogger(config.LOG_LEVEL, sink), ...options });
  return Object.assign(app, { logs });
}

/** The real app for one test file (arguments as startTestApp): started before its tests, stopped after them. */
export function useTestApp(...args: Parameters<typeof startTestApp>): TestApp {
  const app = {} as TestApp;
  beforeAll(async () => {
    Object.assign(app, await startTestApp(...args));
  });
  afterAll(async () => {
    await app.stop?.();
  });
  return app;
}

/** A fresh directory for a persistent embedded database (restart tests). */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'hearken-test-'));
}
