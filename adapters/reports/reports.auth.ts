import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode, errorBody } from '../../src/errors.ts';

export const REPORTS_COOKIE = 'hearken_reports';

/** Why the sign-in page is shown again. */
export type SignInProblem = 'wrongToken' | 'badSession';

export interface ReportsAuthDeps {
  token: string;
  clock: () => Date;
  /** Lifetime of the session cookie (REPORTS_SESSION_HOURS). */
  sessionHours: number;
  /** Answers a browser that is not signed in: the sign-in page, with this status. */
  signInPage: (req: Request, res: Response, status: number, problem?: SignInProblem) => void;
  /** Where a browser goes once signed in (the page, in the language it signed in with). */
  landing: (req: Request) => string;
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

/** A browser navigating (it asks for HTML first) gets pages; fetch, curl and scripts (`*\/*`, JSON) get JSON. */
export function wantsPage(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
}

/**
 * Access to /reports: `?token=<REPORTS_TOKEN>` once, or the sign-in form
 * (POST /reports/login), answered with an HttpOnly cookie holding a signed
 * issue time (never the token) and a redirect; or `Authorization: Bearer`.
 * `authenticate` must be the router's first handler after the sign-in
 * routes, so every spelling Express routes here passes it.
 */
export function reportsAuth(deps: ReportsAuthDeps): { authenticate: RequestHandler; signIn: RequestHandler[]; signOut: RequestHandler } {
  const expected = digest(deps.token);
  const matches = (given: string | undefined) => (given ? timingSafeEqual(digest(given), expected) : false);
  const cookies = reportsCookieSigner(deps.token, deps.sessionHours);
  const noStore = (res: Response) => res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
  const startSession = (req: Request, res: Response) => {
    res.cookie(REPORTS_COOKIE, cookies.issue(deps.clock()), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/reports',
      // req.secure believes X-Forwarded-Proto only from proxies TRUST_PROXY names.
      secure: req.secure,
      maxAge: cookies.lifetimeSeconds * 1000,
    });
  };
  const refuse = (req: Request, res: Response, problem?: SignInProblem) => {
    if (wantsPage(req)) return deps.signInPage(req, res, 401, problem);
    res
      .status(401)
      .set('www-authenticate', 'Bearer')
      .json(errorBody(ErrorCode.Unauthenticated, 'Sign in at /reports, open /reports?token=<REPORTS_TOKEN> once, or send Authorization: Bearer <REPORTS_TOKEN>.'));
  };

  const authenticate: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    noStore(res);
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (queryToken !== undefined && req.method === 'GET' && req.path === '/') {
      if (!matches(queryToken)) return refuse(req, res, 'wrongToken');
      startSession(req, res);
      return res.redirect(303, deps.landing(req));
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (matches(bearer)) return next();
    const cookie = cookieOf(req, REPORTS_COOKIE);
    if (cookie === 'malformed') {
      if (wantsPage(req)) return deps.signInPage(req, res, 400, 'badSession');
      return void res.status(400).json(errorBody(ErrorCode.BadCookie, 'The reports cookie is malformed: sign in at /reports again.'));
    }
    if (cookie && cookies.valid(cookie, deps.clock())) return next();
    refuse(req, res);
  };

  const signIn: RequestHandler[] = [
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }),
    (req, res) => {
      noStore(res);
      const given = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
      if (!matches(given)) return deps.signInPage(req, res, 401, 'wrongToken');
      startSession(req, res);
      res.redirect(303, deps.landing(req));
    },
  ];

  const signOut: RequestHandler = (req, res) => {
    noStore(res);
    res.clearCookie(REPORTS_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/reports', secure: req.secure });
    res.redirect(303, deps.landing(req));
  };

  return { authenticate, signIn, signOut };
}

/** The cookie's value; 'malformed' when it cannot be decoded (answered 400, not 500). */
export function cookieOf(req: Request, name: string): string | 'malformed' | undefined {
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
