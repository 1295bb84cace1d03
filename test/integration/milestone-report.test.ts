import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/report.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { seedReportWeek, WEEK } from '../support/report-fixtures.ts';
import { policyFile } from '../support/policy-file.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'reports-token-0123456789abcdef';
const HOUR = 3_600_000;
let app: TestApp;
let cases: Record<'A' | 'B' | 'C' | 'D' | 'E', CaseRow>;

/** A milestone fact `dueH` / `doneH` / `breachedH` hours after the case opened. */
async function fact(row: CaseRow, milestone: string, spec: { dueH: number; doneH?: number; breachedH?: number; skipped?: boolean }) {
  const opened = new Date(row.created_at).getTime();
  const at = (h: number | undefined) => (h === undefined ? null : new Date(opened + h * HOUR));
  await app.database.db
    .insertInto('case_milestones')
    .values({ case_id: row.id, milestone_id: milestone, due_at: at(spec.dueH)!, done_at: at(spec.doneH), breached_at: at(spec.breachedH), skipped: spec.skipped ?? false, severity: row.severity, category: row.category })
    .execute();
}

beforeAll(async () => {
  app = await startTestApp({ REPORTS_TOKEN: TOKEN, POLICY_FILE: policyFile({ timezone: 'UTC' }) });
  cases = await seedReportWeek(app.database.db);
  const { A, B, C, D, E } = cases;
  // product_quality / general: visit on time for A (10 h), late for B (60 h), breached and still open for E; diagnosis skipped on A.
  await fact(A, 'visit', { dueH: 48, doneH: 10 });
  await fact(B, 'visit', { dueH: 48, doneH: 60, breachedH: 48 });
  await fact(E, 'visit', { dueH: 48, breachedH: 48 });
  await fact(A, 'diagnosis', { dueH: 82, doneH: 12, skipped: true });
  // service_attitude / major: visit on time (4 h). price_billing / general: nothing judged yet.
  await fact(C, 'visit', { dueH: 24, doneH: 4 });
  void D;
});
afterAll(async () => {
  await app?.stop();
});

describe('milestones in the report', () => {
  it('gives each milestone’s share met on time and median time, per category and severity', async () => {
    const report = await buildReport(app.database.db, { from: WEEK.start, to: WEEK.end }, { now: new Date('2025-06-01T00:00:00Z'), timezone: 'UTC' });
    expect(report.milestones).toEqual([
      { milestone: 'diagnosis', category: 'product_quality', severity: 'general', judged: 0, met: 0, share: null, skipped: 1, medianHours: null },
      { milestone: 'visit', category: 'product_quality', severity: 'general', judged: 3, met: 1, share: 1 / 3, skipped: 0, medianHours: 35 },
      { milestone: 'visit', category: 'service_attitude', severity: 'major', judged: 1, met: 1, share: 1, skipped: 0, medianHours: 4 },
    ]);
  });

  it('is served by the reports API', async () => {
    const res = await fetch(`${app.url}/reports/api/report?from=${WEEK.from}&to=${WEEK.to}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { milestones: Array<{ milestone: string; share: number | null }> };
    expect(body.milestones.map((m) => [m.milestone, m.share])).toEqual([['diagnosis', null], ['visit', 1 / 3], ['visit', 1]]);
  });

  it('puts a row per figure of each milestone, category and severity in the report CSV', async () => {
    const res = await fetch(`${app.url}/reports/api/report.csv?from=${WEEK.from}&to=${WEEK.to}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split(/\r?\n/).filter((line) => line.startsWith('milestone,'));
    expect(lines).toEqual([
      'milestone,diagnosis/product_quality/general,judged,0',
      'milestone,diagnosis/product_quality/general,met,0',
      'milestone,diagnosis/product_quality/general,share_met,',
      'milestone,diagnosis/product_quality/general,skipped,1',
      'milestone,diagnosis/product_quality/general,median_hours,',
      'milestone,visit/product_quality/general,judged,3',
      'milestone,visit/product_quality/general,met,1',
      `milestone,visit/product_quality/general,share_met,${1 / 3}`,
      'milestone,visit/product_quality/general,skipped,0',
      'milestone,visit/product_quality/general,median_hours,35',
      'milestone,visit/service_attitude/major,judged,1',
      'milestone,visit/service_attitude/major,met,1',
      'milestone,visit/service_attitude/major,share_met,1',
      'milestone,visit/service_attitude/major,skipped,0',
      'milestone,visit/service_attitude/major,median_hours,4',
    ]);
  });
});
