import { describe, expect, it } from 'vitest';
import { webchatVisitorId } from '../support/webchat-client.ts';
import { useWebchatBrowser } from '../support/webchat-page.ts';

/** Issue 19, item 17, in the page: a stored token the server does not know is replaced by one it issues. */
const chat = useWebchatBrowser();

describe('web chat page and its token', () => {
  it('replaces a token the server never issued with an issued one and chats on', async () => {
    const forged = 'a'.repeat(43);
    const context = await chat.browser.newContext({ locale: 'en-GB' });
    await context.addInitScript((token) => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('hearken.webchat.token', token);
        sessionStorage.setItem('seeded', '1');
      }
    }, forged);
    const page = await context.newPage();
    await page.goto(chat.app.url);
    await page.fill('#input', 'Hello');
    await page.press('#input', 'Enter');
    await page.locator('.msg--out', { hasText: 'what happened' }).last().waitFor({ timeout: 10_000 });
    const token = await page.evaluate(() => localStorage.getItem('hearken.webchat.token'));
    expect(token).not.toBe(forged);
    const visitor = await chat.app.database.db.selectFrom('customers').select('id').where('channel', '=', 'webchat').where('external_id', '=', webchatVisitorId(token!)).executeTakeFirst();
    expect(visitor).toBeDefined();
    const forgedRows = await chat.app.database.db.selectFrom('webchat_messages').select('id').where('visitor_id', '=', webchatVisitorId(forged)).execute();
    expect(forgedRows).toEqual([]);
    await context.close();
  });
});
