import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from '../contract/channel-contract.ts';
import { BotFrameworkCustomer } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { createUser, TelegramCustomer } from '../support/telegram-customer.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19 item 4: a file is what its bytes say, on every channel. HTML or
 * SVG declared as image/png and an executable declared as application/pdf
 * are refused; the stored name carries no bidi, zero-width or control
 * characters and ends with the detected type's extension.
 */

const SECRET = 'security-secret-0123456789';
const HTML = Buffer.from('<!doctype html><html><body><script>document.location="https://evil.example/"</script></body></html>');
const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');
// A DOS/PE header: what an .exe starts with.
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(64)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const DISGUISED_NAME = 'invoice\u202Efdp.exe';
const HIDDEN = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

const telegram = new FakeTelegramApi();
const connector = new FakeBotConnector();
let app: TestApp;

beforeAll(async () => {
  await Promise.all([telegram.start(), connector.start()]);
  app = await startTestApp({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'https://hearken.example.test',
    BOTFRAMEWORK_SDK: 'botbuilder',
    BOTFRAMEWORK_EMULATOR: 'true',
  });
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([telegram.stop(), connector.stop()]);
});

const storedFiles = (channel: string) =>
  app.database.db.selectFrom('attachments').select(['file_name', 'mime_type', 'size_bytes']).where('channel', '=', channel).orderBy('created_at').execute();

interface FileSender {
  sendFile(file: { fileName: string; mimeType: string; content: Buffer }): Promise<Array<{ text: string }>>;
  say(text: string): Promise<Array<{ text: string }>>;
}

const channels: Array<[string, () => FileSender]> = [
  ['telegram', () => new TelegramCustomer(telegram, () => app, SECRET, createUser({ first_name: 'Mallory' }))],
  ['botframework', () => new BotFrameworkCustomer(connector, () => app, { id: `user-${randomUUID()}`, name: 'Mallory' })],
];

describe.each(channels)('%s: files are judged by their bytes', (channel, open) => {
  it('refuses HTML and SVG sent as image/png and an executable sent as application/pdf, and says so', async () => {
    const customer = open();
    await customer.say('hello');
    const before = (await storedFiles(channel)).length;
    for (const [fileName, mimeType, content] of [
      ['photo.png', 'image/png', HTML],
      ['drawing.png', 'image/png', SVG],
      ['receipt.pdf', 'application/pdf', EXE],
    ] as const) {
      const replies = await customer.sendFile({ fileName, mimeType, content });
      expect({ fileName, told: replies.map((r) => r.text).join('\n') }).toEqual({ fileName, told: expect.stringContaining(`I could not accept ${fileName}`) });
    }
    expect((await storedFiles(channel)).length).toBe(before);
  });

  it('stores a real PDF under a cleaned name with the extension of what it is', async () => {
    const customer = open();
    await customer.say('hello');
    await customer.sendFile({ fileName: DISGUISED_NAME, mimeType: 'application/pdf', content: PDF });
    await customer.sendFile({ fileName: 'pho\u200Bto\u2066.jpeg', mimeType: 'image/png', content: PNG });
    const stored = (await storedFiles(channel)).slice(-2);
    expect(stored).toEqual([
      { file_name: 'invoicefdp.pdf', mime_type: 'application/pdf', size_bytes: PDF.length },
      { file_name: 'photo.png', mime_type: 'image/png', size_bytes: PNG.length },
    ]);
    for (const row of stored) expect(row.file_name).not.toMatch(HIDDEN);
  });
});

describe('web chat uploads are judged by their bytes', () => {
  const upload = (client: WebchatClient, content: Buffer, contentType: string, fileName: string) =>
    fetch(`${client.baseUrl}/webchat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': contentType, 'x-file-name': encodeURIComponent(fileName) },
      body: new Uint8Array(content),
    });

  it('answers 415 for HTML or SVG sent as image/png and an executable sent as application/pdf, storing nothing', async () => {
    const client = await WebchatClient.open(app.url);
    const before = (await storedFiles('webchat')).length;
    for (const [content, type] of [[HTML, 'image/png'], [SVG, 'image/png'], [EXE, 'application/pdf']] as const) {
      const res = await upload(client, content, type, 'file.png');
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'unsupported_type' } });
    }
    expect((await storedFiles('webchat')).length).toBe(before);
  });

  it('stores a real PDF with its detected type and a cleaned name', async () => {
    const client = await WebchatClient.open(app.url);
    const res = await upload(client, PDF, 'application/octet-stream', DISGUISED_NAME);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ fileName: 'invoicefdp.pdf', mimeType: 'application/pdf', sizeBytes: PDF.length });
    expect((await storedFiles('webchat')).at(-1)).toEqual({ file_name: 'invoicefdp.pdf', mime_type: 'application/pdf', size_bytes: PDF.length });
  });
});
