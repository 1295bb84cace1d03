import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from './test-app.ts';

/** Helpers for driving the web chat page in a real browser. */
export function webchatPage(app: TestApp, browser: Browser) {
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

  /**
   * A page that has started a conversation (the bot has asked what happened). With
   * shortPolls, each long poll waits 0.2 s instead of 20 s, so they come and go.
   */
  async function started(options: { clock?: boolean; shortPolls?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    if (options.clock) await page.clock.install();
    if (options.shortPolls) {
      await page.route((url) => url.pathname === '/webchat/messages' && url.searchParams.has('wait'), (route) =>
        route.continue({ url: route.request().url().replace(/wait=\d+/, 'wait=0.2') }),
      );
    }
    await page.goto(app.url);
    await type(page, 'Hello');
    await botSays(page, 'tell me what happened');
    return { context, page };
  }

  const outboxOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('hearken.webchat.outbox') ?? '[]') as Array<{ shown: string }>);
  const delivered = (page: Page, text: string) => page.locator('.msg--in:not(.msg--local)', { hasText: text });

  return { botSays, type, linesSaying, started, outboxOf, delivered };
}
