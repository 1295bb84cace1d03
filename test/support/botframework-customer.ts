import { randomUUID } from 'node:crypto';
import { botFrameworkIdentity } from '../../adapters/botframework/botframework.mapper.ts';
import type { BotReply, ChatCustomer, TestFile } from '../contract/channel-driver.ts';
import type { ConnectorCall, FakeBotConnector } from './fake-bot-connector.ts';
import { waitForOutboxIdle } from './outbox-idle.ts';
import type { TestApp } from './test-app.ts';

export interface BotFrameworkUser {
  id: string;
  name?: string;
}

/** Fixture builder with overrides: a message activity as the Emulator posts it. */
export function createActivity(serviceUrl: string, user: BotFrameworkUser, conversationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl,
    from: { id: user.id, ...(user.name ? { name: user.name } : {}), role: 'user' },
    recipient: { id: 'hearken-bot', name: 'hearken', role: 'bot' },
    conversation: { id: conversationId },
    locale: 'en-US',
    ...overrides,
  };
}

/** What a customer sees of a bot activity: text, the card's facts as lines, and the buttons. */
export function toReply(call: ConnectorCall): BotReply {
  const activity = call.activity;
  const lines: string[] = [];
  const choices: BotReply['choices'] = [];
  const action = (a: { title: string; value?: { hearkenChoice?: string } }) => choices.push({ value: a.value?.hearkenChoice ?? '', label: a.title });
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') {
      for (const block of attachment.content.body ?? []) {
        if (block.type === 'TextBlock') lines.push(block.text);
        if (block.type === 'FactSet') for (const fact of block.facts) lines.push(`${fact.title}: ${fact.value}`);
      }
    }
    if (attachment.contentType === 'application/vnd.microsoft.card.hero') for (const b of attachment.content.buttons ?? []) action(b);
  }
  for (const a of activity.suggestedActions?.actions ?? []) action(a);
  return { text: [lines.join('\n'), activity.text ?? ''].filter(Boolean).join('\n\n'), choices };
}

/**
 * A Bot Framework user (Emulator-style): activities POSTed to /api/messages
 * with serviceUrl pointing at the fake connector, replies read from it.
 */
export class BotFrameworkCustomer implements ChatCustomer {
  readonly profileName: string | undefined;
  readonly conversationId = `conv-${randomUUID()}`;
  private cursor = 0;
  private last: Record<string, unknown> | undefined;

  constructor(
    private readonly connector: FakeBotConnector,
    private readonly app: () => TestApp,
    readonly user: BotFrameworkUser,
    private readonly locale = 'en-US',
    private readonly extra: { channelId?: string; authorization?: string } = {},
  ) {
    this.profileName = user.name;
  }

  say(text: string): Promise<BotReply[]> {
    return this.send({ text });
  }

  press(value: string): Promise<BotReply[]> {
    const offered = this.connector
      .sentTo(this.conversationId)
      .map(toReply)
      .flatMap((r) => r.choices)
      .find((c) => c.value === value);
    if (!offered) throw new Error(`no activity offered the button ${value}`);
    // What Web Chat posts for a messageBack action.
    return this.send({ text: offered.label, value: { hearkenChoice: value } });
  }

  sendFile(file: TestFile): Promise<BotReply[]> {
    const contentUrl = this.connector.addAttachment(file.content, file.mimeType);
    return this.send({ attachments: [{ contentType: file.mimeType, contentUrl, name: file.fileName }] });
  }

  redeliverLast(): Promise<BotReply[]> {
    if (!this.last) throw new Error('nothing sent yet');
    return this.post(this.last);
  }

  activity(fields: Record<string, unknown>): Record<string, unknown> {
    return createActivity(this.connector.url, this.user, this.conversationId, { locale: this.locale, ...(this.extra.channelId ? { channelId: this.extra.channelId } : {}), ...fields });
  }

  send(fields: Record<string, unknown>): Promise<BotReply[]> {
    return this.post(this.activity(fields));
  }

  async post(activity: Record<string, unknown>): Promise<BotReply[]> {
    this.last = activity;
    const res = await postActivity(this.app().url, activity, this.extra.authorization);
    if (res.status !== 200) throw new Error(`POST /api/messages → ${res.status} ${await res.text()}`);
    return this.replies();
  }

  /** The customer's identity as the adapter keys it (customers.external_id). */
  get externalId(): string {
    const activity = (this.last ?? this.activity({})) as Parameters<typeof botFrameworkIdentity>[0];
    return botFrameworkIdentity(activity, activity.from!);
  }

  async replies(): Promise<BotReply[]> {
    await waitForOutboxIdle(this.app().database.db, `botframework:${this.externalId}`);
    const sent = this.connector.sentTo(this.conversationId);
    const fresh = sent.slice(this.cursor);
    this.cursor = sent.length;
    return fresh.map(toReply);
  }
}

export function postActivity(baseUrl: string, activity: unknown, authorization?: string): Promise<Response> {
  return fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
}
