import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { policyFile } from '../support/policy-file.ts';
import { seedReportWeek, U1, WEEK } from '../support/report-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'reports-token-0123456789abcdef';
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  // The seeded week is laid out in UTC days.
  app = await startTestApp({ REPORTS_TOKEN: TOKEN, POLICY_FILE: policyFile({ timezone: 'UTC' }) });
  await seedReportWeek(app.database.db);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The data Chart.js drew on a canvas (first dataset), read from the live chart. */
const chartData = (page: Page, id: string) =>
  page.evaluate((canvasId) => {
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: Array<{ data: unknown[] }> } } | undefined } }).Chart.getChart(document.getElementById(canvasId) as HTMLCanvasElement);
    return chart ? { labels: chart.data.labels, data: chart.data.datasets.map((d) => d.data) } : undefined;
  }, id);

async function showRange(page: Page, from: string, to: string) {
  await page.fill('#from', from);
  await page.fill('#to', to);
  await page.click('#apply');
  await page.waitForFunction((expected) => document.body.dataset.loaded === expected, `${from}..${to}`);
}

const kpi = (page: Page, label: string) => page.locator('.kpi', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value').textContent();

describe('reports page in a real browser', () => {
  it('needs the token, then shows charts with data, and the range picker changes the figures', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const refused = await page.goto(`${app.url}/reports`);
    expect(refused?.status()).toBe(401);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Failed requests are checked by URL (the favicon request of the refused page may land late).
    page.on('console', (m) => void (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text())));
    page.on('response', (r) => void (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`)));
    await page.goto(`${app.url}/reports?token=${TOKEN}`);
    expect(new URL(page.url()).search).toBe(''); // the token does not stay in the address bar
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);

    await showRange(page, WEEK.from, WEEK.to);
    expect(await kpi(page, 'Cases opened')).toBe('5');
    expect(await kpi(page, 'First response')).toBe('2.5 h');
    expect(await kpi(page, 'Resolution deadline met')).toBe('40%');
    expect(await kpi(page, 'NPS')).toBe('20');
    expect(await kpi(page, 'Survey response rate')).toBe('80%');
    expect(await chartData(page, 'chart-day')).toEqual({ labels: ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09'], data: [[2, 1, 1, 1, 0, 0, 0]] });
    expect(await chartData(page, 'chart-category')).toEqual({ labels: ['Product quality', 'Price or billing', 'Service attitude'], data: [[3, 1, 1]] });
    expect(await chartData(page, 'chart-determination')).toEqual({ labels: ['Responsible', 'Not responsible'], data: [[2, 1]] });
    expect((await chartData(page, 'chart-agents'))?.data).toEqual([[2, 2], [2, 1]]);
    expect((await chartData(page, 'chart-root-causes'))?.data[0]).toEqual([1, 1, 1, 1]);
    // Every chart is drawn: a canvas with a real size and non-blank pixels.
    const canvases = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].map((c) => {
        const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted += 1;
        return { id: c.id, width: c.width, height: c.height, painted };
      }),
    );
    expect(canvases).toHaveLength(9);
    for (const c of canvases) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.painted, c.id).toBeGreaterThan(500);
    }
    expect(await page.locator('#agents tbody tr').first().locator('th').first().textContent()).toBe(U1);
    // The root cause with markup is data: no element was created from it.
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);

    await showRange(page, '2025-03-03', '2025-03-04');
    expect(await kpi(page, 'Cases opened')).toBe('3');
    expect(await chartData(page, 'chart-day')).toEqual({ labels: ['2025-03-03', '2025-03-04'], data: [[2, 1]] });
    expect(await chartData(page, 'chart-category')).toEqual({ labels: ['Product quality', 'Service attitude'], data: [[2, 1]] });
    expect(await page.getAttribute('#report-csv', 'href')).toBe('/reports/api/report.csv?from=2025-03-03&to=2025-03-04');

    // The CSV link works with the page's cookie.
    const csv = await page.evaluate(() => fetch((document.getElementById('cases-csv') as HTMLAnchorElement).href).then((r) => r.text()));
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    expect(errors).toEqual([]);
    await context.close();
  });
});
