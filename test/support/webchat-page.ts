import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './browser.ts';
import { startTestApp, type TestApp } from './test-app.ts';

/** The running app and browser a web chat page test drives (read once its `beforeAll` has run). */
export interface WebchatRig {
  readonly app: TestApp;
  readonly browser: Browser;
}

/** The app (with its web chat) and a headless Chromium for one test file: started before its tests, stopped after them. */
export function useWebchatBrowser(env: Record<string, string> = {}): ReturnType<typeof webchatPage> {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
    app = await startTestApp(env);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  const started = (what: string) => new Error(`${what} is not started yet: use it inside a test`);
  return webchatPage({
    get app() {
      if (!app) throw started('the app');
      return app;
    },
    get browser() {
      if (!browser) throw started('the browser');
      return browser;
    },
  });
}

/** Helpers for driving the web chat page in a real browser. */
export function webchatPage(rig: WebchatRig) {
  async function botSays(page: Page, text: string) {
    await page.locator('.msg--out', { hasText: text }).last().waitFor({ timeout: 10_000 });
  }

  async function type(page: Page, text: string) {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  }

  /** How many of the customers' own lines in the transcript say exactly this. */
  async function linesSaying(text: string): Promise<number> {
    const rows = await rig.app.database.db.selectFrom('webchat_messages').select('payload').where('direction', '=', 'in').execute();
    return rows.filter((r) => {
      const payload = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { text?: string };
      return payload.text === text;
    }).length;
  }

  /** A page in a fresh browser context (British English unless told otherwise), closed when the test finishes. */
  async function opened(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await rig.browser.newContext({ locale: 'en-GB', ...options });
    onTestFinished(() => context.close());
    return { context, page: await context.newPage() };
  }

  /** Opens the chat on the page and says Hello; resolves once the bot asks what happened. */
  async function greet(page: Page): Promise<void> {
    await page.goto(rig.app.url);
    await type(page, 'Hello');
    await botSays(page, 'tell me what happened');
  }

  /**
   * A page that has started a conversation (the bot has asked what happened). With
   * shortPolls, each long poll waits 0.2 s instead of 20 s, so they come and go.
   */
  async function started(options: { clock?: boolean; shortPolls?: boolean; context?: BrowserContextOptions } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await opened(options.context);
    if (options.clock) await page.clock.install();
    if (options.shortPolls) {
      await page.route((url) => url.pathname === '/webchat/messages' && url.searchParams.has('wait'), (route) =>
        route.continue({ url: route.request().url().replace(/wait=\d+/, 'wait=0.2') }),
      );
    }
    await greet(page);
    return { context, page };
  }

  const outboxOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('hearken.webchat.outbox') ?? '[]') as Array<{ shown: string }>);
  const delivered = (page: Page, text: string) => page.locator('.msg--in:not(.msg--local)', { hasText: text });

  return {
    get app() {
      return rig.app;
    },
    get browser() {
      return rig.browser;
    },
    botSays,
    type,
    linesSaying,
    opened,
    greet,
    started,
    outboxOf,
    delivered,
  };
}
