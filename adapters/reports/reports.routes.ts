import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import type { Db } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import { writeCasesCsv } from '../../src/reports/case-export.ts';
import { reportCsv } from '../../src/reports/report-csv.ts';
import { calendarRange, dateIn } from '../../src/reports/report-range.ts';
import type { ReportLocale, ReportPageTexts } from '../../src/reports/report-texts.ts';
import { buildReport } from '../../src/reports/report.ts';
import type { ReportRange } from '../../src/reports/report.repository.ts';
import { reportsAuth } from './reports.auth.ts';
import { chooseLocale, reportLocaleOf, reportsPages } from './reports.page.ts';
import { ErrorCode, errorBody } from '../../src/errors.ts';

export { REPORTS_COOKIE, reportsCookieSigner } from './reports.auth.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
/** Chart.js from node_modules (its UMD build; the package does not export dist/ paths, so resolve the entry and go next to it). */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
const DEFAULT_DAYS = 30;
const PAGE_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface ReportsDeps {
  db: Db;
  token: string;
  timezone: string;
  clock: () => Date;
  logger: Logger;
  /** Lifetime of the session cookie (REPORTS_SESSION_HOURS). */
  sessionHours: number;
  /** The page's texts per language (loadReportTexts). */
  texts: Map<ReportLocale, ReportPageTexts>;
  /** The language when neither the manager nor the browser names one (STAFF_LOCALE). */
  defaultLocale: ReportLocale;
}

/**
 * The staff reports page at /reports, its JSON (/reports/api/report) and CSV
 * (/reports/api/report.csv, /reports/api/cases.csv). Mount it at `/reports`
 * (REPORTS_TOKEN set). A browser that is not signed in gets the sign-in
 * page; other clients get a JSON 401 (reports.auth.ts).
 */
export function reportsRouter(deps: ReportsDeps): Router {
  const router = express.Router();
  const pages = reportsPages(PUBLIC_DIR, deps.texts, deps.sessionHours);
  const html = (res: Response, status: number, body: string) => void res.status(status).set('content-security-policy', PAGE_POLICY).type('html').send(body);
  const auth = reportsAuth({
    token: deps.token,
    clock: deps.clock,
    sessionHours: deps.sessionHours,
    signInPage: (req, res, status, problem) => html(res, status, pages.signIn(chooseLocale(req, deps.defaultLocale), problem)),
    // Only a language named in the request travels on; otherwise the page chooses as usual.
    landing: (req) => {
      const named = reportLocaleOf(req.query.lang) ?? reportLocaleOf((req.body as Record<string, unknown> | undefined)?.lang);
      return named ? `/reports?lang=${named}` : '/reports';
    },
  });
  const files: Record<string, { type: string; body: string }> = {
    '/assets/chart.umd.min.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(CHART_JS, 'utf8') },
    '/assets/reports-figures.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports-figures.js'), 'utf8') },
    '/assets/reports.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'reports.js'), 'utf8') },
  };
  const styles = readFileSync(join(PUBLIC_DIR, 'reports.css'), 'utf8');

  // Before the check: the sign-in page needs its styles, and signing in or out needs no session.
  router.get('/assets/reports.css', (_req, res) => void res.set('cache-control', 'no-cache').type('text/css; charset=utf-8').send(styles));
  router.post('/login', ...auth.signIn);
  router.post('/logout', auth.signOut);
  router.use(auth.authenticate);

  router.get('/', (req, res) => html(res, 200, pages.page(chooseLocale(req, deps.defaultLocale))));
  router.get('/login', (_req, res) => void res.redirect(303, '/reports'));
  for (const [path, file] of Object.entries(files)) router.get(path, (_req, res) => void res.type(file.type).send(file.body));

  const rangeOf = (req: Request, res: Response): ReportRange | undefined => {
    const today = dateIn(deps.clock(), deps.timezone);
    const defaultFrom = dateIn(new Date(deps.clock().getTime() - (DEFAULT_DAYS - 1) * 86_400_000), deps.timezone);
    const range = calendarRange(String(req.query.from ?? defaultFrom), String(req.query.to ?? today), deps.timezone);
    if (!range) res.status(400).json(errorBody(ErrorCode.InvalidRange, 'Use from and to as YYYY-MM-DD (from not after to, at most 400 days).'));
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
    // Streamed in batches: a year of cases is hundreds of thousands of rows.
    attachment(res, 'cases.csv');
    await writeCasesCsv(deps.db, range, res);
  });
  return router;
}

function attachment(res: Response, fileName: string): Response {
  return res.set('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '')}"`).type('text/csv; charset=utf-8');
}

function csv(res: Response, fileName: string, body: string): void {
  attachment(res, fileName).send(body);
}
