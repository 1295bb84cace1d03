import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { LoadRun, post, type LoadOptions, type LoadResult, type ScriptStep } from './customers.ts';

/**
 * Simulated visitors of the website chat doing whole intakes, the way the
 * page does: a session token from POST /webchat/session, each answer POSTed
 * to /webchat/messages, the bot's lines long-polled from GET
 * /webchat/messages?after=…&wait=…. A customer sends its next answer only
 * after the bot's line that the script expects arrived; the reply latency
 * is from sending to that line. A finished intake is followed by a new one
 * from a new visitor until the time is up.
 */

/** The intake as hearken asks it in the web chat (no profile name: the name is asked with the contact). */
export const WEBCHAT_INTAKE: readonly ScriptStep[] = [
  { kind: 'text', value: 'Hello', expect: /tell me what happened/ },
  { kind: 'text', value: 'The washing machine leaks water from the door after two weeks.', expect: /is that right\?/ },
  { kind: 'choice', value: 'opt:product_quality', expect: /When and where/ },
  { kind: 'text', value: '3 November, at home in Leeds, order ORD-552211', expect: /What would you like us to do\?/ },
  { kind: 'choice', value: 'opt:refund', expect: /your name and a phone number or e-mail/ },
  { kind: 'text', value: 'Alice Example, alice@example.com', expect: /Shall I submit it\?/ },
  { kind: 'choice', value: 'cmd:confirm', expect: /registered as case C-\d{4}-\d+/ },
];

interface Line {
  id: number;
  direction: 'in' | 'out';
  payload: { text: string };
}

function get(agent: Agent, base: string, path: string, token: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('long poll timed out')));
    req.on('error', reject);
    req.end();
  });
}

export async function runWebchatCustomers(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  // Two sockets per visitor: its POST and its long poll.
  const agent = new Agent({ keepAlive: true, maxSockets: options.customers * 2 + 4 });
  const replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
  const run = new LoadRun(options);

  /** The bot's lines after `cursor` until one matches `expect` (or any line, without it), or the time-out. */
  async function awaitLine(token: string, cursor: { id: number }, expect: RegExp | undefined): Promise<{ line: Line; at: number } | undefined> {
    const deadline = performance.now() + replyTimeoutMs;
    let last: Line | undefined;
    while (performance.now() < deadline) {
      const wait = Math.max(0.1, Math.min(10, (deadline - performance.now()) / 1000));
      const res = await get(agent, baseUrl, `/webchat/messages?after=${cursor.id}&wait=${wait.toFixed(1)}`, token, wait * 1000 + 10_000);
      const at = performance.now();
      if (res.status !== 200) throw new Error(`GET /webchat/messages → ${res.status} ${res.body.slice(0, 200)}`);
      const { messages: lines } = JSON.parse(res.body) as { messages: Line[] };
      for (const line of lines) {
        cursor.id = Math.max(cursor.id, line.id);
        if (line.direction !== 'out') continue;
        last = line;
        if (!expect || expect.test(line.payload.text)) return { line, at };
      }
    }
    if (last && expect) throw new Error(`unexpected: ${last.payload.text}`);
    return undefined;
  }

  async function oneIntake(): Promise<void> {
    const session = await post(agent, baseUrl, '/webchat/session', {}, '{}');
    if (session.status !== 201) {
      run.errors.http += 1;
      run.note(`session: HTTP ${session.status} ${session.body}`);
      return;
    }
    const token = (JSON.parse(session.body) as { token: string }).token;
    const headers = { authorization: `Bearer ${token}` };
    const cursor = { id: 0 };
    for (const step of options.script) {
      if (!run.running) return;
      const sentAt = performance.now();
      const body = JSON.stringify({ id: randomUUID(), locale: 'en-GB', ...(step.kind === 'choice' ? { choice: step.value } : { text: step.value }) });
      const [status, reply] = await Promise.all([
        post(agent, baseUrl, '/webchat/messages', headers, body),
        awaitLine(token, cursor, options.verify ? step.expect : undefined).catch((error: Error) => error),
      ]);
      if (status.status < 200 || status.status >= 300) {
        run.errors.http += 1;
        run.note(`HTTP ${status.status} ${status.body}`);
        return;
      }
      run.acknowledged += 1;
      if (reply instanceof Error) {
        run.errors.unexpected += 1;
        run.note(`after ${step.value}: ${reply.message}`);
        return;
      }
      if (!reply) {
        run.errors.timeouts += 1;
        run.note(`no reply within ${replyTimeoutMs} ms to ${step.value}`);
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
