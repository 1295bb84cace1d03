import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createCallbackUpdate, createMessageUpdate, createUser, postUpdate, TelegramCustomer } from '../support/telegram-customer.ts';

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

const customer = () => new TelegramCustomer(fake, () => app, SECRET, createUser());

async function outboxRowsOf(chatId: number) {
  return app.database.db.selectFrom('outbox').selectAll().where('conversation_key', '=', `telegram:${chatId}`).orderBy('id').execute();
}

/** A customer with an open case ("talk to a person" before any contact was kept). */
async function customerWithCase() {
  const c = customer();
  await c.say('hi');
  const replies = await c.say('talk to a person');
  const number = /C-\d{4}-\d{6}/.exec(replies.at(-1)!.text)![0];
  const row = await app.database.db.selectFrom('cases').select(['id', 'customer_id']).where('number', '=', number).executeTakeFirstOrThrow();
  return { c, caseId: row.id, customerId: row.customer_id };
}

describe('Telegram webhook', () => {
  it('registers the webhook with its secret and the updates it handles', () => {
    const [call] = fake.callsOf('setWebhook');
    expect(call!.params).toMatchObject({ url: 'https://hearken.example.test/telegram/webhook', secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    expect(app.logs.find((l) => l.msg === 'hearken started')).toMatchObject({ channels: ['webchat', 'telegram'] });
  });

  it('refuses a wrong or missing secret token with 403 and handles nothing', async () => {
    const user = createUser();
    const update = createMessageUpdate(user, { text: 'hi' });
    expect((await postUpdate(app.url, 'wrong', update)).status).toBe(403);
    expect((await postUpdate(app.url, undefined, update)).status).toBe(403);
    expect((await postUpdate(app.url, `${SECRET}x`, update)).status).toBe(403);
    const customers = await app.database.db.selectFrom('customers').selectAll().where('channel', '=', 'telegram').where('external_id', '=', String(user.id)).execute();
    expect(customers).toEqual([]);
  });

  it('answers a body that is not an update with 400', async () => {
    const res = await fetch(`${app.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: '{"hello": 1}' });
    expect(res.status).toBe(400);
  });

  it('answers /start with the welcome and an inline keyboard, and a pressed button with answerCallbackQuery in the webhook response', async () => {
    const c = customer();
    let replies = await c.say('/start');
    expect(replies.at(-1)!.text).toContain('tell me what happened');
    replies = await c.say('The washing machine leaks water from the door after two weeks.');
    expect(replies.at(-1)!.text).toContain('It sounds like a problem with product quality');
    expect(replies.at(-1)!.choices.map((x) => x.value)).toContain('opt:product_quality');
    expect(c.lastWebhookAnswer).toBeUndefined();
    const before = fake.callsOf('answerCallbackQuery').length;
    replies = await c.press('opt:product_quality');
    expect(replies.at(-1)!.text).toContain('order number or photos');
    // Telegram runs the method named in the webhook response: no Bot API call of our own.
    expect(c.lastWebhookAnswer).toEqual({ method: 'answerCallbackQuery', callback_query_id: expect.stringMatching(/^cb\d+$/) });
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(before);
    // /start again mid-intake resumes; /cancel@bot is the cancel command.
    replies = await c.say('/start');
    expect(replies.at(-1)!.text).toContain('order number or photos');
    replies = await c.say('/cancel@hearken_test_bot');
    expect(replies.at(-1)!.text).toContain('was cancelled');
    replies = await c.say('/help');
    expect(replies.at(-1)!.text).toContain('step by step');
  });

  it('keeps the largest photo size as evidence, downloaded through getFile', async () => {
    const c = customer();
    await c.say('/start');
    await c.say('The washing machine leaks water from the door after two weeks.');
    await c.press('opt:product_quality');
    // JPEG bytes (start of image, JFIF): files are judged by their bytes.
    const jpeg = (tail: string) => Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), Buffer.from(tail)]);
    const small = fake.addFile(jpeg('small'));
    const large = fake.addFile(jpeg('the-large-jpeg-bytes'));
    const replies = await c.send(createMessageUpdate(c.user, {
      caption: 'the lid',
      photo: [
        { file_id: small.fileId, file_unique_id: small.uniqueId, width: 90, height: 90, file_size: small.size },
        { file_id: large.fileId, file_unique_id: large.uniqueId, width: 800, height: 800, file_size: large.size },
      ],
    }));
    expect(replies.at(-1)!.text).toContain(`Received photo-${large.uniqueId}.jpg (1 file(s) so far)`);
    expect(fake.callsOf('getFile').at(-1)!.params).toEqual({ file_id: large.fileId });
    const stored = await app.database.db.selectFrom('attachments').selectAll().where('file_name', '=', `photo-${large.uniqueId}.jpg`).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ channel: 'telegram', mime_type: 'image/jpeg', size_bytes: large.size, case_id: null });
  });

  it('refuses a file over the size limit without downloading it, and one Telegram says is too big', async () => {
    const c = customer();
    await c.say('/start');
    const getFiles = fake.callsOf('getFile').length;
    const huge = fake.addFile(Buffer.from('x'), { declaredSize: 25 * 1024 * 1024 });
    let replies = await c.send(createMessageUpdate(c.user, { document: { file_id: huge.fileId, file_unique_id: huge.uniqueId, file_size: huge.size, file_name: 'scan.pdf', mime_type: 'application/pdf' } }));
    expect(replies[0]!.text).toBe('I could not accept scan.pdf: the file is too large.');
    expect(fake.callsOf('getFile')).toHaveLength(getFiles);

    const unknown = fake.addFile(Buffer.from('x'));
    fake.failNext('getFile', { error_code: 400, description: 'Bad Request: file is too big' });
    replies = await c.send(createMessageUpdate(c.user, { document: { file_id: unknown.fileId, file_unique_id: unknown.uniqueId, file_name: 'other.pdf', mime_type: 'application/pdf' } }));
    expect(replies[0]!.text).toBe('I could not accept other.pdf: the file is too large.');
  });

  it('ignores group chats: one customer per person, never in front of others', async () => {
    const user = createUser();
    const update = createMessageUpdate(user, { text: 'hello group', chat: { id: -100123, type: 'supergroup', title: 'shop' } });
    expect((await postUpdate(app.url, SECRET, update)).status).toBe(200);
    const customers = await app.database.db.selectFrom('customers').selectAll().where('external_id', '=', String(user.id)).execute();
    expect(customers).toEqual([]);
    expect(fake.calls.filter((call) => call.params.chat_id === -100123)).toEqual([]);
  });
});

describe('Telegram delivery through the outbox', () => {
  it('waits out a 429 retry_after and then delivers the message exactly once', async () => {
    const c = customer();
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { match: (p) => p.chat_id === c.user.id });
    const replies = await c.say('hello');
    expect(replies).toHaveLength(1);
    const attempts = fake.callsOf('sendMessage').filter((call) => call.params.chat_id === c.user.id);
    expect(attempts.map((a) => a.outcome)).toEqual([429, 'ok']);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    const [row] = await outboxRowsOf(c.user.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(row!.last_error).toBeNull();
  });

  it('retries a 5xx with backoff', async () => {
    const c = customer();
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, { match: (p) => p.chat_id === c.user.id });
    const replies = await c.say('hello');
    expect(replies).toHaveLength(1);
    const attempts = fake.callsOf('sendMessage').filter((call) => call.params.chat_id === c.user.id);
    expect(attempts.map((a) => a.outcome)).toEqual([502, 'ok']);
    expect(app.logs.some((l) => l.msg === 'delivery failed; will retry' && l.channel === 'telegram' && String((l.err as { message?: string } | undefined)?.message).includes('502'))).toBe(true);
  });

  it('gives up on a user who blocked the bot (403) and records it on the case', async () => {
    const { c, caseId, customerId } = await customerWithCase();
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, { match: (p) => p.chat_id === c.user.id });
    const customerRow = await app.database.db.selectFrom('customers').select('address').where('id', '=', customerId).executeTakeFirstOrThrow();
    // A staff reply for the case, as the desk would queue it.
    await enqueueOutbound(app.database.db, [{ customerId, caseId, channel: 'telegram', conversationKey: `telegram:${c.user.id}`, address: customerRow.address, payload: { text: 'A reply from our staff.' } }]);
    app.outbox.kick();
    await c.replies();
    const rows = await outboxRowsOf(c.user.id);
    expect(rows.at(-1)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.at(-1)!.last_error).toContain('403');
    const events = await app.database.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('action', '=', 'delivery_failed').execute();
    expect(events).toHaveLength(1);
    expect(fake.callsOf('sendMessage').filter((call) => call.params.chat_id === c.user.id && call.params.text === 'A reply from our staff.')).toHaveLength(1);
  });

  it('keeps to about one message a second per chat after a small burst, without holding up other chats', async () => {
    const { c, customerId } = await customerWithCase();
    const other = await customerWithCase();
    const address = async (id: number) => (await app.database.db.selectFrom('customers').select('address').where('id', '=', id).executeTakeFirstOrThrow()).address;
    await new Promise((r) => setTimeout(r, 3_000)); // let both chats' buckets refill
    const texts = ['one', 'two', 'three', 'four', 'five'];
    const busyAddress = await address(customerId);
    await enqueueOutbound(app.database.db, texts.map((text) => ({ customerId, caseId: null, channel: 'telegram', conversationKey: `telegram:${c.user.id}`, address: busyAddress, payload: { text } })));
    app.outbox.kick();
    await fake.waitFor(() => fake.sentTo(c.user.id).some((call) => call.params.text === 'three'));
    // While the busy chat waits for its bucket, another chat's message goes out at once.
    const queuedAt = Date.now();
    await enqueueOutbound(app.database.db, [{ customerId: other.customerId, caseId: null, channel: 'telegram', conversationKey: `telegram:${other.c.user.id}`, address: await address(other.customerId), payload: { text: 'not held up' } }]);
    app.outbox.kick();
    await other.c.replies();
    const otherSend = fake.sentTo(other.c.user.id).find((call) => call.params.text === 'not held up')!;
    expect(otherSend.at - queuedAt).toBeLessThan(500);
    await c.replies();
    const sends = fake.sentTo(c.user.id).filter((call) => texts.includes(call.params.text));
    expect(sends.map((s) => s.params.text)).toEqual(texts);
    // Burst of 3, then ~1/s.
    expect(sends[3]!.at - sends[0]!.at).toBeGreaterThanOrEqual(900);
    expect(sends[4]!.at - sends[3]!.at).toBeGreaterThanOrEqual(900);
    expect(otherSend.at).toBeLessThan(sends[3]!.at);
  });
});

describe('Telegram without PUBLIC_URL', () => {
  it('long-polls getUpdates, answers, and stops polling when the app stops', async () => {
    const polling = new FakeTelegramApi();
    await polling.start();
    const pollingApp = await startTestApp({ TELEGRAM_BOT_TOKEN: polling.token, TELEGRAM_API_ROOT: polling.url });
    try {
      await polling.waitFor(() => polling.callsOf('getUpdates').length > 0);
      expect(polling.callsOf('deleteWebhook')).toHaveLength(1);
      expect(polling.callsOf('setWebhook')).toHaveLength(0);
      expect((await fetch(`${pollingApp.url}/telegram/webhook`, { method: 'POST' })).status).toBe(404);
      const user = createUser({ language_code: 'zh-hans' });
      polling.pushUpdate(createMessageUpdate(user, { text: '/start' }));
      await polling.waitFor(() => polling.sentTo(user.id).length > 0);
      expect(String(polling.sentTo(user.id)[0]!.params.text)).toContain('请简单说说发生了什么');
      polling.pushUpdate(createMessageUpdate(user, { text: '水壶用了一天盖子就断了，质量太差了' }));
      await polling.waitFor(() => polling.sentTo(user.id).length > 1);
      expect(String(polling.sentTo(user.id)[1]!.params.text)).toContain('对吗？');
      // No webhook response to carry it: a pressed button is answered with a Bot API call.
      polling.pushUpdate(createCallbackUpdate(user, 'opt:product_quality', Number(polling.sentTo(user.id)[1]!.result?.message_id ?? 0)));
      await polling.waitFor(() => polling.callsOf('answerCallbackQuery').length === 1);
    } finally {
      await pollingApp.stop();
    }
    const polls = polling.callsOf('getUpdates').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(polling.callsOf('getUpdates').length).toBe(polls);
    await polling.stop();
  });
});
