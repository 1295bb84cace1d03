import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createMessageUpdate, createUser, postUpdate } from '../support/telegram-customer.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19, item 6: a lone UTF-16 surrogate or NUL (which jsonb refuses) is
 * repaired at the edge on every channel: the message is handled, not a 500,
 * and the messages committed with it in one batch are not disturbed.
 */
const SECRET = 'test-secret_0123456789';
const fake = new FakeTelegramApi();
let app: TestApp;

beforeAll(async () => {
  await fake.start();
  app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://hearken.example.test' });
  await fake.waitFor(() => fake.callsOf('setWebhook').length > 0);
});
afterAll(async () => {
  await app?.stop();
  await fake.stop();
});

const BROKEN = 'my order \ud800 arrived broken\u0000 today \udfff';

describe('ill-formed text', () => {
  it('web chat: accepted (202), answered, stored with U+FFFD', async () => {
    const chat = await WebchatClient.open(app.url);
    const res = await chat.post({ text: BROKEN });
    expect(res.status).toBe(202);
    const replies = await chat.replies();
    expect(replies.length).toBeGreaterThan(0);
    const own = chat.transcript.find((e) => e.direction === 'in')!;
    expect(own.payload.text).toBe('my order \ufffd arrived broken today \ufffd');
    expect(app.logs.filter((l) => l.msg === 'request failed')).toEqual([]);
  });

  it('web chat: a button label with a lone surrogate is repaired too', async () => {
    const chat = await WebchatClient.open(app.url);
    await chat.say('Hello');
    const res = await chat.post({ choice: 'consent:yes', label: 'Yes \udc00' });
    expect(res.status).toBe(202);
    await chat.replies();
    expect(chat.transcript.filter((e) => e.direction === 'in').at(-1)!.payload.text).toBe('Yes \ufffd');
  });

  it('Telegram: the update is handled (200) and the customer answered', async () => {
    const user = createUser({ first_name: 'Zoë \ud83d' });
    const res = await postUpdate(app.url, SECRET, createMessageUpdate(user, { text: BROKEN }));
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.sentTo(user.id).length > 0);
    const customer = await app.database.db.selectFrom('customers').selectAll().where('channel', '=', 'telegram').where('external_id', '=', String(user.id)).executeTakeFirstOrThrow();
    expect(JSON.stringify(customer.state)).not.toMatch(/\\u0000|\\ud800/i);
  });

  it('does not fail the batch it shares with well-formed messages', async () => {
    const chats = await Promise.all(Array.from({ length: 6 }, () => WebchatClient.open(app.url)));
    const results = await Promise.all(chats.map((chat, i) => chat.post({ text: i % 2 === 0 ? BROKEN : 'Hello there' })));
    expect(results.map((r) => r.status)).toEqual(chats.map(() => 202));
    expect(app.logs.filter((l) => l.msg === 'inbound batch failed; retrying its messages one by one')).toEqual([]);
  });
});
