import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Db } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import { casesCsv } from '../../src/reports/case-export.ts';
import { reportCsv } from '../../src/reports/report-csv.ts';
import { calendarRange, dateIn } from '../../src/reports/report-range.ts';
import { buildReport } from '../../src/reports/report.ts';
import type { ReportRange } from '../../src/reports/report.repository.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
/** Chart.js from node_modules (its UMD build; the package does not export dist/ paths, so resolve the entry and go next to it). */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
export const REPORTS_COOKIE = 'hearken_reports';
const DEFAULT_DAYS = 30;

export interface ReportsDeps {
  db: Db;
  token: string;
  timezone: string;
  clock: () => Date;
  logger: Logger;
  /** Lifetime of the cookie set by `?token=` (REPORTS_SESSION_HOURS). */
  sessionHours: number;
}

const digest = (value: string) => createHash('sha256').update(`hearken-reports\0${value}`).digest();

/**
 * The cookie holds its issue time and an HMAC of it under a key derived from
 * REPORTS_TOKEN: it expires on the server whatever the browser keeps, and
 * changing the token ends every session.
 */
export function reportsCookieSigner(token: string, sessionHours: number) {
  const key = createHmac('sha256', 'hearken-reports-cookie').update(token).digest();
  const mac = (issuedAt: number) => createHmac('sha256', key).update(`v1:${issuedAt}`).digest();
  const lifetimeSeconds = Math.round(sessionHours * 3600);
  return {
    lifetimeSeconds,
    issue: (now: Date) => {
      const issuedAt = Math.floor(now.getTime() / 1000);
      return `${issuedAt}.${mac(issuedAt).toString('hex')}`;
    },
    valid(value: string, now: Date): boolean {
      const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(value);
      if (!match) return false;
      const issuedAt = Number(match[1]);
      const age = now.getTime() / 1000 - issuedAt;
      // A minute of clock skew between instances.
      if (age < -60 || age >= lifetimeSeconds) return false;
      return timingSafeEqual(Buffer.from(match[2]!, 'hex'), mac(issuedAt));
    },
  };
}

/**
 * The staff reports page at /reports, its JSON (/reports/api/report) and CSV
 * (/reports/api/report.csv, /reports/api/cases.csv). Mount it at `/reports`
 * (REPORTS_TOKEN set): the check is the router's first handler, so every
 * spelling Express routes here (`/REPORTS/`, `/Reports/api/...`) passes it.
 * Access: `?token=<REPORTS_TOKEN>` once (answered with an HttpOnly cookie
 * holding a signed issue time, never the token, and a redirect that drops it
 * from the address bar) or `Authorization: Bearer`.
 */
export function reportsRouter(deps: ReportsDeps): Router {
  const router = express.Router();
  const expected = digest(deps.token);
  const matches = (given: string | undefined) => {
    if (!given) return false;
    return timingSafeEqual(digest(given), expected);
  };
  const cookies = reportsCookieSigner(deps.token, deps.sessionHours);
  const files: Record<string, { type: string; body: string }> = {
    '/assets/chart.umd.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(CHART_JS, 'utf8') },
    '/assets/reports.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports.js'), 'utf8') },
    '/assets/reports.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports.css'), 'utf8') },
  };
  const page = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (queryToken !== undefined && req.method === 'GET' && req.path === '/') {
      if (!matches(queryToken)) return unauthenticated(res);
      res.cookie(REPORTS_COOKIE, cookies.issue(deps.clock()), {
        httpOnly: true,
        sameSite: 'strict',
        path: '/reports',
        // req.secure believes X-Forwarded-Proto only from proxies TRUST_PROXY names.
        secure: req.secure,
        maxAge: cookies.lifetimeSeconds * 1000,
      });
      return res.redirect(303, '/reports');
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (matches(bearer)) return next();
    const cookie = cookieOf(req, REPORTS_COOKIE);
    if (cookie === 'malformed') {
      return void res.status(400).json({ error: { code: 'bad_cookie', message: 'The reports cookie is malformed: open /reports?token=<REPORTS_TOKEN> again.' } });
    }
    if (cookie && cookies.valid(cookie, deps.clock())) return next();
    unauthenticated(res);
  };
  router.use(authenticate);

  router.get('/', (_req, res) => {
    res.set('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'").type('html').send(page);
  });
  for (const [path, file] of Object.entries(files)) router.get(path, (_req, res) => void res.type(file.type).send(file.body));

  const rangeOf = (req: Request, res: Response): ReportRange | undefined => {
    const today = dateIn(deps.clock(), deps.timezone);
    const defaultFrom = dateIn(new Date(deps.clock().getTime() - (DEFAULT_DAYS - 1) * 86_400_000), deps.timezone);
    const range = calendarRange(String(req.query.from ?? defaultFrom), String(req.query.to ?? today), deps.timezone);
    if (!range) res.status(400).json({ error: { code: 'invalid_range', message: 'Use from and to as YYYY-MM-DD (from not after to, at most 400 days).' } });
    return range;
  };
  const report = (range: ReportRange) => buildReport(deps.db, range, { now: deps.clock(), timezone: deps.timezone });

  router.get('/api/report', async (req, res) => {
    const range = rangeOf(req, res);
    if (range) res.json(await report(range));
  });
  router.get('/api/report.csv', async (req, res) => {
    const range = rangeOf(req, res);
    if (!range) return;
    deps.logger.info({ component: 'reports', what: 'report' }, 'report exported');
    csv(res, `report-${String(req.query.from ?? '')}-${String(req.query.to ?? '')}.csv`, reportCsv(await report(range)));
  });
  router.get('/api/cases.csv', async (req, res) => {
    const range = rangeOf(req, res);
    if (!range) return;
    deps.logger.info({ component: 'reports', what: 'cases' }, 'report exported');
    csv(res, 'cases.csv', await casesCsv(deps.db, range));
  });
  return router;
}

function csv(res: Response, fileName: string, body: string): void {
  res.set('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '')}"`).type('text/csv; charset=utf-8').send(body);
}

function unauthenticated(res: Response): void {
  res
    .status(401)
    .set('www-authenticate', 'Bearer')
    .json({ error: { code: 'unauthenticated', message: 'Open /reports?token=<REPORTS_TOKEN> once, or send Authorization: Bearer <REPORTS_TOKEN>.' } });
}

/** The cookie's value; 'malformed' when it cannot be decoded (answered 400, not 500). */
function cookieOf(req: Request, name: string): string | 'malformed' | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return 'malformed';
    }
  }
  return undefined;
}
