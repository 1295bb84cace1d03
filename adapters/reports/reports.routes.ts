import { createHash, timingSafeEqual } from 'node:crypto';
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
}

const digest = (value: string) => createHash('sha256').update(`hearken-reports\0${value}`).digest();

/**
 * The staff reports page at /reports, its JSON (/reports/api/report) and CSV
 * (/reports/api/report.csv, /reports/api/cases.csv). Mounted only when
 * REPORTS_TOKEN is set. Access: `?token=<REPORTS_TOKEN>` once (answered with
 * an HttpOnly cookie holding a digest of the token, never the token, and a
 * redirect that drops it from the address bar) or `Authorization: Bearer`.
 */
export function reportsRouter(deps: ReportsDeps): Router {
  const router = express.Router();
  const expected = digest(deps.token);
  const matches = (given: string | undefined, hashed = false) => {
    if (!given) return false;
    const value = hashed ? Buffer.from(given, 'hex') : digest(given);
    return value.length === expected.length && timingSafeEqual(value, expected);
  };
  const files: Record<string, { type: string; body: string }> = {
    '/reports/assets/chart.umd.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(CHART_JS, 'utf8') },
    '/reports/assets/reports.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports.js'), 'utf8') },
    '/reports/assets/reports.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports.css'), 'utf8') },
  };
  const page = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/reports' && !req.path.startsWith('/reports/')) return next();
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (queryToken !== undefined && req.method === 'GET' && req.path === '/reports') {
      if (!matches(queryToken)) return unauthenticated(res);
      res.cookie(REPORTS_COOKIE, expected.toString('hex'), { httpOnly: true, sameSite: 'strict', path: '/reports', secure: req.secure, maxAge: 12 * 3_600_000 });
      return res.redirect(303, '/reports');
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (matches(bearer) || matches(cookieOf(req, REPORTS_COOKIE), true)) return next();
    unauthenticated(res);
  };
  router.use(authenticate);

  router.get('/reports', (_req, res) => {
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

  router.get('/reports/api/report', async (req, res) => {
    const range = rangeOf(req, res);
    if (range) res.json(await report(range));
  });
  router.get('/reports/api/report.csv', async (req, res) => {
    const range = rangeOf(req, res);
    if (!range) return;
    deps.logger.info({ component: 'reports', what: 'report' }, 'report exported');
    csv(res, `report-${String(req.query.from ?? '')}-${String(req.query.to ?? '')}.csv`, reportCsv(await report(range)));
  });
  router.get('/reports/api/cases.csv', async (req, res) => {
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

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
