import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { Telegraf } from 'telegraf';

/**
 * The stack floor: the store-and-ack floor (bench/baselines/http-floor.ts
 * with a database) built from the parts hearken is built from — an express
 * route with express.json, the update id committed through Kysely on a pg
 * pool of 10, the reply sent through telegraf's Bot API client — and
 * nothing else: no conversation, no case, no outbox. What these libraries
 * cost for the least a message needs, on this machine.
 */
const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const secret = Buffer.from(process.env.TELEGRAM_WEBHOOK_SECRET ?? '');
const db = new Kysely<{ floor_deliveries: { update_id: number } }>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 }) }),
});
await sql`CREATE TABLE IF NOT EXISTS floor_deliveries (update_id bigint PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`.execute(db);
const bot = new Telegraf(token, { telegram: { apiRoot: process.env.TELEGRAM_API_ROOT, webhookReply: false } });

const app = express();
app.post('/telegram/webhook', (req, res, next) => {
  const given = Buffer.from(req.get('x-telegram-bot-api-secret-token') ?? '');
  if (given.length !== secret.length || !timingSafeEqual(given, secret)) {
    res.status(403).end();
    return;
  }
  next();
}, express.json({ limit: '1mb' }), async (req, res) => {
  const update = req.body as { update_id?: number; message?: { chat?: { id?: number } }; callback_query?: { from?: { id?: number } } };
  if (typeof update?.update_id !== 'number') {
    res.status(400).end();
    return;
  }
  await db.insertInto('floor_deliveries').values({ update_id: update.update_id }).onConflict((oc) => oc.doNothing()).execute();
  res.status(200).end();
  const chatId = update.message?.chat?.id ?? update.callback_query?.from?.id;
  if (typeof chatId === 'number') bot.telegram.sendMessage(chatId, 'Thank you, noted. What is next?').catch(() => undefined);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port: (server.address() as AddressInfo).port })}\n`);
});
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
