import { randomUUID } from 'node:crypto';
import { issueWebchatToken, webchatVisitorId, type ChatEntry } from '../../support/webchat-client.ts';
import { waitForOutboxIdle } from '../../support/outbox-idle.ts';
import type { TestApp } from '../../support/test-app.ts';
import type { BotReply, ChannelDriver, ChatCustomer, TestFile } from '../channel-driver.ts';

function toReply(entry: ChatEntry): BotReply {
  const card = entry.payload.card;
  const cardText = card ? [card.title, ...card.fields.map((f) => `${f.label}: ${f.value}`)].join('\n') : '';
  return { text: [cardText, entry.payload.text].filter(Boolean).join('\n\n'), choices: entry.payload.choices ?? [] };
}

/** A visitor of the web chat page: a browser-held token, POSTed messages, the transcript. */
class WebchatCustomer implements ChatCustomer {
  readonly profileName = undefined;
  /** Issued by the server on the first request, as the page does. */
  private token: string | undefined;
  private lastId = 0;
  private lastBody: Record<string, unknown> | undefined;
  private offered = new Set<string>();

  constructor(
    private readonly app: () => TestApp,
    private readonly locale: string,
  ) {}

  say(text: string): Promise<BotReply[]> {
    return this.post({ text });
  }

  press(value: string): Promise<BotReply[]> {
    if (!this.offered.has(value)) throw new Error(`no message offered the button ${value}`);
    return this.post({ choice: value });
  }

  private async session(): Promise<string> {
    return (this.token ??= await issueWebchatToken(this.app().url));
  }

  async sendFile(file: TestFile): Promise<BotReply[]> {
    const token = await this.session();
    const res = await fetch(`${this.app().url}/webchat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': file.mimeType, 'x-file-name': encodeURIComponent(file.fileName) },
      body: new Uint8Array(file.content),
    });
    const body = (await res.json()) as { id?: string; error?: { message: string } };
    // The page shows a refused upload's message in the chat.
    if (!res.ok) return [{ text: body.error?.message ?? `HTTP ${res.status}`, choices: [] }];
    return this.post({ attachmentIds: [body.id] });
  }

  redeliverLast(): Promise<BotReply[]> {
    if (!this.lastBody) throw new Error('nothing sent yet');
    return this.post(this.lastBody);
  }

  private async post(fields: Record<string, unknown>): Promise<BotReply[]> {
    const token = await this.session();
    const body = { id: randomUUID(), locale: this.locale, ...fields };
    this.lastBody = body;
    const res = await fetch(`${this.app().url}/webchat/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`POST /webchat/messages → ${res.status} ${await res.text()}`);
    await waitForOutboxIdle(this.app().database.db, `webchat:${webchatVisitorId(token)}`);
    const read = await fetch(`${this.app().url}/webchat/messages?after=${this.lastId}`, { headers: { authorization: `Bearer ${token}` } });
    const { messages } = (await read.json()) as { messages: ChatEntry[] };
    for (const m of messages) this.lastId = Math.max(this.lastId, m.id);
    const replies = messages.filter((m) => m.direction === 'out').map(toReply);
    for (const reply of replies) for (const choice of reply.choices) this.offered.add(choice.value);
    return replies;
  }
}

export function webchatDriver(): ChannelDriver {
  let app: TestApp;
  return {
    channel: 'webchat',
    setup: async () => ({}),
    attach: (started) => {
      app = started;
    },
    openCustomer: ({ locale }) => new WebchatCustomer(() => app, locale === 'zh-CN' ? 'zh-CN' : 'en-GB'),
    teardown: async () => undefined,
  };
}
