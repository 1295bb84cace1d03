import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 19, items 1, 12 and 14: no spelling of /reports or /metrics skips
 * the token check; a malformed cookie is a 400; the reports cookie carries a
 * signed issue time that expires, and is Secure behind a trusted TLS proxy.
 */
const REPORTS_TOKEN = 'reports-token-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789';
let now = new Date('2026-03-02T10:00:00Z');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(
    { REPORTS_TOKEN, METRICS_TOKEN, REPORTS_SESSION_HOURS: '2', TRUST_PROXY: 'loopback' },
    { clock: () => now },
  );
});
afterAll(async () => {
  await app?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { redirect: 'manual', headers });

async function login(headers: Record<string, string> = {}): Promise<string> {
  const res = await get(`/reports?token=${REPORTS_TOKEN}`, headers);
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!;
}

describe('reports and metrics: every spelling is checked', () => {
  const reportPaths = [
    '/reports',
    '/reports/',
    '/Reports',
    '/REPORTS/',
    '/REPORTS/api/cases.csv',
    '/Reports/api/report',
    '/reports/API/REPORT.CSV',
    '/reports/api/cases.csv/',
    '/rePorts/assets/reports.js',
    '/reports//api/report',
  ];
  const metricsPaths = ['/metrics', '/metrics/', '/METRICS', '/Metrics/'];

  it.each(reportPaths)('%s answers 401 without a token', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('case');
  });

  it.each(metricsPaths)('%s answers 401 without a token', async (path) => {
    expect((await get(path)).status).toBe(401);
  });

  it('still serves the same paths with the token', async () => {
    const bearer = { authorization: `Bearer ${REPORTS_TOKEN}` };
    expect((await get('/REPORTS/api/cases.csv', bearer)).status).toBe(200);
    expect((await get('/reports/', bearer)).status).toBe(200);
    expect((await get('/METRICS', { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
  });
});

describe('reports cookie', () => {
  it('answers 400, not 500, to a cookie that cannot be decoded', async () => {
    const res = await get('/reports/api/report', { cookie: 'hearken_reports=%' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_cookie');
  });

  it('holds a signed issue time, expires on the server after REPORTS_SESSION_HOURS, and refuses a forged one', async () => {
    now = new Date('2026-03-02T10:00:00Z');
    const setCookie = await login();
    expect(setCookie).toContain('Max-Age=7200');
    expect(setCookie).not.toContain(REPORTS_TOKEN);
    const cookie = setCookie.split(';')[0]!;
    const [, value] = cookie.split('=');
    const [issued, mac] = value!.split('.');
    expect(Number(issued)).toBe(now.getTime() / 1000);
    expect((await get('/reports/api/report', { cookie })).status).toBe(200);

    // The issue time cannot be moved forward without the key.
    const forged = `hearken_reports=${Number(issued) + 3600}.${mac}`;
    expect((await get('/reports/api/report', { cookie: forged })).status).toBe(401);

    now = new Date('2026-03-02T11:59:00Z');
    expect((await get('/reports/api/report', { cookie })).status).toBe(200);
    now = new Date('2026-03-02T12:00:01Z');
    expect((await get('/reports/api/report', { cookie })).status).toBe(401);
  });

  it('is Secure when a trusted proxy says the client used TLS, and not over plain HTTP', async () => {
    expect(await login({ 'x-forwarded-proto': 'https' })).toContain('Secure');
    expect(await login()).not.toContain('Secure');
  });
});

describe('TRUST_PROXY off (the default)', () => {
  it('does not believe X-Forwarded-Proto from the peer', async () => {
    const plain = await startTestApp({ REPORTS_TOKEN });
    try {
      const res = await fetch(`${plain.url}/reports?token=${REPORTS_TOKEN}`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).not.toContain('Secure');
    } finally {
      await plain.stop();
    }
  });
});
