import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRow } from '../../src/db/schema.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../support/browser.ts';
import { policyFile } from '../support/policy-file.ts';
import { seedReportWeek, WEEK } from '../support/report-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 18, "Reports show each milestone's share met on time and its median
 * time, per category and severity": the milestones table of the reports
 * page, named in the page's language (milestone labels from the policy,
 * categories and severities from the catalogue), "No data yet" for a period
 * without any, on a phone without sideways scrolling, and axe-clean.
 */
const TOKEN = 'reports-token-0123456789abcdef';
const HOUR = 3_600_000;
const SCREENSHOTS = join(process.env.HEARKEN_ARTIFACTS ?? 'artifacts', 'screenshots');
/** Stored keys that must never reach the reader (word-bounded, case-sensitive). */
const STORED_KEYS = /\b(site_visit|diagnosis_report|product_quality|price_billing|service_attitude|general|major|undefined|null|NaN)\b/;
const EMPTY_WEEK = { from: '2024-01-01', to: '2024-01-07' };
const milestone = (id: string, en: string, zh: string, dueSeconds: number, from = 'opening') => ({ id, label: { en, 'zh-CN': zh }, dueSeconds, from, skippable: true });

let app: TestApp;
let browser: Browser;

async function fact(row: CaseRow, id: string, spec: { dueH: number; doneH?: number; breachedH?: number; skipped?: boolean }) {
  const opened = new Date(row.created_at).getTime();
  const at = (h: number | undefined) => (h === undefined ? null : new Date(opened + h * HOUR));
  await app.database.db
    .insertInto('case_milestones')
    .values({ case_id: row.id, milestone_id: id, due_at: at(spec.dueH)!, done_at: at(spec.doneH), breached_at: at(spec.breachedH), skipped: spec.skipped ?? false, severity: row.severity, category: row.category })
    .execute();
}

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run)`);
  const list = [milestone('site_visit', 'on-site visit', '上门核实', 48 * 3600), milestone('diagnosis_report', 'diagnosis report', '检测报告', 34 * 3600, 'site_visit')];
  app = await startTestApp({ REPORTS_TOKEN: TOKEN, POLICY_FILE: policyFile({ timezone: 'UTC', milestones: { general: list, major: list } }) });
  const { A, B, C, E } = await seedReportWeek(app.database.db);
  await fact(A, 'site_visit', { dueH: 48, doneH: 10 });
  await fact(B, 'site_visit', { dueH: 48, doneH: 60, breachedH: 48 });
  await fact(E, 'site_visit', { dueH: 48, breachedH: 48 });
  await fact(A, 'diagnosis_report', { dueH: 82, doneH: 12, skipped: true });
  await fact(C, 'site_visit', { dueH: 24, doneH: 4 });
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(locale: string, phone = false): Promise<Page> {
  const ctx = await browser.newContext({ viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 }, locale, deviceScaleFactor: phone ? 2 : 1 });
  const page = await ctx.newPage();
  await page.goto(`${app.url}/reports`);
  await page.fill('input[name=token]', TOKEN);
  await Promise.all([page.waitForURL((url) => url.pathname === '/reports'), page.click('form button[type=submit]')]);
  await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
  return page;
}

async function showRange(page: Page, from: string, to: string): Promise<void> {
  await page.fill('#from', from);
  await page.fill('#to', to);
  await page.click('#apply');
  await page.waitForFunction((expected) => document.body.dataset.loaded === expected, `${from}..${to}`);
}

const milestoneTable = (page: Page) =>
  page.evaluate(() => {
    const table = document.getElementById('milestones') as HTMLTableElement;
    return { caption: table.caption?.textContent ?? '', rows: [...table.rows].map((r) => [...r.cells].map((c) => c.textContent)) };
  });

const BROWSER_TEST = { timeout: 90_000 };

describe('milestones on the reports page', BROWSER_TEST, () => {
  it('shows each milestone per category and severity: judged, met on time, skipped, median time (English)', async () => {
    const page = await open('en-GB');
    await showRange(page, WEEK.from, WEEK.to);
    expect(await page.locator('#milestones-heading').textContent()).toBe('Milestones');
    expect(await milestoneTable(page)).toEqual({
      caption: 'Milestones',
      rows: [
        ['Milestone', 'Category', 'Severity', 'Judged', 'Met on time', 'Skipped', 'Median time'],
        ['Diagnosis report', 'Product quality', 'General', '0', '—', '1', '—'],
        ['On-site visit', 'Product quality', 'General', '3', '33% (1 of 3)', '0', '35.0 h'],
        ['On-site visit', 'Service attitude', 'Major', '1', '100% (1 of 1)', '0', '4.0 h'],
      ],
    });
    expect(await page.isVisible('#milestones-empty')).toBe(false);
    expect(await page.evaluate(() => document.getElementById('milestones')!.closest('section')!.innerText)).not.toMatch(STORED_KEYS);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('is in Chinese for a Chinese browser, names from the policy and the catalogue', async () => {
    const page = await open('zh-CN');
    await showRange(page, WEEK.from, WEEK.to);
    expect(await page.locator('#milestones-heading').textContent()).toBe('处理节点');
    const table = await milestoneTable(page);
    expect(table.rows[0]).toEqual(['处理节点', '投诉类别', '严重程度', '已评判', '按时完成', '已跳过', '用时中位数']);
    expect(table.rows.slice(1).map((r) => r[0])).toEqual(['检测报告', '上门核实', '上门核实']);
    expect(table.rows[2]![4]).toBe('33%（3 个中 1 个）');
    const words = await page.evaluate(() => document.getElementById('milestones')!.closest('section')!.innerText);
    expect(words).not.toMatch(STORED_KEYS);
    expect(words).not.toMatch(/On-site|Diagnosis|Milestone/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('says "No data yet" for a period without milestones', async () => {
    const page = await open('en-GB');
    await showRange(page, EMPTY_WEEK.from, EMPTY_WEEK.to);
    expect(await page.isVisible('#milestones-empty')).toBe(true);
    expect(await page.locator('#milestones-empty').textContent()).toBe('No data yet');
    expect(await page.isVisible('#milestones')).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it.each([
    ['en-GB', 'en'],
    ['zh-CN', 'zh'],
  ] as const)('fits a phone (%s): the page does not scroll sideways, the milestones table scrolls on its own', async (locale, tag) => {
    const page = await open(locale, true);
    await showRange(page, WEEK.from, WEEK.to);
    const sizes = await page.evaluate(() => ({ page: document.scrollingElement!.scrollWidth, inner: window.innerWidth, box: document.getElementById('milestones-scroll')!.getBoundingClientRect().right }));
    expect(sizes.page).toBeLessThanOrEqual(sizes.inner);
    expect(sizes.box).toBeLessThanOrEqual(sizes.inner);
    await page.locator('#milestones-heading').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, `reports-milestones-phone-${tag}.png`) });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
