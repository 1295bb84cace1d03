import type { IncomingMessage, ServerResponse } from 'node:http';
import { ReplyHub } from './reply-hub.ts';
import { listenOnLoopback, type LoopbackServer } from '../test/support/loopback.ts';

/**
 * A recording fake of the Bot Framework connector (the activities'
 * serviceUrl) for load: POST /v3/conversations/{id}/activities[/{replyToId}],
 * replies filed in a ReplyHub under `bf:<conversation id>`.
 */
export class FakeConnector {
  readonly hub: ReplyHub;
  url = '';
  private server: LoopbackServer | undefined;
  private activityId = 0;

  constructor(hub = new ReplyHub()) {
    this.hub = hub;
  }

  async start(): Promise<string> {
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res), { keepAliveTimeoutMs: 65_000 });
    this.url = this.server.url;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound"}}');
      return;
    }
    const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; text?: string; suggestedActions?: { actions?: Array<{ value?: unknown; title?: string }> } };
    const at = performance.now();
    if (activity.type === 'message') {
      this.hub.add(`bf:${decodeURIComponent(match[1]!)}`, {
        text: String(activity.text ?? ''),
        choices: (activity.suggestedActions?.actions ?? []).map((a) => String(a.value ?? a.title ?? '')),
        at,
      });
    }
    this.activityId += 1;
    const payload = JSON.stringify({ id: `activity-${this.activityId}` });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
  }
}
