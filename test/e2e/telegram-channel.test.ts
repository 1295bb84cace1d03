import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createUser, postUpdate, TelegramCustomer } from '../support/telegram-customer.ts';

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

describe('Telegram webhook', () => {
  it('registers the webhook with its secret and the updates it handles', () => {
    const [call] = fake.callsOf('setWebhook');
    expect(call!.params).toMatchObject({ url: 'https://hearken.example.test/telegram/webhook', secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    expect(app.logs.find((l) => l.msg === 'hearken started')).toMatchObject({ channels: ['webchat', 'telegram'] });
  });

  it('refuses a wrong or missing secret token with 403 and handles nothing', async () => {
    const user = createUser();
    const update = { update_id: 1, message: { message_id: 1, date: 0, from: user, chat: { id: user.id, type: 'private' }, text: 'hi' } };
    expect((await postUpdate(app.url, 'wrong', update)).status).toBe(403);
    expect((await postUpdate(app.url, undefined, update)).status).toBe(403);
    const customers = await app.database.db.selectFrom('customers').selectAll().where('channel', '=', 'telegram').where('external_id', '=', String(user.id)).execute();
    expect(customers).toEqual([]);
  });

  it('answers /start with the welcome and inline keyboard, and a button with answerCallbackQuery', async () => {
    const customer = new TelegramCustomer(fake, () => app, SECRET, createUser());
    let replies = await customer.say('/start');
    expect(replies.at(-1)!.text).toContain('Do you agree?');
    expect(replies.at(-1)!.choices.map((c) => c.value)).toEqual(['consent:yes', 'consent:no']);
    replies = await customer.press('consent:yes');
    expect(replies.at(-1)!.text).toContain('What is your complaint about?');
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(1);
  });
});
