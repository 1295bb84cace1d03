import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarRange } from '../../src/reports/report-range.ts';
import { buildReport } from '../../src/reports/report.ts';
import { MARKUP_ROOT_CAUSE, seedReportWeek, U1, U2, WEEK } from '../support/report-fixtures.ts';
import { policyFile } from '../support/policy-file.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'reports-token-0123456789abcdef';
const NOW = new Date('2025-06-01T00:00:00Z');
let app: TestApp;

beforeAll(async () => {
  // The seeded week is laid out in UTC days (the shipped policy is Asia/Shanghai).
  app = await startTestApp({ REPORTS_TOKEN: TOKEN, POLICY_FILE: policyFile({ timezone: 'UTC' }) });
  await seedReportWeek(app.database.db);
});
afterAll(async () => {
  await app?.stop();
});

const week = () => buildReport(app.database.db, { from: WEEK.start, to: WEEK.end }, { now: NOW, timezone: 'UTC' });

describe('report figures over a hand-checked week', () => {
  it('counts volumes by category, severity, channel and day (cases opened in [from, to))', async () => {
    const r = await week();
    expect(r.cases).toEqual({ opened: 5, resolved: 3, closed: 1, openNow: 3 }); // closed: A; open now: D, E and the case after the week
    expect(r.volumes.category).toEqual([{ key: 'product_quality', count: 3 }, { key: 'price_billing', count: 1 }, { key: 'service_attitude', count: 1 }]);
    expect(r.volumes.severity).toEqual([{ key: 'general', count: 4 }, { key: 'major', count: 1 }]);
    expect(r.volumes.channel).toEqual([{ key: 'webchat', count: 3 }, { key: 'botframework', count: 1 }, { key: 'telegram', count: 1 }]);
    expect(r.volumes.day).toEqual([
      { key: '2025-03-03', count: 2 }, { key: '2025-03-04', count: 1 }, { key: '2025-03-05', count: 1 }, { key: '2025-03-06', count: 1 },
      { key: '2025-03-07', count: 0 }, { key: '2025-03-08', count: 0 }, { key: '2025-03-09', count: 0 },
    ]);
  });

  it('gives medians and 90th percentiles (linear interpolation) and deadline shares', async () => {
    const r = await week();
    // First response 1, 2, 3, 6 h: median (2+3)/2 = 2.5; p90 at rank 0.9·3 = 2.7 → 3 + 0.7·(6−3) = 5.1.
    expect(r.firstResponseHours.count).toBe(4);
    expect(r.firstResponseHours.median).toBeCloseTo(2.5, 9);
    expect(r.firstResponseHours.p90).toBeCloseTo(5.1, 9);
    // Resolution 10, 20, 30 h: median 20; p90 at rank 1.8 → 20 + 0.8·10 = 28.
    expect(r.resolutionHours.count).toBe(3);
    expect(r.resolutionHours.median).toBeCloseTo(20, 9);
    expect(r.resolutionHours.p90).toBeCloseTo(28, 9);
    // First response: A, B, C in time; D late (recorded breach); E never answered and past due → 3 of 5.
    expect(r.deadlines.firstResponse).toEqual({ met: 3, judged: 5, share: 0.6 });
    // Resolution: A, B in time; C late; D and E past due → 2 of 5.
    expect(r.deadlines.resolution).toEqual({ met: 2, judged: 5, share: 0.4 });
    // Reopened: B of the three ever resolved.
    expect(r.reopen.resolved).toBe(3);
    expect(r.reopen.reopened).toBe(1);
    expect(r.reopen.rate).toBeCloseTo(1 / 3, 9);
  });

  it('computes CSAT, share satisfied, NPS and the survey response rate', async () => {
    const r = await week();
    // Answered in the week: CSAT 5, 4, 2, 3, 1 → 15/5 = 3; satisfied (4–5) 2 of 5. NPS 10, 9, 3, 7, 8 → (2 promoters − 1 detractor)/5 = +20.
    expect(r.satisfaction).toEqual({ answered: 5, csatCount: 5, csatAverage: 3, csatByScore: [1, 1, 1, 1, 1], satisfiedShare: 0.4, npsCount: 5, promoters: 2, detractors: 1, nps: 20 });
    // Sent in the week: 5, of which 4 answered (S6 was sent the week before and does not count here).
    expect(r.surveys).toEqual({ sent: 5, answered: 4, responseRate: 0.8 });
    // Campaign answers in the week: CSAT 4, 5; NPS 9, 10.
    expect(r.campaigns).toMatchObject({ answered: 2, csatAverage: 4.5, csatByScore: [0, 0, 0, 1, 1], satisfiedShare: 1, nps: 100 });
  });

  it('gives per-agent figures, root causes and responsible vs not responsible', async () => {
    const r = await week();
    expect(r.agents).toHaveLength(2);
    expect(r.agents[0]).toMatchObject({ agent: U1, owned: 2, resolved: 2, medianResolutionHours: 15, csatCount: 3 });
    expect(r.agents[0]!.csatAverage).toBeCloseTo(10 / 3, 9); // 5, 4 and 1 (S6 credited to U1, answered in the week)
    expect(r.agents[1]).toEqual({ agent: U2, owned: 2, resolved: 1, medianResolutionHours: 30, csatCount: 1, csatAverage: 2 });
    expect([...r.rootCauses].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(
      [MARKUP_ROOT_CAUSE, 'customer_misuse', 'defect', 'staff_conduct'].sort().map((key) => ({ key, count: 1 })),
    );
    expect(r.determination).toEqual({ responsible: 2, notResponsible: 1 });
  });

  it('buckets days and bounds the range in the policy time zone', async () => {
    const range = calendarRange(WEEK.from, WEEK.to, 'Asia/Tokyo')!;
    expect(range.from.toISOString()).toBe('2025-03-02T15:00:00.000Z');
    const r = await buildReport(app.database.db, range, { now: NOW, timezone: 'Asia/Tokyo' });
    // X (03-02 23:59 UTC) is 03-03 08:59 in Tokyo; E (03-06 15:00 UTC) is 03-07 00:00.
    expect(r.cases.opened).toBe(6);
    expect(r.volumes.day.map((d) => d.count)).toEqual([3, 1, 1, 0, 1, 0, 0]);
  });

  it('is empty, not broken, for a range without data', async () => {
    const r = await buildReport(app.database.db, { from: new Date('2020-01-01Z'), to: new Date('2020-01-02Z') }, { now: NOW, timezone: 'UTC' });
    expect(r.cases.opened).toBe(0);
    expect(r.firstResponseHours).toEqual({ count: 0, median: null, p90: null });
    expect(r.deadlines.firstResponse.share).toBeNull();
    expect(r.satisfaction.nps).toBeNull();
    expect(r.surveys.responseRate).toBeNull();
    expect(r.agents).toEqual([]);
  });
});

describe('reports API: token, JSON and CSV', () => {
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.url}${path}`, { redirect: 'manual', ...init });
  const bearer = { headers: { authorization: `Bearer ${TOKEN}` } };

  it('refuses without the token (401) and trades ?token= for an HttpOnly cookie', async () => {
    expect((await api('/reports')).status).toBe(401);
    expect((await api('/reports/api/report')).status).toBe(401);
    expect((await api('/reports?token=wrong-token-0123456789')).status).toBe(401);
    expect((await api('/reports/api/report', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const login = await api(`/reports?token=${TOKEN}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/reports');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^hearken_reports=\d+\.[0-9a-f]{64}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/reports');
    expect(cookie).not.toContain(TOKEN);
    const page = await api('/reports', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('/reports/assets/chart.umd.min.js');
    const chart = await api('/reports/assets/chart.umd.min.js', { headers: { cookie: cookie.split(';')[0]! } });
    expect(chart.status).toBe(200);
    expect((await chart.text()).length).toBeGreaterThan(100_000);
  });

  it('answers the JSON report for calendar days and refuses a bad range', async () => {
    const res = await api(`/reports/api/report?from=${WEEK.from}&to=${WEEK.to}`, bearer);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cases: { opened: number }; range: { from: string; to: string } };
    expect(body.cases.opened).toBe(5);
    expect(body.range).toMatchObject({ from: WEEK.start.toISOString(), to: WEEK.end.toISOString() });
    expect((await api(`/reports/api/report?from=2025-03-09&to=2025-03-03`, bearer)).status).toBe(400);
    expect((await api(`/reports/api/report?from=yesterday&to=2025-03-03`, bearer)).status).toBe(400);
  });

  it('exports the report and the cases as CSV, without contact details', async () => {
    const res = await api(`/reports/api/report.csv?from=${WEEK.from}&to=${WEEK.to}`, bearer);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('section,item,metric,value');
    for (const line of [
      'cases,,opened,5',
      'volume_category,product_quality,cases,3',
      'volume_day,2025-03-07,cases,0',
      'first_response_hours,,median,2.5',
      'resolution_hours,,p90,28',
      'deadline_first_response,,share_met,0.6',
      'deadline_resolution,,share_met,0.4',
      'satisfaction,,nps,20',
      'satisfaction,,satisfied_share,0.4',
      'surveys,,response_rate,0.8',
      `agent,${U1},owned,2`,
      `agent,${U2},csat_average,2`,
      'root_cause,"<img src=x onerror=""window.__xss=1"">",cases,1',
      'determination,responsible,cases,2',
    ]) expect(lines).toContain(line);

    const cases = await api(`/reports/api/cases.csv?from=${WEEK.from}&to=${WEEK.to}`, bearer);
    const rows = (await cases.text()).trim().split('\r\n');
    expect(rows[0]!.startsWith('number,created_at,channel,category,severity,status')).toBe(true);
    expect(rows).toHaveLength(6);
    expect(rows.join('\n')).not.toMatch(/@|\+44/);
  });
});

describe('reports page without REPORTS_TOKEN', () => {
  it('is off (404) and the start log says so', async () => {
    const plain = await startTestApp();
    try {
      expect((await fetch(`${plain.url}/reports`)).status).toBe(404);
      expect((await fetch(`${plain.url}/reports/api/report`, { headers: { authorization: 'Bearer anything-at-all-123' } })).status).toBe(404);
      const started = plain.logs.find((l) => l.msg === 'hearken started');
      expect(started?.reports).toEqual({ page: 'off (no REPORTS_TOKEN)', digest: 'off (no REPORT_DIGEST_CHANNEL)' });
    } finally {
      await plain.stop();
    }
  });
});
