import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// The page's outbox: a message typed offline is kept (across reloads too) and
// reaches the case exactly once; and the page's keyboard, IME and screen-reader use.
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  app = await startTestApp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function botSays(page: Page, text: string) {
  await page.locator('.msg--out', { hasText: text }).last().waitFor({ timeout: 10_000 });
}

async function type(page: Page, text: string) {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

/** How many of the customers' own lines in the transcript say exactly this. */
async function linesSaying(text: string): Promise<number> {
  const rows = await app.database.db.selectFrom('webchat_messages').select('payload').where('direction', '=', 'in').execute();
  return rows.filter((r) => {
    const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { text?: string };
    return payload.text === text;
  }).length;
}

/** A page that has started a conversation (consent question shown). */
async function started(options: { clock?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  if (options.clock) await page.clock.install();
  await page.goto(app.url);
  await type(page, 'Hello');
  await botSays(page, 'Do you agree?');
  return { context, page };
}

const outboxOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('hearken.webchat.outbox') ?? '[]') as Array<{ shown: string }>);
const delivered = (page: Page, text: string) => page.locator('.msg--in:not(.msg--local)', { hasText: text });

describe('web chat outbox in a real browser', () => {
  it('shows a message typed offline at once, keeps it across a reload while offline, and delivers it exactly once when back online', async () => {
    const { context, page } = await started();
    try {
      await context.setOffline(true);
      await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
      await type(page, 'My parcel never arrived');
      await page.locator('.msg--local', { hasText: 'My parcel never arrived' }).waitFor();
      expect(await outboxOf(page)).toEqual([expect.objectContaining({ shown: 'My parcel never arrived' })]);

      // Offline, the reload cannot even fetch the page; the message waits in storage.
      await expect(page.reload()).rejects.toThrow();
      await context.setOffline(false);
      await page.goto(app.url);
      await delivered(page, 'My parcel never arrived').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
      await expect.poll(() => outboxOf(page)).toEqual([]);
      expect(await linesSaying('My parcel never arrived')).toBe(1);
      // The conversation goes on, and nothing more of that message arrives.
      await type(page, 'Hello again');
      await delivered(page, 'Hello again').waitFor({ timeout: 10_000 });
      expect(await linesSaying('My parcel never arrived')).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('after ~15 s offline marks the message "Not sent" (the notice stays), and sends it once the network is back', async () => {
    const { context, page } = await started({ clock: true });
    try {
      await context.setOffline(true);
      await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
      await type(page, 'The box was crushed');
      const bubble = page.locator('.msg--local', { hasText: 'The box was crushed' });
      await bubble.waitFor();
      // Each retry waits longer; time is moved on until the page gives up.
      await expect
        .poll(async () => {
          await page.clock.fastForward(3000);
          return bubble.getAttribute('data-state');
        }, { timeout: 20_000 })
        .toBe('failed');
      await expect(bubble.getByRole('button', { name: 'Retry' }).isVisible()).resolves.toBe(true);
      expect(await page.inputValue('#input')).toBe('');
      // The polls that go on do not wipe the notice.
      await page.clock.fastForward(5000);
      await expect(bubble.locator('.msg__state').textContent()).resolves.toContain('Not sent');

      await context.setOffline(false);
      await delivered(page, 'The box was crushed').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
      expect(await linesSaying('The box was crushed')).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('offers Retry when the server cannot be reached, and Retry sends it', async () => {
    const { context, page } = await started({ clock: true });
    try {
      await page.route('**/webchat/messages', (route) => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.fallback()));
      await type(page, 'Nobody called me back');
      const bubble = page.locator('.msg--local', { hasText: 'Nobody called me back' });
      await expect
        .poll(async () => {
          await page.clock.fastForward(3000);
          return bubble.getAttribute('data-state');
        }, { timeout: 20_000 })
        .toBe('failed');
      await page.unroute('**/webchat/messages');
      await bubble.getByRole('button', { name: 'Retry' }).click();
      await delivered(page, 'Nobody called me back').waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('input');
      expect(await linesSaying('Nobody called me back')).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('resends with the same id when the answer is lost, and the server keeps one copy', async () => {
    const { context, page } = await started();
    try {
      const posts: string[] = [];
      let lost = false;
      await page.route('**/webchat/messages', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        posts.push(JSON.parse(route.request().postData() ?? '{}').id);
        if (lost) return route.fallback();
        lost = true;
        await route.fetch(); // the server handles it...
        await route.abort('connectionreset'); // ...and its answer is lost on the way back
      });
      await type(page, 'I was charged twice');
      await delivered(page, 'I was charged twice').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
      await expect.poll(() => outboxOf(page)).toEqual([]);
      expect(new Set(posts).size).toBe(1);
      await type(page, 'That is all');
      await delivered(page, 'That is all').waitFor({ timeout: 10_000 });
      expect(await linesSaying('I was charged twice')).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('sends one choice when an option is double-clicked', async () => {
    const { context, page } = await started();
    try {
      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/webchat/messages')) posts++;
      });
      await page.locator('.msg--out').last().getByRole('button', { name: 'I agree', exact: true }).dblclick();
      await botSays(page, 'What is your complaint about?');
      // Sends go one at a time in order: once the next line is through, a second choice would have been too.
      await type(page, 'marker after the choice');
      await delivered(page, 'marker after the choice').waitFor({ timeout: 10_000 });
      expect(await linesSaying('I agree')).toBe(1);
      expect(posts).toBe(2);
    } finally {
      await context.close();
    }
  });
});

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || document.activeElement?.tagName);

/** Shift+Tab from the input until the named button has focus, then Enter: keyboard only. */
async function chooseByKeyboard(page: Page, label: string) {
  await page.focus('#input');
  for (let i = 0; i < 12 && (await focusedId(page)) !== label; i++) await page.keyboard.press('Shift+Tab');
  expect(await focusedId(page)).toBe(label);
  expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
  await page.keyboard.press('Enter');
}

describe('web chat by keyboard, input method and screen reader', () => {
  it('does not send while an input method is composing; Enter after it sends the finished text', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(app.url);
      const input = page.locator('#input');
      // A real composition through Chromium's IME emulation: Enter picks, it does not send.
      await input.focus();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Input.imeSetComposition', { text: 'ni', selectionStart: 2, selectionEnd: 2 });
      await page.keyboard.press('Enter');
      await cdp.send('Input.insertText', { text: '你' });
      // Still in the box (the emulation may add the Enter as a line break); nothing was sent.
      expect(await input.inputValue()).toMatch(/^你\s*$/);
      expect(await page.locator('.msg--in').count()).toBe(0);
      // Composition events as other input methods send them; Safari sends keyCode 229 after compositionend.
      await input.fill('ni');
      await input.dispatchEvent('compositionstart', { data: '' });
      await input.dispatchEvent('keydown', { key: 'Enter', code: 'Enter', isComposing: true, bubbles: true, cancelable: true });
      await input.dispatchEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true });
      await input.dispatchEvent('compositionend', { data: '你好' });
      await input.fill('ni hao');
      await input.evaluate((el) => el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true } as KeyboardEventInit)));
      expect(await input.inputValue()).toBe('ni hao');
      await input.fill('你好');
      await input.press('Enter');
      await botSays(page, '您是否同意');
      const own = await page.locator('.msg--in').allTextContents();
      expect(own.map((t) => t.replace(/^您：/, ''))).toEqual(['你好']);
      expect(await linesSaying('ni')).toBe(0);
      expect(await linesSaying('ni hao')).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('runs an intake by keyboard alone, attachment included: every control reachable and outlined, focus back on the input after a choice', async () => {
    const { context, page } = await started();
    try {
      await page.bringToFront(); // Chromium opens a file chooser only for the page in front
      await chooseByKeyboard(page, 'I agree');
      await botSays(page, 'What is your complaint about?');
      expect(await focusedId(page)).toBe('input');
      await chooseByKeyboard(page, 'Service attitude');
      await botSays(page, 'describe what happened');
      await page.keyboard.type('Nobody answered the phone for a week.');
      await page.keyboard.press('Enter');
      await botSays(page, 'When and where');
      await chooseByKeyboard(page, 'Skip');
      await botSays(page, 'order or product number');
      await chooseByKeyboard(page, 'Skip');
      await botSays(page, 'photos or documents');
      // The attach control is one Shift+Tab from the input, and shows it has focus.
      await page.focus('#input');
      await page.keyboard.press('Shift+Tab');
      expect(await focusedId(page)).toBe('attach');
      expect(await page.$eval('#attach', (el) => getComputedStyle(el).outlineStyle)).toBe('solid');
      const chooser = page.waitForEvent('filechooser');
      await page.keyboard.press('Enter');
      await (await chooser).setFiles({ name: 'call-log.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') });
      await botSays(page, 'Received call-log.png');
      await chooseByKeyboard(page, 'Done');
      await botSays(page, 'What would you like us to do?');
      expect(await focusedId(page)).toBe('input');
    } finally {
      await context.close();
    }
  });

  it('is a log that says who spoke and in which language, and does not announce the restored history', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    // What aria-live the log had when each line was added, in order.
    await context.addInitScript(() => {
      const seen: Array<{ live: string | null; text: string }> = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      let live: string | null = 'off';
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes') live = (r.target as Element).getAttribute('aria-live');
          else for (const n of Array.from(r.addedNodes)) if (n instanceof HTMLLIElement) seen.push({ live, text: n.textContent ?? '' });
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-live'] });
    });
    const page = await context.newPage();
    try {
      await page.goto(app.url);
      expect(await page.getAttribute('#log', 'role')).toBe('log');
      await type(page, '你好');
      await botSays(page, '您是否同意');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh');
      const reply = page.locator('.msg--out').last();
      expect(await reply.getAttribute('lang')).toBe('zh');
      expect(await reply.locator('.sr-only').textContent()).toBe('hearken：');
      expect(await page.locator('.msg--in').first().locator('.sr-only').textContent()).toBe('您：');

      const again = await context.newPage();
      await again.goto(app.url);
      await botSays(again, '您是否同意');
      await expect.poll(() => again.getAttribute('#log', 'aria-live')).toBe('polite');
      await type(again, 'hello there');
      await again.locator('.msg--in', { hasText: 'hello there' }).waitFor();
      expect(await again.locator('.msg--in', { hasText: 'hello there' }).first().getAttribute('lang')).toBe('en');
      const seen = await again.evaluate(() => (window as unknown as { seen: Array<{ live: string | null; text: string }> }).seen);
      // Everything added before the visitor's new line was the restored history.
      const restored = seen.slice(0, seen.findIndex((s) => s.text.includes('hello there')));
      expect(restored.map((s) => s.text).join('\n')).toMatch(/你好[^]*您是否同意/);
      expect(restored.every((s) => s.live === 'off')).toBe(true);
      // The new line (its pending bubble, then the server's line) is announced.
      const fresh = seen.slice(restored.length).map((s) => s.live);
      expect(fresh.length).toBeGreaterThan(0);
      expect(fresh.every((live) => live === 'polite')).toBe(true);
    } finally {
      await context.close();
    }
  });
});
