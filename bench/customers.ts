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

/**
 * One load run's clock and tally, shared by every way of driving customers:
 * the warm-up that is not recorded, the time that is, counts, latencies and
 * the first error samples; `drive` keeps `customers` of them busy with
 * whole intakes until the time is up.
 */
export class LoadRun {
  readonly recordFrom: number;
  readonly end: number;
  readonly errors: LoadResult['errors'] = { http: 0, timeouts: 0, unexpected: 0, firstSamples: [] };
  private readonly ackLatencies: number[] = [];
  private readonly replyLatencies: number[] = [];
  private messages = 0;
  private intakes = 0;
  acknowledged = 0;

  constructor(private readonly options: LoadOptions) {
    this.recordFrom = performance.now() + options.warmupMs;
    this.end = this.recordFrom + options.durationMs;
  }

  get running(): boolean {
    return performance.now() < this.end;
  }

  note(sample: string): void {
    if (this.errors.firstSamples.length < 5) this.errors.firstSamples.push(sample.slice(0, 300));
  }

  /** A message answered: counted when it was sent inside the recorded time. */
  answered(sentAt: number, ackedAt: number, repliedAt: number): void {
    if (sentAt < this.recordFrom || sentAt >= this.end) return;
    this.messages += 1;
    this.ackLatencies.push(ackedAt - sentAt);
    this.replyLatencies.push(repliedAt - sentAt);
  }

  intakeDone(): void {
    if (this.running) this.intakes += 1;
  }

  async drive(oneIntake: () => Promise<void>): Promise<LoadResult> {
    const customer = async () => {
      while (this.running) {
        await oneIntake().catch((error: Error) => {
          this.errors.http += 1;
          this.note(`request failed: ${error.message}`);
        });
      }
    };
    await Promise.all(Array.from({ length: this.options.customers }, () => customer()));
    const seconds = this.options.durationMs / 1000;
    return {
      customers: this.options.customers,
      seconds,
      messages: this.messages,
      messagesPerSecond: this.messages / seconds,
      intakes: this.intakes,
      intakesPerSecond: this.intakes / seconds,
      ack: summarise(this.ackLatencies),
      reply: summarise(this.replyLatencies),
      errors: this.errors,
      acknowledged: this.acknowledged,
    };
  }
}

export async function runCustomers(target: Target, hub: ReplyHub, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.customers + 4 });
  const replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
  const run = new LoadRun(options);
  let nextPerson = options.firstPersonId ?? 1;

  async function oneIntake(): Promise<void> {
    const person: Person = { id: nextPerson++, extra: {} };
    const conversation = target.conversation(person);
    let expected = hub.of(conversation).length;
    for (const step of options.script) {
      if (!run.running) return;
      const sentAt = performance.now();
      const { path, headers, body } = target.request(person, step);
      const http = post(agent, target.url, path, headers, body);
      expected += 1;
      const [status, reply] = await Promise.all([http, hub.waitForCount(conversation, expected, replyTimeoutMs)]);
      if (status.status < 200 || status.status >= 300) {
        run.errors.http += 1;
        run.note(`HTTP ${status.status} ${status.body}`);
        return;
      }
      run.acknowledged += 1;
      if (!reply) {
        run.errors.timeouts += 1;
        run.note(`no reply within ${replyTimeoutMs} ms to ${step.value}`);
        return;
      }
      if (options.verify && step.expect && !step.expect.test(reply.text)) {
        run.errors.unexpected += 1;
        run.note(`after ${step.value}: ${reply.text}`);
        return;
      }
      run.answered(sentAt, status.at, reply.at);
    }
    run.intakeDone();
  }

  try {
    return await run.drive(oneIntake);
  } finally {
    agent.destroy();
  }
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
