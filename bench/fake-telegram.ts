import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReplyHub } from './reply-hub.ts';

/** What the fake does with one Bot API call. */
export type FakeBehaviour =
  | { kind: 'ok' }
  | { kind: 'error'; status: number; description: string; retryAfter?: number }
  /** Never answers (the caller's time-out is what ends the request). */
  | { kind: 'hang' };

export interface SentMessage {
  chatId: number;
  messageId: number;
  text: string;
  at: number;
}

/**
 * A recording fake of the Telegram Bot API for load: bot methods at
 * POST /bot<token>/<method>, replies recorded per chat in a ReplyHub
 * (conversation key `tg:<chat_id>`). Faults can be switched on for a while
 * (`behaviour`) to test delivery under 429, 500 and time-outs.
 */
export class FakeTelegram {
  readonly hub: ReplyHub;
  readonly botId = 800_000 + Math.floor(Math.random() * 100_000);
  readonly token = `${this.botId}:${randomBytes(18).toString('base64url')}`;
  /** Every accepted sendMessage, in arrival order. */
  readonly sent: SentMessage[] = [];
  readonly counts = { calls: 0, sendMessage: 0, failed: 0, hung: 0 };
  /** Decides each sendMessage's fate; the default accepts everything. */
  behaviour: (chatId: number) => FakeBehaviour = () => ({ kind: 'ok' });
  url = '';
  private server: Server | undefined;
  private messageId = 1;
  private readonly hanging = new Set<ServerResponse>();

  constructor(hub = new ReplyHub()) {
    this.hub = hub;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Ends the calls held by a 'hang' behaviour by resetting their connections (as a proxy giving up). */
  releaseHanging(): number {
    const count = this.hanging.size;
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
    return count;
  }

  /** Accepted messages of one chat, in order. */
  sentTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.counts.calls += 1;
    const path = req.url ?? '/';
    const slash = path.lastIndexOf('/');
    const method = path.slice(slash + 1);
    if (req.method !== 'POST' || path.slice(0, slash) !== `/bot${this.token}`) {
      return json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const params = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>) : {};
    switch (method) {
      case 'getMe':
        return json(res, 200, { ok: true, result: { id: this.botId, is_bot: true, first_name: 'hearken', username: 'hearken_bench_bot' } });
      case 'sendMessage':
        return this.sendMessage(params, res);
      default:
        return json(res, 200, { ok: true, result: true });
    }
  }

  private sendMessage(params: Record<string, any>, res: ServerResponse): void {
    const chatId = Number(params.chat_id);
    const behaviour = this.behaviour(chatId);
    if (behaviour.kind === 'hang') {
      this.counts.hung += 1;
      this.hanging.add(res);
      res.once('close', () => this.hanging.delete(res));
      return;
    }
    if (behaviour.kind === 'error') {
      this.counts.failed += 1;
      if (behaviour.status >= 500) {
        res.writeHead(behaviour.status).end();
        return;
      }
      return json(res, behaviour.status, {
        ok: false,
        error_code: behaviour.status,
        description: behaviour.description,
        ...(behaviour.retryAfter !== undefined ? { parameters: { retry_after: behaviour.retryAfter } } : {}),
      });
    }
    this.counts.sendMessage += 1;
    const messageId = (this.messageId += 1);
    const text = String(params.text ?? '');
    const at = performance.now();
    this.sent.push({ chatId, messageId, text, at });
    const keyboard: Array<Array<{ callback_data?: string }>> = params.reply_markup?.inline_keyboard ?? [];
    this.hub.add(`tg:${chatId}`, { text, choices: keyboard.flat().map((b) => String(b.callback_data ?? '')), at });
    json(res, 200, { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, text } });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
