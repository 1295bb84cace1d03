import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback.ts';

export interface SlackCall {
  method: string;
  params: Record<string, any>;
  at: number;
  /** What the fake answered (e.g. the `ts` of a posted message). */
  response?: Record<string, any>;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

type Handler = (params: Record<string, any>) => FakeResponse | undefined;

/**
 * A recording fake of the Slack Web API on 127.0.0.1 (SLACK_API_URL points
 * at `url`). Answers like Slack for the methods hearken uses, records every
 * call with its decoded parameters, and lets a test script failures
 * (429 with Retry-After, is_archived…). Also takes file uploads.
 */
export class SlackApiFake {
  readonly calls: SlackCall[] = [];
  readonly uploads: Array<{ fileId: string; bytes: Buffer; contentType: string }> = [];
  /** Channel members (conversations.members). */
  members: Record<string, string[]> = {};
  /** User-group members (usergroups.users.list). */
  groups: Record<string, string[]> = {};
  displayNames: Record<string, string> = {};
  /** What apps.connections.open answers (Socket Mode). */
  socketUrl = '';
  private readonly handlers: Handler[] = [];
  private ts = 1_700_000_000;
  private files = 0;
  private server!: LoopbackServer;
  url = '';
  base = '';

  static async start(): Promise<SlackApiFake> {
    const fake = new SlackApiFake();
    fake.server = await listenOnLoopback((req, res) => void fake.handle(req, res));
    fake.base = fake.server.url;
    fake.url = `${fake.base}/api/`;
    return fake;
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  /** Answers the next call that `match` accepts with `response` (once). */
  respondOnce(method: string, response: FakeResponse, match: (params: Record<string, any>) => boolean = () => true): void {
    let used = false;
    this.handlers.push((params) => {
      if (used || params.__method !== method || !match(params)) return undefined;
      used = true;
      return response;
    });
  }

  /** Answers every matching call with `response` until the returned function is called. */
  respondAlways(method: string, response: FakeResponse, match: (params: Record<string, any>) => boolean = () => true): () => void {
    let active = true;
    this.handlers.push((params) => (active && params.__method === method && match(params) ? response : undefined));
    return () => {
      active = false;
    };
  }

  /** The `ts` the fake answered for the call whose recorded params are `params`. */
  tsOf(params: Record<string, any>): string {
    return String(this.calls.find((c) => c.params === params)?.response?.ts);
  }

  callsOf(method: string): Array<Record<string, any>> {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  /** Waits for a call of `method` matching `predicate` (already made or future). */
  async waitFor(method: string, predicate: (params: Record<string, any>) => boolean = () => true, timeoutMs = 10_000): Promise<Record<string, any>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.callsOf(method).find(predicate);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no ${method} call matched within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', this.base).pathname;
    if (path.startsWith('/upload/')) {
      this.uploads.push({ fileId: path.slice('/upload/'.length), bytes: raw, contentType: String(req.headers['content-type'] ?? '') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const params = decode(raw.toString('utf8'), String(req.headers['content-type'] ?? ''));
    params.__method = method;
    const call: SlackCall = { method, params, at: Date.now() };
    this.calls.push(call);
    const scripted = this.handlers.map((h) => h(params)).find((r) => r !== undefined);
    const response = scripted ?? { body: this.answer(method, params) };
    call.response = response.body;
    res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...(response.headers ?? {}) }).end(JSON.stringify(response.body));
  }

  private nextTs(): string {
    this.ts += 1;
    return `${this.ts}.000100`;
  }

  private answer(method: string, params: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' };
      case 'auth.test':
        return { ok: true, user_id: 'U0BOT0001', bot_id: 'B0BOT0001', team_id: 'T0TEAM001', team: 'Test' };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: params.channel, ts, message: { ts, text: params.text } };
      }
      case 'chat.update':
        return { ok: true, channel: params.channel, ts: params.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
        return { ok: true, view: { id: 'V0VIEW001' } };
      case 'conversations.members':
        return { ok: true, members: this.members[params.channel] ?? [], response_metadata: { next_cursor: '' } };
      case 'conversations.info':
        return { ok: true, channel: { id: params.channel, is_archived: false, is_member: true } };
      case 'usergroups.users.list':
        return { ok: true, users: this.groups[params.usergroup] ?? [] };
      case 'users.info':
        return { ok: true, user: { id: params.user, profile: { display_name: this.displayNames[params.user] ?? '', real_name: '' } } };
      case 'files.getUploadURLExternal': {
        this.files += 1;
        const fileId = `F0FILE${String(this.files).padStart(4, '0')}`;
        return { ok: true, upload_url: `${this.base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (params.files ?? []).map((f: { id: string }) => ({ id: f.id })) };
      default:
        return { ok: true };
    }
  }
}

/** Web API bodies are form-encoded with nested values as JSON strings (or JSON). */
function decode(body: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return body ? (JSON.parse(body) as Record<string, any>) : {};
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
