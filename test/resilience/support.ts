import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import pg from 'pg';
import { toTelegramMessages } from '../../adapters/telegram/telegram.mapper.ts';
import type { OutboundMessage } from '../../src/channels/contract.ts';
import { chatIdOf, post, TELEGRAM_INTAKE, telegramTarget, type Person } from '../../bench/customers.ts';
import type { FakeTelegram } from '../../bench/fake-telegram.ts';
import { createDatabase } from '../../bench/pg.ts';
import { freePort } from '../support/loopback.ts';
import { spawnServer, type ServerProcess } from '../../bench/process.ts';
import { benchPolicyFile } from '../../bench/targets.ts';
import { ROOT, WEBHOOK_SECRET } from '../../bench/targets.ts';

export function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the global setup sets it)');
  return url;
}

export async function freshDatabase(prefix: string): Promise<string> {
  return createDatabase(adminUrl(), `${prefix}_${randomBytes(4).toString('hex')}`);
}

export interface AppProcess {
  url: string;
  port: number;
  process: ServerProcess;
}

/** `src/main.ts` in a child process, its Telegram webhook on, the Bot API pointed at `fake`. */
export async function spawnApp(options: { databaseUrl: string; fake: FakeTelegram; port?: number; env?: Record<string, string> }): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const process = spawnServer('src/main.ts', {
    cwd: ROOT,
    keepLogs: true,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      OUTBOX_POLL_MS: '200',
      TELEGRAM_BOT_TOKEN: options.fake.token,
      TELEGRAM_API_ROOT: options.fake.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PUBLIC_URL: 'https://hearken.resilience.invalid',
      // Load, not flooding, is under test here (flooding: test/e2e/flood.test.ts).
      POLICY_FILE: benchPolicyFile(),
      ...options.env,
    },
  });
  await process.waitForLog((l) => l.msg === 'hearken started');
  return { url: `http://127.0.0.1:${port}`, port, process };
}

/**
 * Telegram customers against a webhook that may be down: each update is
 * posted until it is acknowledged (2xx), as Telegram redelivers, and the next
 * one goes out after the ack and the reply (or `replyWaitMs` without one).
 */
export class WebhookCustomers {
  /** update_id of every acknowledged update. */
  readonly acked = new Set<number>();
  readonly chats = new Set<number>();
  /** Posts refused or failed (connection refused, reset, 5xx) before the ack. */
  failedPosts = 0;
  private stopping = false;
  private running: Promise<void> | undefined;
  private nextPerson: number;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    private readonly fake: FakeTelegram,
    private url: () => string,
    private readonly options: { customers: number; replyWaitMs?: number; firstPersonId?: number },
  ) {
    this.nextPerson = options.firstPersonId ?? Math.floor(Math.random() * 1_000_000) * 10;
  }

  start(): void {
    this.running = Promise.all(Array.from({ length: this.options.customers }, () => this.customer())).then(() => undefined);
  }

  /** Stops after each customer's update in hand is acknowledged. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.agent.destroy();
  }

  private async customer(): Promise<void> {
    while (!this.stopping) {
      const person: Person = { id: (this.nextPerson += 1), extra: {} };
      const chatId = chatIdOf(person);
      this.chats.add(chatId);
      for (const step of TELEGRAM_INTAKE) {
        if (this.stopping) return;
        const before = this.fake.hub.of(`tg:${chatId}`).length;
        const { path, headers, body } = telegramTarget(this.url(), WEBHOOK_SECRET).request(person, step);
        const updateId = (JSON.parse(body) as { update_id: number }).update_id;
        for (;;) {
          const res = await post(this.agent, this.url(), path, headers, body).catch(() => undefined);
          if (res && res.status >= 200 && res.status < 300) break;
          this.failedPosts += 1;
          await new Promise((r) => setTimeout(r, 150));
        }
        this.acked.add(updateId);
        await this.fake.hub.waitForCount(`tg:${chatId}`, before + 1, this.options.replyWaitMs ?? 1_500);
      }
    }
  }
}

/** Text of an outbox payload as the fake Bot API receives it. */
export function renderedText(payload: OutboundMessage): string {
  return toTelegramMessages(payload)
    .map((m) => m.text)
    .join('\n');
}

export interface DeliveryCheck {
  outboxRows: number;
  pending: number;
  failed: number;
  delivered: number;
  /** Deliveries beyond one per outbox row. */
  duplicates: number;
  /** Chats whose outbox rows are not all found, in order, among what the fake received. */
  outOfOrderOrMissing: number[];
}

/** Compares every chat's outbox rows (in id order) with what the fake Bot API accepted for it. */
export async function checkDeliveries(databaseUrl: string, fake: FakeTelegram): Promise<DeliveryCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ conversation_key: string; payload: OutboundMessage; status: string }>(
      `SELECT conversation_key, payload, status FROM outbox WHERE channel = 'telegram' ORDER BY id`,
    );
    const byChat = new Map<number, string[]>();
    for (const row of rows) {
      const chatId = Number(row.conversation_key.split(':')[1]);
      const list = byChat.get(chatId) ?? [];
      list.push(renderedText(row.payload));
      byChat.set(chatId, list);
    }
    const outOfOrderOrMissing: number[] = [];
    let duplicates = 0;
    let delivered = 0;
    for (const [chatId, expected] of byChat) {
      const got = fake.sentTo(chatId).map((m) => m.text);
      delivered += got.length;
      duplicates += Math.max(0, got.length - expected.length);
      // Every row, in order, as a subsequence of what arrived (repeats in between are duplicates).
      let at = 0;
      for (const text of got) if (at < expected.length && text === expected[at]) at += 1;
      if (at < expected.length) outOfOrderOrMissing.push(chatId);
    }
    return {
      outboxRows: rows.length,
      pending: rows.filter((r) => r.status === 'pending').length,
      failed: rows.filter((r) => r.status === 'failed').length,
      delivered,
      duplicates,
      outOfOrderOrMissing,
    };
  } finally {
    await client.end();
  }
}

/** Waits until no outbox row is pending (or the time is up); returns how many still are. */
export async function waitForOutboxDrained(databaseUrl: string, timeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = Number((await client.query(`SELECT count(*) FROM outbox WHERE status = 'pending'`)).rows[0].count);
      if (pending === 0 || Date.now() > deadline) return pending;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.end();
  }
}

/** Delivery ids (`<bot id>:<update_id>`) the app recorded. */
export async function storedDeliveries(databaseUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ delivery_id: string }>(`SELECT delivery_id FROM inbound_deliveries WHERE channel = 'telegram'`);
    return new Set(rows.map((r) => r.delivery_id));
  } finally {
    await client.end();
  }
}

export async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
