import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { telegramTarget, type ScriptStep, type Target } from './customers.ts';
import type { FakeTelegram } from './fake-telegram.ts';
import { spawnServer, type ServerProcess } from './process.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEBHOOK_SECRET = 'bench-secret_0123456789';

export interface RunningTarget {
  target: Target;
  process: ServerProcess;
}

/** The shipped policy with the per-customer flood limit lifted. */
export function benchPolicyFile(): string {
  const policy = JSON.parse(readFileSync(join(ROOT, 'config', 'policy.json'), 'utf8'));
  policy.intake = { ...policy.intake, floodBurst: 1_000_000, floodPerSecond: 1_000_000 };
  const path = join(mkdtempSync(join(tmpdir(), 'hearken-bench-policy-')), 'policy.json');
  writeFileSync(path, JSON.stringify(policy));
  return path;
}

/** hearken in its own process, on a fresh database, its Telegram channel pointed at the fake. */
export async function startHearken(options: {
  databaseUrl: string;
  fake: FakeTelegram;
  platformLimits: boolean;
  logLevel?: string;
  nodeArgs?: string[];
  entry?: string;
  extraEnv?: Record<string, string>;
}): Promise<RunningTarget> {
  const process = spawnServer(options.entry ?? 'bench/app-entry.mjs', {
    cwd: ROOT,
    nodeArgs: options.nodeArgs,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: options.logLevel ?? 'info',
      DATABASE_URL: options.databaseUrl,
      TELEGRAM_BOT_TOKEN: options.fake.token,
      TELEGRAM_API_ROOT: options.fake.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PUBLIC_URL: 'https://hearken.bench.invalid',
      BENCH_PLATFORM_LIMITS: options.platformLimits ? 'on' : 'off',
      // Simulated customers answer as fast as replies come: the per-customer flood limit is lifted.
      POLICY_FILE: benchPolicyFile(),
      ...options.extraEnv,
    },
  });
  const started = await process.waitForLog((l) => l.msg === 'hearken started');
  await process.waitForLog((l) => l.msg === 'telegram webhook registered', 20_000).catch(() => undefined);
  const url = `http://127.0.0.1:${String(started.port)}`;
  return { target: telegramTarget(url, WEBHOOK_SECRET), process };
}

/**
 * The HTTP floor: a webhook handler that answers and sends one reply, no
 * database. With `databaseUrl`, the store-and-ack floor: one INSERT of the
 * update id committed before the answer. With `stack` too, the same built
 * from hearken's libraries (express, Kysely, telegraf's client).
 */
export async function startHttpFloor(fake: FakeTelegram, options: { databaseUrl?: string; nodeArgs?: string[]; stack?: boolean } = {}): Promise<RunningTarget> {
  const process = spawnServer(options.stack ? 'bench/baselines/stack-floor.ts' : 'bench/baselines/http-floor.ts', {
    cwd: ROOT,
    nodeArgs: options.nodeArgs ?? [],
    env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, ...(options.databaseUrl ? { FLOOR_DATABASE_URL: options.databaseUrl } : {}) },
  });
  const ready = await process.waitForLog((l) => l.msg === 'ready');
  return { target: telegramTarget(`http://127.0.0.1:${String(ready.port)}`, WEBHOOK_SECRET), process };
}

/** The same intake as the Bot Framework samples would answer it (texts and buttons typed as Web Chat sends them). */
export const BOTFRAMEWORK_INTAKE: readonly ScriptStep[] = [
  { kind: 'text', value: 'Hello', expect: /Do you agree\?/ },
  { kind: 'text', value: 'Yes', expect: /What is your complaint about\?/ },
  { kind: 'text', value: 'Product quality', expect: /describe what happened/ },
  { kind: 'text', value: 'The washing machine leaks water from the door after two weeks.', expect: /When and where/ },
  { kind: 'text', value: '3 November, at home in Leeds', expect: /order or product number/ },
  { kind: 'text', value: 'ORD-552211', expect: /photos or documents/ },
  { kind: 'text', value: 'Skip', expect: /What would you like us to do\?/ },
  { kind: 'text', value: 'Refund', expect: /phone number or an e-mail/ },
  { kind: 'text', value: 'alice@example.com', expect: /Shall I submit it\?/ },
  { kind: 'text', value: 'Yes', expect: /registered as case C-\d{4}-\d+/ },
];

/** The botbuilder-dialogs baseline bot (bench/baseline-botbuilder) on a fresh database. */
export async function startBotbuilderBaseline(options: { databaseUrl: string; connectorUrl: string; nodeArgs?: string[] }): Promise<RunningTarget> {
  const process = spawnServer('bench/baseline-botbuilder/bot.ts', {
    cwd: ROOT,
    nodeArgs: options.nodeArgs,
    env: { DATABASE_URL: options.databaseUrl, NODE_ENV: 'production' },
  });
  const ready = await process.waitForLog((l) => l.msg === 'ready');
  const url = `http://127.0.0.1:${String(ready.port)}`;
  let activity = 0;
  const target: Target = {
    name: 'botframework',
    url,
    conversation: (person) => `bf:conv-${person.id}`,
    request(person, step) {
      activity += 1;
      const body = {
        type: 'message',
        id: `a${activity}-${randomUUID().slice(0, 8)}`,
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: options.connectorUrl,
        from: { id: `user-${person.id}`, name: `Alice Example${person.id}`, role: 'user' },
        recipient: { id: 'bot', name: 'baseline', role: 'bot' },
        conversation: { id: `conv-${person.id}` },
        locale: 'en-US',
        text: step.value,
      };
      return { path: '/api/messages', headers: {}, body: JSON.stringify(body) };
    },
  };
  return { target, process };
}

/**
 * hearken with only its web chat, as `npm start` runs it on a fresh machine:
 * the embedded database (PGlite in `dataDir`), or PostgreSQL when
 * `databaseUrl` is given — the same process either way, for the embedded
 * ratio. New chats per address are not limited (every simulated visitor
 * comes from 127.0.0.1).
 */
export async function startHearkenWebchat(options: { databaseUrl?: string; dataDir?: string; logLevel?: string; nodeArgs?: string[] }): Promise<{ url: string; process: ServerProcess }> {
  const process = spawnServer('bench/app-entry.mjs', {
    cwd: ROOT,
    nodeArgs: options.nodeArgs,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: options.logLevel ?? 'info',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATA_DIR: options.dataDir ?? mkdtempSync(join(tmpdir(), 'hearken-bench-pglite-')) }),
      WEBCHAT_SESSION_BURST: '1000000',
      WEBCHAT_SESSIONS_PER_HOUR: '1000000',
      POLICY_FILE: benchPolicyFile(),
    },
  });
  const started = await process.waitForLog((l) => l.msg === 'hearken started', 120_000);
  return { url: `http://127.0.0.1:${String(started.port)}`, process };
}
