import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback.ts';

export interface ConnectorCall {
  conversationId: string;
  replyToId?: string;
  activity: Record<string, any>;
  authorization?: string;
  at: number;
  outcome: 'ok' | number;
}

interface Failure {
  status: number;
  headers: Record<string, string>;
  times: number;
  match?: (activity: Record<string, any>) => boolean;
}

/**
 * A small recording fake of the Bot Framework connector (the activity's
 * serviceUrl) on 127.0.0.1: POST /v3/conversations/{id}/activities[/{replyToId}]
 * and attachment downloads at GET /v3/attachments/{id}/views/original.
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  private server: LoopbackServer | undefined;
  private readonly failures: Failure[] = [];
  private readonly attachments = new Map<string, { content: Buffer; contentType: string }>();
  private activityId = 0;
  url = '';

  async start(): Promise<string> {
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.url = this.server.url;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** The next `times` posted activities (matching `match`) get `status` with `headers`. */
  failNext(status: number, options: { headers?: Record<string, string>; times?: number; match?: (activity: Record<string, any>) => boolean } = {}): void {
    this.failures.push({ status, headers: options.headers ?? {}, times: options.times ?? 1, match: options.match });
  }

  /** Serves a file as the Emulator does; returns its contentUrl. */
  addAttachment(content: Buffer, contentType: string): string {
    const id = randomBytes(8).toString('hex');
    this.attachments.set(id, { content, contentType });
    return `${this.url}/v3/attachments/${id}/views/original`;
  }

  /** Activities accepted for a conversation, in order. */
  sentTo(conversationId: string): ConnectorCall[] {
    return this.calls.filter((c) => c.conversationId === conversationId && c.outcome === 'ok');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const download = /^\/v3\/attachments\/([^/]+)\/views\/original$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      const found = this.attachments.get(download[1]!);
      if (!found) return this.json(res, 404, { error: { code: 'NotFound', message: 'no such attachment' } });
      res.writeHead(200, { 'content-type': found.contentType, 'content-length': found.content.length });
      res.end(found.content);
      return;
    }
    const post = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method !== 'POST' || !post) return this.json(res, 404, { error: { code: 'NotFound', message: 'not found' } });
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const activity = JSON.parse(body) as Record<string, any>;
    const call: ConnectorCall = {
      conversationId: decodeURIComponent(post[1]!),
      ...(post[2] ? { replyToId: decodeURIComponent(post[2]) } : {}),
      activity,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      at: Date.now(),
      outcome: 'ok',
    };
    this.calls.push(call);
    const failure = this.failures.find((f) => f.times > 0 && (!f.match || f.match(activity)));
    if (failure) {
      failure.times -= 1;
      call.outcome = failure.status;
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: { code: failure.status === 429 ? 'Throttled' : 'Error', message: `status ${failure.status}` } }));
      return;
    }
    this.activityId += 1;
    return this.json(res, 200, { id: `bot-activity-${this.activityId}` });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
