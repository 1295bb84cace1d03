import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback.ts';

export interface TelegramCall {
  method: string;
  params: Record<string, any>;
  at: number;
  /** What the fake answered: 'ok', or the error code it returned. */
  outcome: 'ok' | number;
  result?: any;
}

export interface TelegramErrorReply {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

interface Failure {
  method: string;
  reply: TelegramErrorReply;
  times: number;
  match?: (params: Record<string, any>) => boolean;
}

/**
 * A small recording fake of the Telegram Bot API on 127.0.0.1: bot methods at
 * POST /bot<token>/<method>, files at GET /file/bot<token>/<path>, long
 * polling through getUpdates. Failures can be scripted per method.
 */
export class FakeTelegramApi {
  readonly calls: TelegramCall[] = [];
  readonly botId = 700_000 + Math.floor(Math.random() * 100_000);
  readonly token = `${this.botId}:${randomBytes(18).toString('base64url')}`;
  private server: LoopbackServer | undefined;
  private readonly failures: Failure[] = [];
  private readonly files = new Map<string, { path: string; content: Buffer; size: number; uniqueId: string }>();
  private readonly updates: Array<Record<string, unknown>> = [];
  private readonly polls = new Set<() => void>();
  private messageId = 1000;
  url = '';

  async start(): Promise<string> {
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.url = this.server.url;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const wake of this.polls) wake();
    await this.server?.close();
  }

  /** The next `times` calls of `method` (matching `match`) fail with `reply`. */
  failNext(method: string, reply: TelegramErrorReply, options: { times?: number; match?: (params: Record<string, any>) => boolean } = {}): void {
    this.failures.push({ method, reply, times: options.times ?? 1, match: options.match });
  }

  /** Makes a file available through getFile; `declaredSize` lets a test claim any size. */
  addFile(content: Buffer, options: { declaredSize?: number; name?: string } = {}): { fileId: string; uniqueId: string; size: number } {
    const fileId = `F${randomBytes(8).toString('hex')}`;
    const uniqueId = `U${randomBytes(4).toString('hex')}`;
    const size = options.declaredSize ?? content.length;
    this.files.set(fileId, { path: `documents/${options.name ?? `${uniqueId}.bin`}`, content, size, uniqueId });
    return { fileId, uniqueId, size };
  }

  /** Queues an update for getUpdates (long polling). */
  pushUpdate(update: Record<string, unknown>): void {
    this.updates.push(update);
    for (const wake of this.polls) wake();
  }

  callsOf(method: string): TelegramCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages that were accepted for a chat, in order. */
  sentTo(chatId: number): TelegramCall[] {
    return this.calls.filter((c) => c.method === 'sendMessage' && c.outcome === 'ok' && Number(c.params.chat_id) === chatId);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('FakeTelegramApi: timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const filePrefix = `/file/bot${this.token}/`;
    if (req.method === 'GET' && url.pathname.startsWith(filePrefix)) {
      const path = decodeURIComponent(url.pathname.slice(filePrefix.length));
      const found = [...this.files.values()].find((f) => f.path === path);
      if (!found) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.content.length });
      res.end(found.content);
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const params = body ? (JSON.parse(body) as Record<string, any>) : {};
    const call: TelegramCall = { method, params, at: Date.now(), outcome: 'ok' };
    this.calls.push(call);

    const failure = this.failures.find((f) => f.method === method && f.times > 0 && (!f.match || f.match(params)));
    if (failure) {
      failure.times -= 1;
      call.outcome = failure.reply.error_code;
      if (failure.reply.error_code >= 500) {
        res.writeHead(failure.reply.error_code).end();
        return;
      }
      return this.json(res, failure.reply.error_code, { ok: false, ...failure.reply });
    }
    call.result = await this.result(method, params, res);
    return this.json(res, 200, { ok: true, result: call.result });
  }

  private async result(method: string, params: Record<string, any>, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return { id: this.botId, is_bot: true, first_name: 'hearken', username: 'hearken_test_bot' };
      case 'sendMessage':
        this.messageId += 1;
        return { message_id: this.messageId, date: Math.floor(Date.now() / 1000), chat: { id: params.chat_id, type: 'private' }, text: params.text };
      case 'getFile': {
        const file = this.files.get(params.file_id);
        if (!file) return { file_id: params.file_id, file_unique_id: 'missing' };
        return { file_id: params.file_id, file_unique_id: file.uniqueId, file_size: file.size, file_path: file.path };
      }
      case 'getUpdates':
        return this.nextUpdates(params, res);
      default:
        return true;
    }
  }

  /** Long poll: answers at once with queued updates, else waits (up to `timeout` s) for one. */
  private async nextUpdates(params: Record<string, any>, res: ServerResponse): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    const take = () => {
      while (this.updates.length > 0 && Number(this.updates[0]!.update_id) < offset) this.updates.shift();
      return this.updates.slice(0, Number(params.limit ?? 100));
    };
    let found = take();
    if (found.length > 0 || !params.timeout) return found;
    await new Promise<void>((resolve) => {
      const wake = () => {
        this.polls.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, Number(params.timeout) * 1000);
      this.polls.add(wake);
      res.once('close', wake);
    });
    found = take();
    return found;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
