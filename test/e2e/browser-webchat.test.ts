import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useWebchatBrowser } from '../support/webchat-page.ts';

const chat = useWebchatBrowser();

async function click(page: Page, label: string) {
  await page.locator('.msg--out').last().getByRole('button', { name: label, exact: true }).click();
}

describe('web chat in a real browser', () => {
  it('completes an intake on the page and shows the case number; a returning visitor sees the conversation', async () => {
    const { context, page } = await chat.started();
    await chat.type(page, 'The shop assistant shouted at me when I asked for a receipt. <b>not bold</b>');
    await chat.botSays(page, 'It sounds like a problem with service attitude');
    await click(page, "Yes, that's it");
    await chat.botSays(page, 'When and where');
    await page.setInputFiles('#file', { name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') });
    // The file waits in the tray and goes with the next send (once uploaded).
    await page.press('#input', 'Enter');
    await chat.botSays(page, 'Received receipt.png');
    await click(page, 'Done');
    await chat.botSays(page, 'What would you like us to do?');
    await click(page, 'Apology');
    await chat.botSays(page, 'please give me your name and a phone number or e-mail address');
    await chat.type(page, 'Carol Browser carol@example.com');
    await chat.botSays(page, 'Shall I submit it?');
    await expect.poll(() => page.locator('.card dd').allTextContents()).toContain('receipt.png');
    await click(page, 'Confirm and submit');
    await chat.botSays(page, 'Your complaint is registered as case');
    const confirmation = await page.locator('.msg--out').last().textContent();
    const number = /C-\d{4}-\d{6}/.exec(confirmation ?? '')?.[0];
    expect(number).toBeDefined();
    // Customer text is shown as text, never as markup.
    expect(await page.locator('.msg--in b').count()).toBe(0);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webchat-intake.png', fullPage: true });

    const row = await chat.app.database.db.selectFrom('cases').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ category: 'service_attitude', desired_resolution: 'apology', contact_email: 'carol@example.com' });
    expect(row.evidence).toEqual([expect.objectContaining({ fileName: 'receipt.png', mimeType: 'image/png' })]);
    const stored = await chat.app.database.db.selectFrom('attachments').select(['case_id', 'size_bytes']).executeTakeFirstOrThrow();
    expect(stored).toEqual({ case_id: row.id, size_bytes: 16 });

    // The visitor comes back later: same browser storage, same conversation.
    const again = await context.newPage();
    await again.goto(chat.app.url);
    await again.locator('.msg--out', { hasText: number! }).waitFor({ timeout: 10_000 });
    await chat.type(again, 'status');
    await chat.botSays(again, `Case ${number}`);
    await context.close();
  });

  it('opens the chat from the one-line embed on another site', async () => {
    // The company's own site, on another origin, with the one-line embed.
    const site = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>Shop</title><h1>Shop</h1><script src="${chat.app.url}/widget.js" async></script>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const page = await chat.browser.newPage();
    try {
      await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      await page.getByRole('button', { name: /Complaints & feedback/ }).click({ timeout: 10_000 });
      const frame = page.frameLocator('iframe[title="Complaints & feedback"]');
      await frame.locator('#input').fill('你好', { timeout: 10_000 });
      await frame.locator('#input').press('Enter');
      await frame.locator('.msg--out', { hasText: '请简单说说发生了什么' }).waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
      site.close();
    }
  });
});
