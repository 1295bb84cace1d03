import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// The one-line embed on a company's own site (another origin), used by keyboard.
let app: TestApp;
let browser: Browser;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  app = await startTestApp();
  browser = await launchChromium();
  site = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>Shop</title><style>*:focus { outline: none !important; }</style><h1>Shop</h1><a href="#offers">Offers</a><script src="${app.url}/widget.js" async></script><a href="#footer">Footer link</a>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await app?.stop();
});

/** The host page's focused element, named. */
const hostFocus = (page: Page) => page.evaluate(() => {
  let el = document.activeElement;
  // The launcher and the panel live in the embed's shadow root.
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return 'body';
  return el.tagName === 'IFRAME' ? 'frame' : (el.getAttribute('aria-label') ?? el.textContent ?? el.tagName);
});
const frameFocus = (frame: Frame) => frame.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || document.activeElement?.tagName);

describe('the embed by keyboard', () => {
  it('opens with focus in the chat input, keeps Tab inside the panel, and Esc closes it back to the launcher', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(siteUrl);
      const launcher = page.getByRole('button', { name: /Complaints & feedback/ });
      await launcher.waitFor({ timeout: 10_000 });
      // Tab reaches the launcher from the page.
      for (let i = 0; i < 5 && !/Complaints/.test(await hostFocus(page)); i++) await page.keyboard.press('Tab');
      expect(await hostFocus(page)).toMatch(/Complaints & feedback/);
      // The site removes focus outlines; the launcher still shows it has focus.
      expect(await launcher.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
      await page.keyboard.press('Enter');
      expect(await launcher.getAttribute('aria-expanded')).toBe('true');
      const frame = page.frames().find((f) => f.url().startsWith(app.url))!;
      expect(frame).toBeDefined();
      await expect.poll(() => frameFocus(frame), { timeout: 10_000 }).toBe('input');
      await expect.poll(() => hostFocus(page)).toBe('frame');

      // Round the panel's controls and past its ends: focus never leaves it.
      const visited = new Set<string>();
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        visited.add(String(await frameFocus(frame)));
        expect(await hostFocus(page)).toBe('frame');
      }
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Shift+Tab');
        expect(await hostFocus(page)).toBe('frame');
      }
      expect(visited).toEqual(new Set(['close', 'attach', 'input', 'send']));

      // The chat works from there: type and send without the mouse.
      await frame.focus('#input');
      await page.keyboard.type('你好');
      await page.keyboard.press('Enter');
      await frame.locator('.msg--out', { hasText: '发生了什么' }).waitFor({ timeout: 10_000 });

      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('iframe').evaluate((f) => getComputedStyle(f).display)).toBe('none');
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      expect(await hostFocus(page)).toMatch(/Complaints & feedback/);
    } finally {
      await page.close();
    }
  });
});
