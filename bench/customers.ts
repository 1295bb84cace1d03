import { Agent, request } from 'node:http';
import type { ReplyHub } from './reply-hub.ts';
import { summarise, type LatencySummary } from './stats.ts';

/**
 * Simulated customers doing whole intakes. Each customer sends its next
 * answer only after the bot's reply to the previous one arrived at the
 * platform fake AND its own HTTP request was answered; a finished intake is
 * followed by a new one from a new person, until the time is up.
 */

/** One customer message of an intake and, optionally, what the reply must say. */
export interface ScriptStep {
  kind: 'text' | 'choice';
  value: string;
  expect?: RegExp;
}

/** A channel entry point as seen by a customer. */
export interface Target {
  name: string;
  url: string;
  /** The HTTP path and body for `step` sent by `person`. */
  request(person: Person, step: ScriptStep): { path: string; headers: Record<string, string>; body: string };
  /** Key under which the platform fake files this person's replies. */
  conversation(person: Person): string;
}

export interface Person {
  /** Unique within a run. */
  id: number;
  /** Set by the target when it needs per-person data (Bot Framework conversation id). */
  extra: Record<string, string>;
}

export interface LoadOptions {
  customers: number;
  /** Not recorded: lets caches, pools and JITs warm up. */
  warmupMs: number;
  durationMs: number;
  script: readonly ScriptStep[];
  /** A reply that does not come within this is an error; the customer gives up the intake. */
  replyTimeoutMs?: number;
  /** Check replies against the script's `expect` (off for floors that answer anything). */
  verify?: boolean;
  firstPersonId?: number;
}

export interface LoadResult {
  customers: number;
  seconds: number;
  messages: number;
  messagesPerSecond: number;
  intakes: number;
  intakesPerSecond: number;
  ack: LatencySummary;
  reply: LatencySummary;
  errors: { http: number; timeouts: number; unexpected: number; firstSamples: string[] };
  /** Every acknowledged (2xx) inbound, warm-up included: the database must hold them all. */
  acknowledged: number;
}

export async function runCustomers(target: Target, hub: ReplyHub, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.customers + 4 });
  const replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
  const start = performance.now();
  const recordFrom = start + options.warmupMs;
  const end = recordFrom + options.durationMs;
  const ackLatencies: number[] = [];
  const replyLatencies: number[] = [];
  const errors: LoadResult['errors'] = { http: 0, timeouts: 0, unexpected: 0, firstSamples: [] };
  let messages = 0;
  let intakes = 0;
  let acknowledged = 0;
  let nextPerson = options.firstPersonId ?? 1;
  const note = (sample: string) => {
    if (errors.firstSamples.length < 5) errors.firstSamples.push(sample.slice(0, 300));
  };

  async function oneIntake(): Promise<void> {
    const person: Person = { id: nextPerson++, extra: {} };
    const conversation = target.conversation(person);
    let expected = hub.of(conversation).length;
    for (const step of options.script) {
      if (performance.now() >= end) return;
      const sentAt = performance.now();
      const { path, headers, body } = target.request(person, step);
      const http = post(agent, target.url, path, headers, body);
      expected += 1;
      const [status, reply] = await Promise.all([http, hub.waitForCount(conversation, expected, replyTimeoutMs)]);
      const ackedAt = status.at;
      if (status.status >= 200 && status.status < 300) acknowledged += 1;
      const recording = sentAt >= recordFrom && sentAt < end;
      if (status.status < 200 || status.status >= 300) {
        errors.http += 1;
        note(`HTTP ${status.status} ${status.body}`);
        return;
      }
      if (!reply) {
        errors.timeouts += 1;
        note(`no reply within ${replyTimeoutMs} ms to ${step.value}`);
        return;
      }
      if (options.verify && step.expect && !step.expect.test(reply.text)) {
        errors.unexpected += 1;
        note(`after ${step.value}: ${reply.text}`);
        return;
      }
      if (recording) {
        messages += 1;
        ackLatencies.push(ackedAt - sentAt);
        replyLatencies.push(reply.at - sentAt);
      }
    }
    if (performance.now() < end) intakes += 1;
  }

  async function customer(): Promise<void> {
    while (performance.now() < end) {
      await oneIntake().catch((error: Error) => {
        errors.http += 1;
        note(`request failed: ${error.message}`);
      });
    }
  }

  await Promise.all(Array.from({ length: options.customers }, () => customer()));
  agent.destroy();
  const seconds = options.durationMs / 1000;
  return {
    customers: options.customers,
    seconds,
    messages,
    messagesPerSecond: messages / seconds,
    intakes,
    intakesPerSecond: intakes / seconds,
    ack: summarise(ackLatencies),
    reply: summarise(replyLatencies),
    errors,
    acknowledged,
  };
}

export function post(agent: Agent, base: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string; at: number }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 300), at: performance.now() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The intake as hearken asks it over Telegram (the profile's name pre-fills the name question). */
export const TELEGRAM_INTAKE: readonly ScriptStep[] = [
  { kind: 'text', value: 'Hello', expect: /tell me what happened/ },
  { kind: 'text', value: 'The washing machine leaks water from the door after two weeks.', expect: /problem with product quality: is that right\?/ },
  { kind: 'choice', value: 'opt:product_quality', expect: /When and where/ },
  { kind: 'text', value: '3 November, at home in Leeds, order ORD-552211', expect: /What would you like us to do\?/ },
  { kind: 'choice', value: 'opt:refund', expect: /phone number or e-mail/ },
  { kind: 'text', value: 'alice@example.com', expect: /Shall I submit it\?/ },
  { kind: 'choice', value: 'cmd:confirm', expect: /registered as case C-\d{4}-\d+/ },
];

let updateId = 1;

/** hearken's (or the HTTP floor's) Telegram webhook. */
export function telegramTarget(url: string, secret: string): Target {
  return {
    name: 'telegram',
    url,
    conversation: (person) => `tg:${chatIdOf(person)}`,
    request(person, step) {
      updateId += 1;
      const chatId = chatIdOf(person);
      const from = { id: chatId, is_bot: false, first_name: 'Alice', last_name: 'Example', language_code: 'en' };
      const update =
        step.kind === 'choice'
          ? { update_id: updateId, callback_query: { id: `cb${updateId}`, from, chat_instance: String(chatId), data: step.value, message: { message_id: updateId, date: 0, chat: { id: chatId, type: 'private' } } } }
          : { update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), from, chat: { id: chatId, type: 'private', first_name: 'Alice' }, text: step.value } };
      return { path: '/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) };
    },
  };
}

export const chatIdOf = (person: Person): number => 10_000_000 + person.id;
