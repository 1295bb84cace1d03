import { timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/**
 * The HTTP floor: a Telegram webhook handler that checks the secret, parses
 * the update, answers 200 and sends one reply to the Bot API, with no
 * database, no framework and no SDK. What Node itself costs for one
 * customer message on this machine.
 *
 * With FLOOR_DATABASE_URL it is the store-and-ack floor: before answering,
 * the update's id is committed to PostgreSQL (one autocommit INSERT … ON
 * CONFLICT DO NOTHING from a pool of 10, hearken's default pool size) —
 * the least any design does that never acknowledges a message it has not
 * stored.
 */
const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const databaseUrl = process.env.FLOOR_DATABASE_URL;
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : undefined;
if (pool) await pool.query('CREATE TABLE IF NOT EXISTS floor_deliveries (update_id bigint PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())');
const apiRoot = new URL(process.env.TELEGRAM_API_ROOT ?? 'http://127.0.0.1:1');
const secret = Buffer.from(process.env.TELEGRAM_WEBHOOK_SECRET ?? '');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function sendReply(chatId: number): void {
  const body = JSON.stringify({ chat_id: chatId, text: 'Thank you, noted. What is next?' });
  const req = request(
    { agent, host: apiRoot.hostname, port: apiRoot.port, method: 'POST', path: `/bot${token}/sendMessage`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
    (res) => res.resume(),
  );
  req.on('error', () => undefined);
  req.end(body);
}

const server = createServer((req, res) => {
  const given = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
  if (req.method !== 'POST' || req.url !== '/telegram/webhook' || given.length !== secret.length || !timingSafeEqual(given, secret)) {
    res.writeHead(403).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let update: { update_id?: number; message?: { chat?: { id?: number } }; callback_query?: { from?: { id?: number } } };
    try {
      update = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const chatId = update.message?.chat?.id ?? update.callback_query?.from?.id;
    const answer = () => {
      res.writeHead(200).end();
      if (typeof chatId === 'number') sendReply(chatId);
    };
    if (!pool) return answer();
    pool.query('INSERT INTO floor_deliveries (update_id) VALUES ($1) ON CONFLICT DO NOTHING', [update.update_id]).then(answer, () => res.writeHead(500).end());
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
setTimeout(() => undefined, 2 ** 31 - 1);
