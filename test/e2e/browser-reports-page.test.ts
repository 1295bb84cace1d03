import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { policyFile } from '../support/policy-file.ts';
import { seedReportWeek, U1, WEEK } from '../support/report-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 15, "Reports page": names instead of stored keys, counts and shares
 * on the doughnuts, "No data yet", a table per chart, CSAT on its 1–5 scale,
 * a sign-in page instead of JSON, the page in Chinese, a phone-sized layout,
 * and no serious or critical axe-core findings.
 */
const TOKEN = 'reports-token-0123456789abcdef';
const SCREENSHOTS = join(process.env.HEARKEN_ARTIFACTS ?? 'artifacts', 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Stored keys of the seeded week that must never reach the reader (word-bounded, case-sensitive). */
const STORED_KEYS = /\b(product_quality|price_billing|service_attitude|general|major|webchat|telegram|botframework|not_responsible|customer_misuse|staff_conduct|in_progress|undefined|null|NaN)\b/;
const EMPTY_WEEK = { from: '2024-01-01', to: '2024-01-07' };

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  app = await startTestApp({ REPORTS_TOKEN: TOKEN, REPORTS_SESSION_HOURS: '8', POLICY_FILE: policyFile({ timezone: 'UTC' }) });
  await seedReportWeek(app.database.db);
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function context(options: { locale: string; phone?: boolean }): Promise<BrowserContext> {
  return browser.newContext({ viewport: options.phone ? PHONE : DESKTOP, locale: options.locale, deviceScaleFactor: options.phone ? 2 : 1 });
}

/** Signs in through the form, as a manager would. */
async function signIn(page: Page, path = '/reports'): Promise<void> {
  await page.goto(`${app.url}${path}`);
  await page.fill('input[name=token]', TOKEN);
  await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.click('form button[type=submit]')]);
  await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
}

async function showRange(page: Page, from: string, to: string): Promise<void> {
  await page.fill('#from', from);
  await page.fill('#to', to);
  await page.click('#apply');
  await page.waitForFunction((expected) => document.body.dataset.loaded === expected && document.getElementById('status')!.textContent!.includes(expected.slice(0, 10)), `${from}..${to}`);
}

interface DrawnChart {
  labels: string[];
  legend: string[];
  data: unknown[][];
  yTicks: number[];
  xTicks: string[];
}

/** What Chart.js drew: labels, legend texts, data and the tick values, read from the live chart. */
const drawn = (page: Page, id: string): Promise<DrawnChart | null> =>
  page.evaluate((canvasId) => {
    type Live = { data: { labels: string[]; datasets: Array<{ data: unknown[] }> }; legend: { legendItems?: Array<{ text: string }> }; scales: Record<string, { ticks: Array<{ value: number; label: string }> }> };
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): Live | undefined } }).Chart.getChart(document.getElementById(canvasId) as HTMLCanvasElement);
    if (!chart) return null;
    return {
      labels: chart.data.labels,
      legend: (chart.legend.legendItems ?? []).map((i) => i.text),
      data: chart.data.datasets.map((d) => d.data),
      yTicks: (chart.scales.y?.ticks ?? []).map((t) => t.value),
      xTicks: (chart.scales.x?.ticks ?? []).map((t) => String(t.label)),
    };
  }, id);

/** Everything a reader can see: the page text with every data table opened, and every text drawn on the charts. */
async function visibleWords(page: Page): Promise<string> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => void (d.open = true)));
  const text = await page.evaluate(() => document.body.innerText);
  const ids = await page.evaluate(() => [...document.querySelectorAll('canvas')].map((c) => c.id));
  const charts = await Promise.all(ids.map((id) => drawn(page, id)));
  const chartWords = charts.flatMap((c) => (c ? [...c.labels, ...c.legend, ...c.xTicks] : []));
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => void (d.open = false)));
  return [text, ...chartWords].join('\n');
}

const figureTable = (page: Page, chart: string) =>
  page.evaluate((name) => {
    const table = document.querySelector(`figure[data-chart="${name}"] details table`) as HTMLTableElement | null;
    if (!table) return null;
    return { caption: table.caption?.textContent ?? '', rows: [...table.rows].map((r) => [...r.cells].map((c) => c.textContent)) };
  }, chart);

const noPageOverflow = (page: Page) => page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));

// A real browser with axe-core runs: seconds on a quiet machine, far more on a loaded one.
const BROWSER_TEST = { timeout: 90_000 };

describe('reports sign-in', BROWSER_TEST, () => {
  it('shows a sign-in page (not JSON) to a browser, JSON 401 to scripts, and the page after signing in', async () => {
    // Scripts and API clients: JSON, as before.
    const api = await fetch(`${app.url}/reports/api/report`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const plain = await fetch(`${app.url}/reports`, { headers: { accept: '*/*' } });
    expect(plain.headers.get('content-type')).toContain('application/json');

    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    const refused = await page.goto(`${app.url}/reports`);
    expect(refused?.status()).toBe(401);
    expect(refused?.headers()['content-type']).toContain('text/html');
    expect(await page.locator('h1').textContent()).toBe('Complaint reports');
    expect(await page.locator('label[for=token]').textContent()).toBe('Reports token');
    expect(await page.textContent('main')).toContain('8 hours');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-login-desktop-en.png'), fullPage: true });

    // A wrong token: the form again, with the reason announced, and no session.
    await page.fill('input[name=token]', 'not-the-token-at-all');
    const [wrong] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/reports/login')), page.click('form button[type=submit]')]);
    expect(wrong.status()).toBe(401);
    expect(await page.locator('[role=alert]').textContent()).toBe('That token is not right. Check it and try again.');
    expect(await page.getAttribute('input[name=token]', 'aria-invalid')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await ctx.cookies()).map((c) => c.name)).not.toContain('hearken_reports');

    await page.fill('input[name=token]', TOKEN);
    await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.click('form button[type=submit]')]);
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
    const session = (await ctx.cookies()).find((c) => c.name === 'hearken_reports');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/reports' });
    expect(session!.value).not.toContain(TOKEN);

    // Signing out ends the session: the sign-in page again.
    await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.click('.sign-out button')]);
    expect(await page.locator('input[name=token]').count()).toBe(1);
    expect((await ctx.cookies()).map((c) => c.name)).not.toContain('hearken_reports');
    await ctx.close();
  });

  it('is in Chinese for a Chinese browser, with a language switch', async () => {
    const ctx = await context({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/reports`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('投诉报表');
    expect(await page.locator('label[for=token]').textContent()).toBe('报表口令');
    expect(await page.locator('button[type=submit]').textContent()).toBe('登录');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-login-desktop-zh.png'), fullPage: true });
    await page.click('a[hreflang=en]');
    expect(await page.locator('h1').textContent()).toBe('Complaint reports');
    await ctx.close();
  });
});

describe('reports page', BROWSER_TEST, () => {
  it('names categories, severities, channels and causes, puts counts and shares on the doughnuts, and has a table per chart (English)', async () => {
    const ctx = await context({ locale: 'en-GB' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page);
    await showRange(page, WEEK.from, WEEK.to);

    expect((await drawn(page, 'chart-category'))?.labels).toEqual(['Product quality', 'Price or billing', 'Service attitude']);
    expect((await drawn(page, 'chart-severity'))?.legend).toEqual(['General: 4 (80%)', 'Major: 1 (20%)']);
    expect((await drawn(page, 'chart-channel'))?.legend).toEqual(['Web chat: 3 (60%)', 'Microsoft Teams: 1 (20%)', 'Telegram: 1 (20%)']);
    expect((await drawn(page, 'chart-determination'))?.legend).toEqual(['Responsible: 2 (67%)', 'Not responsible: 1 (33%)']);
    // Root causes: known ones by name; one staff typed is data, shown as typed (and never as markup).
    expect((await drawn(page, 'chart-root-causes'))?.labels).toEqual(expect.arrayContaining(['Customer misuse', 'Staff conduct', 'defect', '<img src=x onerror="window.__xss=1">']));
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // Counts and shares are also written on the slices (an inline Chart.js plugin).
    expect(await page.evaluate(() => (window as unknown as { Chart: { getChart(id: string): { config: { plugins: Array<{ id: string }> } } } }).Chart.getChart('chart-severity').config.plugins.map((p) => p.id))).toEqual(['hearkenSliceLabels']);

    // CSAT: answers per score on the 1–5 scale, whole-number counts.
    const csat = await drawn(page, 'chart-csat');
    expect(csat?.labels).toEqual(['1', '2', '3', '4', '5']);
    expect(csat?.data).toEqual([[1, 1, 1, 1, 1]]);
    expect(csat?.yTicks.every((v) => Number.isInteger(v))).toBe(true);

    // Every chart has a table with a caption, and its canvas a text alternative.
    const figures = await page.locator('figure[data-chart]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-chart')!));
    expect(figures).toHaveLength(9);
    for (const name of figures) {
      const table = await figureTable(page, name);
      expect(table?.caption, name).toBe(await page.locator(`figure[data-chart="${name}"] figcaption`).textContent());
      expect(table!.rows.length, name).toBeGreaterThan(1);
      expect(await page.getAttribute(`figure[data-chart="${name}"] canvas`, 'aria-label'), name).toMatch(/: .*\d/);
    }
    expect((await figureTable(page, 'severity'))?.rows).toEqual([['Severity', 'Cases', 'Share'], ['General', '4', '80%'], ['Major', '1', '20%']]);
    expect((await figureTable(page, 'csat'))?.rows[5]).toEqual(['5', '1', '20%']);

    expect(await visibleWords(page)).not.toMatch(STORED_KEYS);
    expect(await page.locator('#kpis').innerText()).toContain('Resolved 3 · Closed 1');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-desktop-en.png'), fullPage: true });
    expect(errors).toEqual([]);

    // The session ends while the page is open: the page says so and links to the sign-in page, in its language.
    await ctx.clearCookies();
    await page.click('#apply');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Your session has ended.'));
    expect(await page.getAttribute('#status a', 'href')).toBe('/reports?lang=en');
    await ctx.close();
  });

  it('says "No data yet" instead of drawing bare axes for a period without cases', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page);
    await showRange(page, EMPTY_WEEK.from, EMPTY_WEEK.to);
    const figures = await page.locator('figure[data-chart]').evaluateAll((nodes) =>
      nodes.map((n) => ({ name: n.getAttribute('data-chart'), empty: n.getAttribute('data-empty'), note: (n.querySelector('.empty-note') as HTMLElement).innerText, chartShown: (n.querySelector('.chart') as HTMLElement).offsetParent !== null })),
    );
    for (const f of figures) expect(f, f.name!).toEqual({ name: f.name, empty: 'true', note: 'No data yet', chartShown: false });
    expect(await page.textContent('#status')).toContain('No cases were opened in this period.');
    expect(await page.locator('#agents tbody').innerText()).toBe('No agent owned a case opened in this period.');
    expect(await page.getAttribute('#chart-severity', 'aria-label')).toBe('By severity: No data yet');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-empty-desktop-en.png'), fullPage: true });
    await ctx.close();
  });

  it('is in Chinese for a Chinese browser, and the language switch is remembered', async () => {
    const ctx = await context({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await signIn(page);
    await showRange(page, WEEK.from, WEEK.to);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('投诉报表');
    expect((await drawn(page, 'chart-category'))?.labels).toEqual(['产品质量', '价格/收费', '服务态度']);
    expect((await drawn(page, 'chart-severity'))?.legend).toEqual(['一般：4（80%）', '重大：1（20%）']);
    expect((await drawn(page, 'chart-channel'))?.legend).toEqual(['网页在线客服：3（60%）', 'Teams：1（20%）', 'Telegram：1（20%）']);
    expect(await page.textContent('#status')).toBe('2025-03-03 至 2025-03-09 新增的投诉（协调世界时）。');
    const words = await visibleWords(page);
    expect(words).not.toMatch(STORED_KEYS);
    // No English sentence is left on a Chinese page (ids, figures and the CSV/CSAT/NPS abbreviations aside).
    expect(words.replace(/U0AGENT0\d|CSV|CSAT|NPS|Slack|ID|Telegram|Teams|English|defect|<img src=x onerror="window.__xss=1">|\d+(\.\d+)?/g, '')).not.toMatch(/[A-Za-z]{3,}/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-desktop-zh.png'), fullPage: true });

    // Switch to English: the page redraws in English, and stays English after a reload though the browser prefers Chinese.
    await page.selectOption('#lang', 'en');
    expect(await page.locator('h1').textContent()).toBe('Complaint reports');
    expect((await drawn(page, 'chart-category'))?.labels).toEqual(['Product quality', 'Price or billing', 'Service attitude']);
    expect(await page.evaluate(() => localStorage.getItem('hearken.reports.lang'))).toBe('en');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Complaint reports');
    // The sign-in page follows the choice too (the page keeps it in a cookie as well).
    await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.click('.sign-out button')]);
    expect(await page.locator('button[type=submit]').textContent()).toBe('Sign in');
    await signIn(page);
    // ?lang= names the language outright.
    await page.goto(`${app.url}/reports?lang=zh-CN`);
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
    expect(await page.locator('h1').textContent()).toBe('投诉报表');
    await ctx.close();
  });

  it.each([
    ['en-US', 'en'],
    ['zh-CN', 'zh'],
  ] as const)('fits a phone (%s): no sideways scrolling of the page, the agent table scrolls on its own with the agent kept in view', async (locale, tag) => {
    const ctx = await context({ locale, phone: true });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/reports`);
    const login = await noPageOverflow(page);
    expect(login.scrollWidth, `${tag} sign-in`).toBeLessThanOrEqual(login.innerWidth);
    await page.screenshot({ path: join(SCREENSHOTS, `reports-login-phone-${tag}.png`), fullPage: true });
    await signIn(page);
    await showRange(page, WEEK.from, WEEK.to);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => void (d.open = true)));
    const sizes = await noPageOverflow(page);
    expect(sizes.scrollWidth, tag).toBeLessThanOrEqual(sizes.innerWidth);
    const agentTable = await page.evaluate(() => {
      const scroller = document.querySelector('.agents .table-scroll') as HTMLElement;
      const first = document.querySelector('#agents tbody th') as HTMLElement;
      return { overflowX: getComputedStyle(scroller).overflowX, sticky: getComputedStyle(first).position, right: scroller.getBoundingClientRect().right, text: first.textContent };
    });
    expect(agentTable).toMatchObject({ overflowX: 'auto', sticky: 'sticky', text: U1 });
    expect(agentTable.right).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => void (d.open = false)));
    await page.screenshot({ path: join(SCREENSHOTS, `reports-phone-${tag}.png`), fullPage: true });
    await ctx.close();
  });
});
