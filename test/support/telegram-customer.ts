import type { BotReply, ChatCustomer, TestFile } from '../contract/channel-driver.ts';
import type { FakeTelegramApi, TelegramCall } from './fake-telegram-api.ts';
import { waitForOutboxIdle } from './outbox-idle.ts';
import type { TestApp } from './test-app.ts';

let nextUpdateId = 10_000;
let nextUserId = 5_000_000;

export interface TelegramUser {
  id: number;
  is_bot: false;
  first_name: string;
  last_name?: string;
  language_code?: string;
}

/** Fixture builders with overrides (telegraf-style updates). */
export function createUser(overrides: Partial<TelegramUser> = {}): TelegramUser {
  nextUserId += 1;
  return { id: nextUserId, is_bot: false, first_name: 'Alice', last_name: 'Example', language_code: 'en', ...overrides };
}

export function createMessageUpdate(user: TelegramUser, fields: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  nextUpdateId += 1;
  return {
    update_id: nextUpdateId,
    message: { message_id: nextUpdateId, date: Math.floor(Date.now() / 1000), from: user, chat: { id: user.id, type: 'private', first_name: user.first_name }, ...fields },
    ...overrides,
  };
}

export function createCallbackUpdate(user: TelegramUser, data: string, messageId: number): Record<string, unknown> {
  nextUpdateId += 1;
  return {
    update_id: nextUpdateId,
    callback_query: { id: `cb${nextUpdateId}`, from: user, chat_instance: '1', data, message: { message_id: messageId, date: 0, chat: { id: user.id, type: 'private' } } },
  };
}

export function toReply(call: TelegramCall): BotReply {
  const keyboard: Array<Array<{ text: string; callback_data: string }>> = call.params.reply_markup?.inline_keyboard ?? [];
  return { text: String(call.params.text), choices: keyboard.flat().map((b) => ({ value: b.callback_data, label: b.text })) };
}

/**
 * A Telegram user: updates go to the app's webhook with the secret, replies
 * are what the app sent to the fake Bot API for this chat.
 */
export class TelegramCustomer implements ChatCustomer {
  readonly profileName: string;
  private cursor = 0;
  private last: Record<string, unknown> | undefined;
  /** The Bot API method hearken put in the last webhook response, if any. */
  lastWebhookAnswer: Record<string, unknown> | undefined;

  constructor(
    private readonly fake: FakeTelegramApi,
    private readonly app: () => TestApp,
    private readonly secret: string,
    readonly user: TelegramUser,
  ) {
    this.profileName = [user.first_name, user.last_name].filter(Boolean).join(' ');
  }

  say(text: string): Promise<BotReply[]> {
    return this.send(createMessageUpdate(this.user, { text }));
  }

  press(value: string): Promise<BotReply[]> {
    const offered = this.fake.sentTo(this.user.id).filter((c) => toReply(c).choices.some((choice) => choice.value === value)).at(-1);
    if (!offered) throw new Error(`no message offered the button ${value}`);
    return this.send(createCallbackUpdate(this.user, value, Number(offered.result?.message_id ?? 0)));
  }

  async sendFile(file: TestFile): Promise<BotReply[]> {
    const { fileId, uniqueId, size } = this.fake.addFile(file.content, { name: file.fileName });
    return this.send(createMessageUpdate(this.user, { document: { file_id: fileId, file_unique_id: uniqueId, file_size: size, file_name: file.fileName, mime_type: file.mimeType } }));
  }

  redeliverLast(): Promise<BotReply[]> {
    if (!this.last) throw new Error('nothing sent yet');
    return this.send(this.last);
  }

  /** Posts any update as this user; resolves with the replies once the outbox is idle. */
  async send(update: Record<string, unknown>): Promise<BotReply[]> {
    this.last = update;
    const res = await postUpdate(this.app().url, this.secret, update);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`POST /telegram/webhook → ${res.status} ${body}`);
    this.lastWebhookAnswer = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
    return this.replies();
  }

  async replies(): Promise<BotReply[]> {
    await waitForOutboxIdle(this.app().database.db, `telegram:${this.user.id}`);
    const sent = this.fake.sentTo(this.user.id);
    const fresh = sent.slice(this.cursor);
    this.cursor = sent.length;
    return fresh.map(toReply);
  }
}

export function postUpdate(baseUrl: string, secret: string | undefined, update: unknown): Promise<Response> {
  return fetch(`${baseUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });
}
