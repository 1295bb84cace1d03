import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { Telegraf } from 'telegraf';
import { freePort } from '../test/support/loopback.ts';

/**
 * `npx tsx bench/telegram-client.ts`: CPU per Bot API call in this process,
 * for the same sendMessage (text + inline keyboard) through telegraf (its
 * node-fetch client, as the Telegram sender uses it), through Node's own
 * http client with a keep-alive agent, and through global fetch. The Bot API
 * is a minimal server in a child process, so its CPU is not counted.
 */
const port = await freePort();
const reply = JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'x' } });
const server = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end(${JSON.stringify(reply)}); }); }).listen(${port}, '127.0.0.1', () => console.log('ready'));`], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout!.once('data', resolve));

const apiRoot = `http://127.0.0.1:${port}`;
const text = 'Thank you. Please describe what happened, in your own words: what, when and where.';
const markup = { inline_keyboard: [[{ text: 'Yes', callback_data: 'consent:yes' }, { text: 'No', callback_data: 'consent:no' }]] };
const body = JSON.stringify({ chat_id: 1, text, reply_markup: markup });
const bot = new Telegraf('123:abc', { telegram: { apiRoot, webhookReply: false } });
const agent = new Agent({ keepAlive: true });

const clients: Record<string, () => Promise<unknown>> = {
  telegraf: () => bot.telegram.sendMessage(1, text, { reply_markup: markup }),
  'node http': () =>
    new Promise((resolve, reject) => {
      const req = request({ agent, host: '127.0.0.1', port, path: '/bot123:abc/sendMessage', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk));
        res.on('end', () => resolve(JSON.parse(data)));
      });
      req.on('error', reject);
      req.end(body);
    }),
  fetch: () => fetch(`${apiRoot}/bot123:abc/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json()),
};

const CALLS = 5_000;
const CONCURRENCY = 16;
for (const round of [1, 2]) {
  for (const [name, call] of Object.entries(clients)) {
    const cpu = process.cpuUsage();
    let started = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < CALLS) await call();
    }));
    const used = process.cpuUsage(cpu);
    console.log(`round ${round}  ${name.padEnd(10)} ${Math.round((used.user + used.system) / CALLS)} µs CPU per call`);
  }
}
server.kill();
process.exit(0);
