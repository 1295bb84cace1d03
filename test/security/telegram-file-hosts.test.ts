import { afterAll, beforeAll, expect, it } from 'vitest';
import { PNG } from '../contract/channel-contract.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { createUser, TelegramCustomer } from '../support/telegram-customer.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 19 item 2 on Telegram: files come only from the configured file
 * hosts (default: the Bot API server's host). Here the operator lists
 * another host, so the Bot API server's file link (on 127.0.0.1) is not
 * fetched: the message is handled and the customer told.
 */

const SECRET = 'security-secret-0123456789';
const fake = new FakeTelegramApi();
let app: TestApp;

beforeAll(async () => {
  await fake.start();
  app = await startTestApp({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'https://hearken.example.test',
    TELEGRAM_FILE_HOSTS: 'files.telegram.example',
  });
});
afterAll(async () => {
  await app?.stop();
  await fake.stop();
});

it('does not download a file link outside TELEGRAM_FILE_HOSTS, and tells the customer', async () => {
  const customer = new TelegramCustomer(fake, () => app, SECRET, createUser({ first_name: 'Tess' }));
  await customer.say('/start');
  const replies = await customer.sendFile({ fileName: 'receipt.png', mimeType: 'image/png', content: PNG });
  expect(replies.map((r) => r.text).join('\n')).toContain('I could not accept receipt.png');
  const stored = await app.database.db.selectFrom('attachments').select('id').where('channel', '=', 'telegram').execute();
  expect(stored).toEqual([]);
  expect(app.logs.some((l) => l.msg === 'telegram file link refused: host not allowed')).toBe(true);
});
