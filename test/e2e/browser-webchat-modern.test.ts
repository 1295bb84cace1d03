import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe.ts';
import { useWebchatBrowser } from '../support/webchat-page.ts';
import { contrast, deliverToVisitor, PDF, PNG, screenshot, visitorIdOf } from '../support/webchat-screens.ts';

// The web chat page against what visitors know from modern chat widgets
// (issue #15, "Friction" and "Expected in a modern widget").
const chat = useWebchatBrowser();

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** A page in a context that may run axe (the chat's CSP forbids inline scripts, which is how axe is injected). */
function open(options: BrowserContextOptions = {}) {
  return chat.opened({ bypassCSP: true, ...options });
}

async function click(page: Page, label: string) {
  await page.locator('.msg--out').last().getByRole('button', { name: label, exact: true }).click();
}

describe('the web chat page', () => {
  it('keeps a description typed at a choice step, re-prompts without numbers, and wraps the summary card on a phone', async () => {
    const { page } = await open(PHONE);
    await chat.greet(page);
    await chat.type(page, 'The shop assistant shouted at me when I asked for a receipt.');
    await chat.botSays(page, 'It sounds like a problem with service attitude');
    // More of the story at the category question: kept, and the question stays.
    await chat.type(page, 'He also threw my receipt on the floor and laughed at me in front of everyone.');
    await chat.botSays(page, "I've added that to your complaint");
    const customer = await chat.app.database.db.selectFrom('customers').select('state').where('channel', '=', 'webchat').where('external_id', '=', await visitorIdOf(page)).executeTakeFirstOrThrow();
    expect(JSON.stringify(customer.state)).toContain('threw my receipt on the floor');
    // A word that answers nothing: the re-prompt speaks of the buttons as they are (no numbers on them).
    await chat.type(page, 'xyz');
    await chat.botSays(page, 'Please pick one of the options');
    const reprompt = page.locator('.msg--out').last();
    expect(await reprompt.locator('.msg__text').textContent()).not.toMatch(/number/i);
    expect((await reprompt.locator('.msg__choices button').allTextContents()).every((label) => !/\d/.test(label))).toBe(true);

    await click(page, "Yes, that's it");
    await chat.botSays(page, 'When and where');
    await chat.type(page, `Yesterday at the High Street shop, order reference https://shop.example.com/orders/${'A1B2C3D4E5'.repeat(8)}`);
    // The bot may ask for what is still missing (an order number, photos) or move on.
    const ask = page.locator('.msg--out', { hasText: 'What would you like us to do?' });
    await page.locator('.msg--out', { hasText: /What would you like us to do\?|please send them|If you have photos|Please tell me when and where/ }).last().waitFor({ timeout: 10_000 });
    if ((await ask.count()) === 0) await click(page, 'Nothing more');
    await ask.waitFor({ timeout: 10_000 });
    await click(page, 'Apology');
    await chat.botSays(page, 'please give me your name and a phone number or e-mail address');
    await chat.type(page, 'Carol Longname-Wrapping-Test carol.with.a.very.long.address.indeed@example-of-a-long-domain.com');
    await chat.botSays(page, 'Shall I submit it?');
    const card = page.locator('.card').last();
    await card.waitFor();
    // Nothing wider than the phone: the card and the page keep their widths.
    expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const box = (await card.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'chat-phone-summary');
  }, 120_000);

  it('speaks Chinese in a Chinese conversation: header, Send, placeholder, greeting with the reply time, and upload errors naming the limit', async () => {
    const { page } = await open({ locale: 'en-GB' });
    await page.goto(chat.app.url);
    await expect.poll(() => page.textContent('#send')).toBe('Send');
    expect(await page.textContent('#reply-time')).toBe('A member of our team replies within a day.');
    // The visitor writes Chinese in an English browser: the conversation, and so the page, is Chinese.
    await chat.type(page, '你好');
    await chat.botSays(page, '发生了什么');
    await expect.poll(() => page.textContent('#send')).toBe('发送');
    expect(await page.textContent('h1')).toBe('客户服务');
    expect(await page.getAttribute('#input', 'placeholder')).toBe('请输入您的消息…');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
    expect(await page.textContent('#greeting')).toContain('您可以在这里反映产品或服务方面的问题');
    expect(await page.textContent('#reply-time')).toBe('我们的工作人员会在 1 天内回复您。');
    expect(await page.getAttribute('#attach', 'aria-label')).toBe('添加照片或 PDF 文件');

    // Checked in the browser against the server's limits: nothing is uploaded.
    let uploads = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/webchat/attachments')) uploads++;
    });
    await page.setInputFiles('#file', { name: '大照片.png', mimeType: 'image/png', buffer: Buffer.alloc(12 * 1024 * 1024) });
    await expect.poll(() => page.textContent('#status')).toBe('大照片.png 大小为 12 MB，文件不能超过 10 MB。');
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => page.textContent('#status')).toBe('无法发送 notes.txt：我们接受 JPEG, PNG, WEBP, GIF, PDF。');
    expect(uploads).toBe(0);
    expect(await page.locator('.tray__item').count()).toBe(0);
    // A refusal from the server is told in the page's words, by its code, not in the server's English.
    await page.route('**/webchat/attachments', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: { code: 'too_many_files', message: 'You have sent several files that are not part of a message yet.' } }) }),
    );
    await page.setInputFiles('#file', { name: '收据.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) });
    await expect.poll(() => page.textContent('#status')).toBe('您已发送了几个尚未随消息发出的文件。请先发送消息，再发送更多文件。');
    await page.unroute('**/webchat/attachments');
    await screenshot(page, 'chat-desktop-chinese');

    // Traditional Chinese: a visitor whose browser prefers it sees the page in Traditional characters.
    const { context: traditional, page: tw } = await open({ locale: 'zh-TW' });
    await tw.goto(chat.app.url);
    await expect.poll(() => tw.textContent('#send')).toBe('發送');
    expect(await tw.textContent('h1')).toBe('客戶服務');
    expect(await tw.evaluate(() => document.documentElement.lang)).toBe('zh-Hant');
    await traditional.close();
  }, 90_000);

  it('shows times in the visitor\'s own time zone, labelled with it', async () => {
    const { page } = await open({ timezoneId: 'America/New_York' });
    await chat.greet(page);
    const time = page.locator('.msg--out .msg__time').last();
    const iso = (await time.getAttribute('datetime'))!;
    const shown = await time.textContent();
    const inNewYork = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', timeZone: 'America/New_York' }).format(new Date(iso));
    const inUtc = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(iso));
    expect(shown).toBe(inNewYork);
    expect(shown).not.toBe(inUtc);
    // The full date and the zone on hover (and for screen readers through the title).
    expect(await time.getAttribute('title')).toMatch(/GMT-[45]|EST|EDT/);
    expect(await page.textContent('#welcome')).toContain('Times are shown in your local time.');
  }, 90_000);

  it('makes web addresses clickable links and nothing else: http(s) only, a new tab without opener or referrer, text never as markup', async () => {
    const { page } = await open();
    await chat.greet(page);
    await deliverToVisitor(chat.app, await visitorIdOf(page), 'Our returns page: https://shop.example.com/returns?from=chat. Not links: javascript:alert(1) data:text/html,x <img src=x onerror="window.pwned=1"> <a href="https://evil.example">click</a>');
    await chat.botSays(page, 'Our returns page');
    const line = page.locator('.msg--out').last();
    const links = await line.locator('a').evaluateAll((as) => as.map((a) => ({ href: (a as HTMLAnchorElement).href, text: a.textContent, target: a.getAttribute('target'), rel: a.getAttribute('rel') })));
    expect(links).toEqual([
      { href: 'https://shop.example.com/returns?from=chat', text: 'https://shop.example.com/returns?from=chat', target: '_blank', rel: 'noopener noreferrer nofollow' },
      // Inside the quoted markup: a link of its own text, the markup shown as text.
      { href: 'https://evil.example/', text: 'https://evil.example', target: '_blank', rel: 'noopener noreferrer nofollow' },
    ]);
    expect(await line.locator('img').count()).toBe(0);
    expect(await line.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // The visitor's own link too.
    await chat.type(page, 'See http://example.org/a_(b) please');
    const own = chat.delivered(page, 'See http');
    await own.waitFor({ timeout: 10_000 });
    expect(await own.locator('a').getAttribute('href')).toBe('http://example.org/a_(b)');
  }, 90_000);

  it('shows the bot typing from the moment the server has a message until its reply', async () => {
    const { page } = await open();
    // Replies are held back at the test's command, so the waiting is visible.
    let hold: Promise<void> | undefined;
    let release = () => {};
    await page.route((url) => url.pathname === '/webchat/messages', async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const response = await route.fetch();
      while (hold !== undefined) await hold;
      await route.fulfill({ response });
    });
    await chat.greet(page);
    expect(await page.isVisible('#typing')).toBe(false);
    hold = new Promise<void>((resolve) => (release = () => { hold = undefined; resolve(); }));
    await chat.type(page, 'The courier never came.');
    await chat.delivered(page, 'The courier never came.').or(page.locator('.msg--local[data-state="sent"]')).first().waitFor();
    await page.locator('#typing').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#typing')).toContain('hearken is typing…');
    release();
    await page.locator('#typing').waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await page.locator('.msg--out').count()).toBeGreaterThan(1);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  }, 90_000);

  it('takes several files at once, by picker, drop and paste: thumbnails, progress, remove, then one message', async () => {
    const { page } = await open();
    await chat.greet(page);
    await page.setInputFiles('#file', [
      { name: 'front.png', mimeType: 'image/png', buffer: PNG },
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'wrong-one.png', mimeType: 'image/png', buffer: PNG },
    ]);
    const items = page.locator('.tray__item');
    await expect.poll(() => items.count()).toBe(3);
    // An image shows its own thumbnail, a PDF a document icon; each has a progress bar and a remove button.
    expect(await items.nth(0).locator('img.tray__thumb').count()).toBe(1);
    expect(await items.nth(1).locator('.tray__thumb svg').count()).toBe(1);
    expect(await items.locator('progress').count()).toBe(3);
    await expect.poll(() => items.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state === 'ready'))).toBe(true);
    await page.getByRole('button', { name: 'Remove wrong-one.png' }).click();
    await expect.poll(() => items.count()).toBe(2);
    // Focus stays in the tray's row (or goes back to the input) after a removal.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id)).toMatch(/Remove invoice.pdf|input/);

    // Dropped on the chat: a drop zone shows while files hover.
    const dropped = await page.evaluateHandle((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      return data;
    }, [...PNG]);
    await page.dispatchEvent('#chat', 'dragover', { dataTransfer: dropped });
    expect(await page.isVisible('#drop')).toBe(true);
    await page.dispatchEvent('#chat', 'drop', { dataTransfer: dropped });
    expect(await page.isVisible('#drop')).toBe(false);
    // Pasted into the message box (a screenshot from the clipboard).
    await page.locator('#input').evaluate((input, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...PNG]);
    await expect.poll(() => items.count()).toBe(4);
    await expect.poll(() => items.evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset.state === 'ready'))).toBe(true);
    await screenshot(page, 'chat-desktop-attachments');

    // Touch targets of at least 24 px, an icon that needs no emoji font.
    for (const selector of ['#attach', '#send', '.tray__remove']) {
      const box = (await page.locator(selector).first().boundingBox())!;
      expect(Math.min(box.width, box.height), selector).toBeGreaterThanOrEqual(24);
    }
    expect(await page.locator('#attach svg').count()).toBe(1);
    expect(await page.textContent('#attach')).not.toMatch(/\p{Extended_Pictographic}/u);

    await page.fill('#input', 'Photos of the damage and the invoice');
    await page.press('#input', 'Enter');
    await chat.delivered(page, 'Photos of the damage').waitFor({ timeout: 10_000 });
    expect(await page.locator('.tray__item').count()).toBe(0);
    const line = await chat.app.database.db.selectFrom('webchat_messages').select('payload').where('direction', '=', 'in').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((line.payload as { attachments: string[] }).attachments.sort()).toEqual(['dropped.png', 'front.png', 'invoice.pdf', 'pasted.png']);
    await chat.botSays(page, 'tell me what happened');
  }, 90_000);

  it('follows the dark colour scheme, keeps borders at 3:1 and a 16 px input on phones, and has no serious accessibility violations', async () => {
    const { page } = await open(PHONE);
    await chat.greet(page);
    await chat.type(page, 'The kettle I bought last week stopped heating after two days.');
    await chat.botSays(page, 'It sounds like a problem with product quality');
    const colours = () => page.evaluate(() => {
      const style = (sel: string) => getComputedStyle(document.querySelector(sel)!);
      return { surface: style('.chat').backgroundColor, text: style('.chat').color, inputBorder: style('#input').borderTopColor, attachBorder: style('#attach').borderTopColor, welcomeBorder: style('.chat__welcome').borderTopColor, inputFont: style('#input').fontSize };
    });
    const light = await colours();
    expect(light.inputFont).toBe('16px');
    for (const border of [light.inputBorder, light.attachBorder, light.welcomeBorder]) expect(contrast(border, light.surface)).toBeGreaterThanOrEqual(3);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone');

    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    expect(contrast(dark.surface, 'rgb(0, 0, 0)')).toBeLessThan(1.5);
    expect(contrast(dark.text, dark.surface)).toBeGreaterThanOrEqual(7);
    for (const border of [dark.inputBorder, dark.attachBorder, dark.welcomeBorder]) expect(contrast(border, dark.surface)).toBeGreaterThanOrEqual(3);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'chat-phone-dark');

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'chat-desktop');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'chat-desktop-dark');
  }, 90_000);
});
