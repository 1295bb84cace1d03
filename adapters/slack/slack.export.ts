import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Db } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import type { PrivacyService } from '../../src/privacy/privacy.service.ts';
import { writeCasesCsv } from '../../src/reports/case-export.ts';
import { rollingDays } from '../../src/reports/report-range.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import { ErrorCode, errorBody } from '../../src/errors.ts';

/**
 * `/complaints export` answers with a link to GET /slack/export.csv carrying
 * a short-lived token signed with a key derived from the Slack secret: only
 * the staff member who asked (and whoever they share the link with, for 15
 * minutes) can download it. The CSV holds figures, no contact details.
 */
export const EXPORT_PATH = '/slack/export.csv';
export const EXPORT_TTL_MS = 15 * 60_000;

interface ExportClaims {
  /** Slack user who asked. */
  u: string;
  /** Days covered. */
  d: number;
  /** Expiry, epoch ms. */
  e: number;
}

export function exportKey(secret: string): Buffer {
  return createHash('sha256').update(`hearken-export\0${secret}`).digest();
}

export function exportToken(key: Buffer, userId: string, days: number, now: Date): string {
  const body = Buffer.from(JSON.stringify({ u: userId, d: days, e: now.getTime() + EXPORT_TTL_MS } satisfies ExportClaims)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

export function verifyExportToken(key: Buffer, token: string, now: Date): ExportClaims | undefined {
  const [body, signature] = token.split('.');
  if (!body || !signature) return undefined;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ExportClaims;
    if (typeof claims.u !== 'string' || !Number.isInteger(claims.d) || claims.d < 1 || claims.d > 366 || !(claims.e > now.getTime())) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

export function exportRouter(deps: { db: Db; key: Buffer; clock: () => Date; logger: Logger; texts: StaffTexts }): Router {
  const router = express.Router();
  router.get(EXPORT_PATH, async (req, res) => {
    const now = deps.clock();
    const claims = verifyExportToken(deps.key, String(req.query.token ?? ''), now);
    if (!claims) {
      res.status(403).json(errorBody(ErrorCode.InvalidToken, deps.texts.t('export.invalid')));
      return;
    }
    deps.logger.info({ component: 'slack', user: claims.u, days: claims.d }, 'cases exported');
    res
      .set('cache-control', 'no-store')
      .set('content-disposition', `attachment; filename="cases-${now.toISOString().slice(0, 10)}-${claims.d}d.csv"`)
      .type('text/csv; charset=utf-8');
    // Streamed in batches (up to a year of cases).
    await writeCasesCsv(deps.db, rollingDays(now, claims.d), res);
  });
  return router;
}

/**
 * `/complaints export-customer case <number>` (supervisors) answers with a
 * link to GET /slack/customer-export.json: a signed token with a key of its
 * own (a CSV link cannot be turned into a customer export) and a random link
 * id. The link works once, within 15 minutes: the first download that
 * succeeds records the link id as used (table `used_export_links`, in the
 * export's transaction), a second or concurrent one gets 410 Gone. The
 * export itself runs when the link is followed, through PrivacyService:
 * audited there (`privacy_requests` row naming the link id, `data_exported`
 * on each case) with the supervisor as actor.
 */
export const CUSTOMER_EXPORT_PATH = '/slack/customer-export.json';

interface CustomerExportClaims {
  /** Slack user (a supervisor) who asked. */
  u: string;
  /** Case number whose customer is exported. */
  c: string;
  /** Link id (random): what is recorded as used. */
  n: string;
  /** Expiry, epoch ms. */
  e: number;
}

export type CustomerExportCheck = { ok: true; claims: CustomerExportClaims } | { ok: false; reason: 'invalid' | 'expired' };

const customerKey = (key: Buffer) => createHmac('sha256', key).update('hearken-customer-export').digest();

export function customerExportToken(key: Buffer, userId: string, caseNumber: string, now: Date): string {
  const claims: CustomerExportClaims = { u: userId, c: caseNumber, n: randomBytes(16).toString('base64url'), e: now.getTime() + EXPORT_TTL_MS };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', customerKey(key)).update(body).digest('base64url')}`;
}

/** Signed by us and well-formed (`invalid` otherwise), then not past its expiry (`expired`). */
export function verifyCustomerExportToken(key: Buffer, token: string, now: Date): CustomerExportCheck {
  const invalid = { ok: false, reason: 'invalid' } as const;
  const [body, signature] = token.split('.');
  if (!body || !signature) return invalid;
  const expected = createHmac('sha256', customerKey(key)).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CustomerExportClaims;
    if (typeof claims.u !== 'string' || typeof claims.c !== 'string' || typeof claims.n !== 'string' || !/^[\w-]{16,64}$/.test(claims.n) || !Number.isFinite(claims.e)) return invalid;
    return claims.e > now.getTime() ? { ok: true, claims } : { ok: false, reason: 'expired' };
  } catch {
    return invalid;
  }
}

export function customerExportRouter(deps: { privacy: Pick<PrivacyService, 'exportCustomer'>; key: Buffer; clock: () => Date; logger: Logger; texts: StaffTexts }): Router {
  const router = express.Router();
  router.get(CUSTOMER_EXPORT_PATH, async (req, res) => {
    const check = verifyCustomerExportToken(deps.key, String(req.query.token ?? ''), deps.clock());
    if (!check.ok && check.reason === 'invalid') {
      res.status(403).json(errorBody(ErrorCode.InvalidToken, deps.texts.t('export.customerInvalid')));
      return;
    }
    if (!check.ok) {
      res.status(410).json(errorBody(ErrorCode.LinkExpired, deps.texts.t('export.customerExpired')));
      return;
    }
    const { claims } = check;
    const outcome = await deps.privacy.exportCustomer({ caseNumber: claims.c }, `slack:${claims.u}`, { id: claims.n, expiresAt: new Date(claims.e) });
    if (!outcome.ok && outcome.reason === 'link_used') {
      deps.logger.warn({ component: 'slack', user: claims.u }, 'customer export link used again: refused');
      res.status(410).json(errorBody(ErrorCode.LinkUsed, deps.texts.t('export.customerUsed')));
      return;
    }
    if (!outcome.ok) {
      res.status(404).json(errorBody(outcome.reason === 'link_used' ? ErrorCode.LinkUsed : ErrorCode.NotFound, deps.texts.t('export.customerGone')));
      return;
    }
    deps.logger.info({ component: 'slack', user: claims.u, cases: outcome.data.cases.length }, 'customer export downloaded');
    res
      .set('cache-control', 'no-store')
      .set('content-disposition', `attachment; filename="customer-${claims.c}.json"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(outcome.data, null, 2));
  });
  return router;
}
