import type { FileChooser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useWebchatBrowser } from '../support/webchat-page.ts';

// The web chat page by keyboard, input method and screen reader.
const chat = useWebchatBrowser();

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
    const { context, page } = await chat.opened({ locale: 'zh-CN' });
    await page.goto(chat.app.url);
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
    await chat.botSays(page, '发生了什么');
    const own = await page.locator('.msg--in .msg__text').allTextContents();
    expect(own).toEqual(['你好']);
    expect(await chat.linesSaying('ni')).toBe(0);
    expect(await chat.linesSaying('ni hao')).toBe(0);
  });

  it('runs an intake by keyboard alone, attachment included: every control reachable and outlined, focus back on the input after a choice', async () => {
    const { page } = await chat.started();
    // Listening from the start: the interception is in place well before the key press.
    const choosers: FileChooser[] = [];
    page.on('filechooser', (chooser) => choosers.push(chooser));
    await page.keyboard.type('Nobody answered the phone for a week and the shop assistant was rude to me.');
    await page.keyboard.press('Enter');
    await chat.botSays(page, 'It sounds like a problem with service attitude');
    await chooseByKeyboard(page, "Yes, that's it");
    await chat.botSays(page, 'When and where');
    expect(await focusedId(page)).toBe('input');
    // The attach control is one Shift+Tab from the input, and shows it has focus.
    await page.focus('#input');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe('attach');
    expect(await page.$eval('#attach', (el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    await expect.poll(() => choosers.length).toBe(1);
    await choosers[0]!.setFiles({ name: 'call-log.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') });
    // The file waits in the tray; Tab back to the input and Enter sends it.
    await page.locator('.tray__item').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('input');
    await page.keyboard.press('Enter');
    await chat.botSays(page, 'Received call-log.png');
    await chooseByKeyboard(page, 'Done');
    await chat.botSays(page, 'What would you like us to do?');
    expect(await focusedId(page)).toBe('input');
  });

  it('is a log that says who spoke and in which language, and does not announce the restored history', async () => {
    const context = await chat.browser.newContext({ locale: 'zh-CN' });
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
      await page.goto(chat.app.url);
      expect(await page.getAttribute('#log', 'role')).toBe('log');
      await chat.type(page, '你好');
      await chat.botSays(page, '发生了什么');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
      const reply = page.locator('.msg--out').last();
      expect(await reply.getAttribute('lang')).toBe('zh');
      expect(await reply.locator('.sr-only').textContent()).toBe('hearken：');
      expect(await page.locator('.msg--in').first().locator('.sr-only').textContent()).toBe('您：');

      const again = await context.newPage();
      await again.goto(chat.app.url);
      await chat.botSays(again, '发生了什么');
      await expect.poll(() => again.getAttribute('#log', 'aria-live')).toBe('polite');
      await chat.type(again, 'hello there');
      await again.locator('.msg--in', { hasText: 'hello there' }).waitFor();
      expect(await again.locator('.msg--in', { hasText: 'hello there' }).first().getAttribute('lang')).toBe('en');
      const seen = await again.evaluate(() => (window as unknown as { seen: Array<{ live: string | null; text: string }> }).seen);
      // Everything added before the visitor's new line was the restored history.
      const restored = seen.slice(0, seen.findIndex((s) => s.text.includes('hello there')));
      expect(restored.map((s) => s.text).join('\n')).toMatch(/你好[^]*发生了什么/);
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
