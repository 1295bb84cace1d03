import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { deliverToVisitor, screenshot, visitorIdOfToken } from '../support/webchat-screens.ts';

// The one-line embed on a company's own site (another origin) whose CSS
// is hostile to anything it does not expect, at phone and desktop sizes.
let app: TestApp;
let browser: Browser;
let site: Server;
let siteUrl: string;

const HOSTILE_CSS = `
  * { box-sizing: content-box !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: 4px !important; line-height: 3 !important; text-transform: uppercase !important; }
  button { all: unset !important; display: none !important; background: red !important; color: red !important; font-size: 40px !important; }
  iframe { width: 10px !important; height: 10px !important; border: 20px solid red !important; display: block !important; }
  body > * { position: relative !important; transform: scale(0.9) !important; z-index: 2147483647 !important; }
  *:focus { outline: none !important; }
  svg { display: none !important; }
`;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  app = await startTestApp();
  browser = await launchChromium();
  site = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    const hostile = req.url?.startsWith('/hostile');
    const attributes = hostile ? ' data-position="left" data-color="#0b6e4f" data-label="Help &amp; complaints"' : '';
    const filler = Array.from({ length: 80 }, (_, i) => `<p>Product line ${i + 1}: kettles, toasters and other things worth reading about.</p>`).join('');
    res.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${hostile ? `<style>${HOSTILE_CSS}</style>` : ''}</head><body><main><h1>Shop</h1>${filler}</main><script src="${app.url}/widget.js"${attributes} async></script></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await app?.stop();
});

/** The chat's frame, once the widget's iframe has navigated to the chat (it may still be about:blank just after the click). */
async function chatFrame(page: Page): Promise<Frame> {
  const find = () => page.frames().find((f) => f.url().startsWith(app.url));
  await expect.poll(() => find() !== undefined, { timeout: 10_000 }).toBe(true);
  const frame = find()!;
  await frame.waitForLoadState('domcontentloaded');
  return frame;
}
const panelBox = (page: Page) => page.locator('hearken-widget iframe').boundingBox();

describe('the embed', () => {
  it('on a phone, on a site with hostile CSS: its own look, data- options, full screen without the site scrolling behind, a close button in the panel', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(`${siteUrl}/hostile`);
      const launcher = page.getByRole('button', { name: 'Help & complaints' });
      await launcher.waitFor({ timeout: 10_000 });
      // The site's rules reach neither the button nor its icon: the embed's own font, size, colour and case.
      const look = await launcher.evaluate((el) => {
        const style = getComputedStyle(el);
        const icon = el.querySelector('svg.bubble')!;
        return { display: style.display, fontSize: style.fontSize, transform: style.textTransform, spacing: style.letterSpacing, background: style.backgroundColor, color: style.color, icon: getComputedStyle(icon).display };
      });
      expect(look).toEqual({ display: 'flex', fontSize: '15px', transform: 'none', spacing: 'normal', background: 'rgb(11, 110, 79)', color: 'rgb(255, 255, 255)', icon: 'block' });
      const closed = (await launcher.boundingBox())!;
      // data-position="left": the bottom-left corner, fully on screen, at least 44 px to tap.
      expect(closed.x).toBeLessThan(40);
      expect(closed.y + closed.height).toBeLessThanOrEqual(844);
      expect(closed.height).toBeGreaterThanOrEqual(44);
      expect(await page.locator('hearken-widget iframe').evaluate((f) => getComputedStyle(f).display)).toBe('none');
      await screenshot(page, 'embed-phone-closed');

      await launcher.tap();
      const frame = await chatFrame(page);
      await frame.locator('#input').waitFor({ timeout: 10_000 });
      // Full screen, whatever the site says about iframes.
      await expect.poll(() => panelBox(page)).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      // The site does not scroll behind the open chat.
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
      await page.mouse.wheel(0, 1500);
      await page.evaluate(() => window.scrollBy(0, 0));
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await frame.locator('#input').fill('Hello');
      await frame.locator('#input').press('Enter');
      await frame.locator('.msg--out', { hasText: 'tell me what happened' }).waitFor({ timeout: 10_000 });
      await screenshot(page, 'embed-phone-open');
      expect(await seriousAxeViolations(frame)).toEqual([]);

      // The panel's own close button (the launcher is under the full-screen panel).
      const close = frame.getByRole('button', { name: 'Close the chat' });
      const closeBox = (await close.boundingBox())!;
      expect(Math.min(closeBox.width, closeBox.height)).toBeGreaterThanOrEqual(24);
      await close.tap();
      await expect.poll(() => page.locator('hearken-widget iframe').evaluate((f) => getComputedStyle(f).display)).toBe('none');
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      // The site scrolls again.
      await page.evaluate(() => window.scrollTo(0, 400));
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('shows an unread badge and a count in the title when a reply arrives while it is closed; × on the open launcher closes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    try {
      // A third-party frame may not keep storage: the visitor's token is read off the chat's own requests.
      let token = '';
      page.on('request', (r) => {
        const bearer = /^Bearer (.+)$/.exec(r.headers().authorization ?? '')?.[1];
        if (bearer && r.url().startsWith(app.url)) token = bearer;
      });
      await page.goto(`${siteUrl}/`);
      const launcher = page.getByRole('button', { name: /Complaints & feedback/ });
      await launcher.click({ timeout: 10_000 });
      const frame = await chatFrame(page);
      await frame.locator('#input').fill('Hello');
      await frame.locator('#input').press('Enter');
      await frame.locator('.msg--out', { hasText: 'tell me what happened' }).waitFor({ timeout: 10_000 });
      // Open: the launcher shows ×, and the panel sits above it, beside the page.
      expect(await launcher.evaluate((el) => getComputedStyle(el.querySelector('svg.x')!).display)).toBe('block');
      const panel = (await panelBox(page))!;
      expect(panel.width).toBe(380);
      expect(panel.x + panel.width).toBeLessThanOrEqual(1280 - 20);
      await screenshot(page, 'embed-desktop-open');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await launcher.click();
      await expect.poll(() => launcher.getAttribute('aria-expanded')).toBe('false');
      expect(await page.locator('hearken-widget .badge').isVisible()).toBe(false);

      // Staff answer twice while the panel is closed.
      const visitor = visitorIdOfToken(token);
      await deliverToVisitor(app, visitor, 'A member of staff here: we are looking into it.');
      // The closed panel is hidden: its lines are there, not visible.
      await frame.locator('.msg--out', { hasText: 'we are looking into it' }).waitFor({ state: 'attached', timeout: 10_000 });
      await deliverToVisitor(app, visitor, 'Could you tell us the order number?');
      await frame.locator('.msg--out', { hasText: 'order number?' }).waitFor({ state: 'attached', timeout: 10_000 });
      const badge = page.locator('hearken-widget .badge');
      await expect.poll(() => badge.textContent()).toBe('2');
      expect(await badge.isVisible()).toBe(true);
      expect(await page.title()).toBe('(2) Shop');
      expect(await launcher.getAttribute('aria-label')).toBe('Complaints & feedback, 2 new');
      await screenshot(page, 'embed-desktop-closed-unread');

      // Opening reads them: no badge, the site's own title back.
      await launcher.click();
      await expect.poll(() => badge.isVisible()).toBe(false);
      expect(await page.title()).toBe('Shop');
      expect(await launcher.getAttribute('aria-label')).toBe('Complaints & feedback');
      await launcher.click();
      await screenshot(page, 'embed-desktop-closed');
    } finally {
      await context.close();
    }
  }, 90_000);
});
