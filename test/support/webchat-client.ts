import { createHash, randomUUID } from 'node:crypto';

export interface ChatEntry {
  id: number;
  direction: 'in' | 'out';
  payload: { text: string; choices?: Array<{ value: string; label: string }>; card?: { title: string; fields: Array<{ label: string; value: string }> } };
}

/**
 * Talks to the web chat over HTTP the way the page does: a session token,
 * POSTed messages, long-polled replies.
 */
export class WebchatClient {
  private lastId = 0;
  readonly transcript: ChatEntry[] = [];

  constructor(
    readonly baseUrl: string,
    readonly token: string,
    private readonly locale = 'en-GB',
  ) {}

  /** A new visitor: the server issues the token (one it did not issue is refused). */
  static async open(baseUrl: string, locale?: string): Promise<WebchatClient> {
    return new WebchatClient(baseUrl, await issueWebchatToken(baseUrl), locale);
  }

  /** The visitor id the server derives from the token (customers.external_id, webchat_messages.visitor_id). */
  get visitorId(): string {
    return webchatVisitorId(this.token);
  }

  async post(body: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.baseUrl}/webchat/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID(), locale: this.locale, ...body }),
    });
  }

  /** Sends and returns the bot's replies to it (all `out` messages until none arrive for a moment). */
  async say(text: string): Promise<ChatEntry[]> {
    const res = await this.post({ text });
    if (res.status !== 202) throw new Error(`POST /webchat/messages → ${res.status} ${await res.text()}`);
    return this.replies();
  }

  async press(choiceValue: string): Promise<ChatEntry[]> {
    const res = await this.post({ choice: choiceValue });
    if (res.status !== 202) throw new Error(`POST /webchat/messages → ${res.status} ${await res.text()}`);
    return this.replies();
  }

  /** Waits for at least one bot message, then collects any that follow within `settleMs`. */
  async replies(settleMs = 150, waitSeconds = 10): Promise<ChatEntry[]> {
    const out: ChatEntry[] = [];
    let batch = await this.fetch(waitSeconds);
    while (batch.length > 0) {
      out.push(...batch.filter((e) => e.direction === 'out'));
      if (out.length === 0) {
        batch = await this.fetch(waitSeconds);
        continue;
      }
      await new Promise((r) => setTimeout(r, settleMs));
      batch = await this.fetch(0);
    }
    return out;
  }

  async fetch(waitSeconds = 0): Promise<ChatEntry[]> {
    const res = await fetch(`${this.baseUrl}/webchat/messages?after=${this.lastId}&wait=${waitSeconds}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const { messages } = (await res.json()) as { messages: ChatEntry[] };
    for (const m of messages) this.lastId = Math.max(this.lastId, m.id);
    this.transcript.push(...messages);
    return messages;
  }
}

export function lastText(entries: ChatEntry[]): string {
  return entries.at(-1)?.payload.text ?? '';
}

export function allText(entries: ChatEntry[]): string {
  return entries.map((e) => e.payload.text).join('\n');
}

export async function issueWebchatToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/webchat/session`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /webchat/session → ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export function webchatVisitorId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 40);
}
