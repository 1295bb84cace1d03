import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { cleanText } from '../../src/conversation/validators.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createUser, postUpdate, TelegramCustomer } from '../support/telegram-customer.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * The bad-input corpus, through every entry point (the page check needs
 * Chromium: apt-get install -y chromium): forged credentials,
 * malformed, oversized and deeply nested bodies, hostile text in every free
 * field, unsupported files. Each gets a clear answer; the app stays up and
 * loses nothing.
 */
const SECRET = 'bad-input-secret_0123456789';
const APP_ID = '00000000-0000-4000-8000-000000000001';
const fake = new FakeTelegramApi();
let app: TestApp;

const SQL = "Robert'); DROP TABLE cases; --";
const HTML = '<img src=x onerror="window.__pwned=1"><b id="pwned">bold</b><script>window.__pwned=2</script>';
const CONTROL = 'tab\there\u0000nul\u0007bell\u001bescape';
const BIDI = 'evil\u202Egnp.exe\u202C and \u2066isolate\u2069';
const ZERO_WIDTH = 'zero\u200Bwidth\u200Djoin\uFEFFbom';
const RTL = 'המוצר נשבר אחרי יומיים — المنتج تعطل بعد يومين';

const json = (res: Response) => res.json() as Promise<{ error?: { code?: string; message?: string } }>;

beforeAll(async () => {
  await fake.start();
  app = await startTestApp({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'https://hearken.example.test',
    BOTFRAMEWORK_SDK: 'botbuilder',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-a-real-password',
  });
});
afterAll(async () => {
  await app?.stop();
  await fake.stop();
});

async function stillHealthy(): Promise<void> {
  const res = await fetch(`${app.url}/healthz`);
  expect(res.status).toBe(200);
}

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const telegramHeaders = { 'x-telegram-bot-api-secret-token': SECRET };
const activity = (fields: Record<string, unknown> = {}) => ({
  type: 'message',
  id: 'act-1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  conversation: { id: 'conv-1' },
  text: 'hello',
  ...fields,
});

describe('forged credentials on every entry point', () => {
  it('Telegram: a wrong, missing or over-long secret token gets 403 and nothing is handled', async () => {
    const user = createUser();
    const update = { update_id: 1, message: { message_id: 1, date: 0, from: user, chat: { id: user.id, type: 'private' }, text: 'hi' } };
    for (const secret of ['wrong', undefined, SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase()]) {
      const res = await postUpdate(app.url, secret, update);
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ error: { code: 'forbidden' } });
    }
    const customers = await app.database.db.selectFrom('customers').select('id').where('external_id', '=', String(user.id)).execute();
    expect(customers).toEqual([]);
  });

  it('Bot Framework with an app id: no token or a token that is not a JWT gets 401', async () => {
    const body = JSON.stringify(activity());
    expect((await post('/api/messages', body)).status).toBe(401);
    expect((await post('/api/messages', body, { authorization: 'Bearer not-a-jwt' })).status).toBe(401);
    expect((await post('/api/messages', body, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
    const customers = await app.database.db.selectFrom('customers').select('id').where('channel', '=', 'botframework').execute();
    expect(customers).toEqual([]);
  });

  it('Bot Framework: a well-formed JWT with a forged signature is refused and nothing is stored', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${b64({ iss: 'https://api.botframework.com', aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 3600, serviceurl: 'https://smba.trafficmanager.net/emea/' })}.${Buffer.from('signature').toString('base64url')}`;
    const res = await post('/api/messages', JSON.stringify(activity()), { authorization: `Bearer ${forged}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    // Whatever the SDK failed on (here: fetching signing keys offline), no internals reach the caller.
    const body = await res.text();
    expect(body).not.toMatch(/botframework\.com|ENOTFOUND|Error:|at /);
    expect(JSON.parse(body)).toMatchObject({ error: { code: expect.any(String) } });
    const customers = await app.database.db.selectFrom('customers').select('id').where('channel', '=', 'botframework').execute();
    expect(customers).toEqual([]);
  });

  it('web chat: no token, a malformed token or another scheme gets 401', async () => {
    const body = JSON.stringify({ id: 'abcdefgh-1', text: 'hello' });
    for (const authorization of [undefined, 'Bearer short', 'Bearer ' + 'x'.repeat(200), 'Basic ' + 'a'.repeat(43), "Bearer ' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaa"]) {
      const res = await post('/webchat/messages', body, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    const res = await fetch(`${app.url}/webchat/messages?after=0`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });
});

describe('malformed, oversized and deeply nested bodies', () => {
  const entries = async (): Promise<Array<{ path: string; headers: Record<string, string> }>> => {
    const chat = await WebchatClient.open(app.url);
    return [
      { path: '/telegram/webhook', headers: telegramHeaders },
      { path: '/api/messages', headers: {} },
      { path: '/webchat/messages', headers: { authorization: `Bearer ${chat.token}` } },
    ];
  };

  it('malformed JSON gets 400 malformed_json on every entry point', async () => {
    for (const { path, headers } of await entries()) {
      for (const body of ['{"update_id": 1,', 'not json at all', '{"a":1}}', '\u0000\u0001']) {
        const res = await post(path, body, headers);
        expect([400, 401], `${path} ${JSON.stringify(body)}`).toContain(res.status);
        if (res.status === 400) expect((await json(res)).error?.code).toMatch(/malformed_json|invalid/);
      }
    }
    await stillHealthy();
  });

  it('a 10 MB body gets 413 too_large on every entry point, the attachment upload included', async () => {
    const big = JSON.stringify({ update_id: 5, message: { text: 'x'.repeat(10 * 1024 * 1024) } });
    for (const { path, headers } of await entries()) {
      const res = await post(path, big, headers);
      expect(res.status, path).toBe(413);
      expect((await json(res)).error?.code).toBe('too_large');
    }
    const chat = await WebchatClient.open(app.url);
    const upload = await fetch(`${app.url}/webchat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'image/png', 'x-file-name': 'big.png' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect(upload.status).toBe(413);
    await stillHealthy();
  });

  it('deeply nested JSON gets a clear answer and does not crash the app', async () => {
    const depth = 50_000;
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    const bodies = [nested, `{"update_id": 77, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "extra": ${nested}}}`];
    for (const { path, headers } of await entries()) {
      for (const body of bodies) {
        const res = await post(path, body, headers);
        expect(res.status, path).toBeGreaterThanOrEqual(200);
        expect(res.status, path).toBeLessThan(500);
      }
    }
    await stillHealthy();
  });

  it('a Telegram update that is JSON but not an update gets 400; one with unknown kinds of content is acknowledged and ignored', async () => {
    for (const body of ['[]', '"string"', '42', 'null', '{"update_id":"1"}']) {
      const res = await post('/telegram/webhook', body, telegramHeaders);
      expect(res.status, body).toBe(400);
    }
    const res = await post('/telegram/webhook', JSON.stringify({ update_id: 9_999_001, edited_channel_post: { text: 'x' } }), telegramHeaders);
    expect(res.status).toBe(200);
    const bf = await post('/api/messages', JSON.stringify({ text: 'no type' }), {});
    expect(bf.status).toBe(400);
    await stillHealthy();
  });
});

describe('hostile text in every free-text field', () => {
  it('is stored verbatim but cleaned (control, zero-width and bidi-override characters removed; RTL kept), SQL and HTML untouched, and sent as plain text', async () => {
    // Names refuse <>{}@ by design; SQL in a name is a name like any other.
    const customer = new TelegramCustomer(fake, () => app, SECRET, createUser({ first_name: `${SQL}\u200B`, last_name: undefined }));
    const description = `${SQL} ${HTML} ${CONTROL} ${BIDI} ${ZERO_WIDTH} ${RTL}`;
    const whenWhere = `${RTL} ${SQL}`;
    const details = `${whenWhere} ORD-123456'; DROP TABLE cases; --`;
    await customer.say('hello');
    let replies = await customer.say(description);
    expect(replies.at(-1)!.choices.map((c) => c.value)).toContain('opt:other');
    replies = await customer.press('opt:other');
    expect(replies.at(-1)!.text).toContain('When and where');
    replies = await customer.say(details);
    expect(replies.at(-1)!.text).toContain('What would you like us to do?');
    await customer.press('opt:other');
    replies = await customer.say(`x@y.z'; DROP TABLE customers; --`);
    expect(replies.at(-1)!.text).toContain('a phone number or e-mail address');
    replies = await customer.say(`<script>@evil.example`);
    expect(replies.at(-1)!.text).toContain('a phone number or e-mail address');
    replies = await customer.say('robert@example.com');
    const summary = replies.at(-1)!.text;
    expect(summary).toContain('Shall I submit it?');
    expect(summary).toContain(cleanText(description));
    replies = await customer.press('cmd:confirm');
    const number = /C-\d{4}-\d{6}/.exec(replies.at(-1)!.text)?.[0];
    expect(number).toBeDefined();

    const row = await app.database.db.selectFrom('cases').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    expect(row.description).toBe(`hello\n${cleanText(description)}`);
    expect(row.description).toContain(SQL);
    expect(row.description).toContain(HTML);
    expect(row.description).toContain(RTL);
    expect(row.description).not.toMatch(/[\u0000\u0007\u001b\u200B\u200D\uFEFF\u202E\u2066]/);
    expect(row.when_where).toBe(cleanText(details));
    expect(row.order_ref).toBe('ORD-123456');
    expect(row.contact_email).toBe('robert@example.com');
    expect(row.contact_name).toBe(SQL);
    // The tables the injections named are still there.
    expect((await app.database.db.selectFrom('customers').select('id').execute()).length).toBeGreaterThan(0);
    // Telegram gets plain text: no parse mode, so nothing the customer wrote is read as markup.
    for (const call of fake.callsOf('sendMessage')) expect(call.params.parse_mode).toBeUndefined();
  });

  it('the web chat page shows hostile text as text: no element or script from it runs', async (context) => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium is needed for the page check: apt-get install -y chromium');
    const chat = await WebchatClient.open(app.url);
    await chat.say('hello');
    await chat.say(`${HTML} ${SQL} ${RTL}`);
    await chat.press('opt:other');
    await chat.say(HTML);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    context.onTestFinished(() => browser.close());
    const page = await browser.newPage();
    await page.addInitScript((token) => localStorage.setItem('hearken.webchat.token', token), chat.token);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(app.url);
    await page.waitForFunction(() => (document.getElementById('log')?.textContent ?? '').includes('When and where'), undefined, { timeout: 15_000 });
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      injected: document.querySelectorAll('#log img, #log script, #pwned').length,
      text: document.getElementById('log')!.textContent ?? '',
    }));
    expect(state.pwned).toBeUndefined();
    expect(state.injected).toBe(0);
    expect(dialogs).toEqual([]);
    expect(state.text).toContain('<b id="pwned">bold</b>');
    expect(state.text).toContain(RTL);
  });
});

describe('unsupported attachments', () => {
  it('Telegram: a file of a refused type gets a reply saying why, and the intake goes on', async () => {
    const customer = new TelegramCustomer(fake, () => app, SECRET, createUser());
    await customer.say('The kettle switches itself off after a few seconds.');
    let replies = await customer.press('opt:product_quality');
    expect(replies.at(-1)!.text).toContain('order number or photos');
    replies = await customer.sendFile({ fileName: 'virus.exe', mimeType: 'application/x-msdownload', content: Buffer.from('MZ\u0090\u0000') });
    expect(replies.map((r) => r.text).join('\n')).toMatch(/could not accept virus\.exe: that type of file is not accepted/);
    replies = await customer.press('cmd:skip');
    expect(replies.at(-1)!.text).toContain('What would you like us to do?');
    const stored = await app.database.db.selectFrom('attachments').select('file_name').where('file_name', '=', 'virus.exe').execute();
    expect(stored).toEqual([]);
  });

  it('web chat: an upload of a refused type gets 415 with what is accepted', async () => {
    const chat = await WebchatClient.open(app.url);
    const res = await fetch(`${app.url}/webchat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/x-msdownload', 'x-file-name': 'virus.exe' },
      body: Buffer.from('MZ'),
    });
    expect(res.status).toBe(415);
    expect((await json(res)).error?.message).toMatch(/PDF/);
  });
});
