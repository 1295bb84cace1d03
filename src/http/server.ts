import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import type { Logger } from '../logger.ts';

export interface HttpOptions {
  /** Express 'trust proxy' (TRUST_PROXY): decides req.ip and req.secure. */
  trustProxy?: boolean | number | string;
}

/** The one HTTP app every channel mounts on. */
export function createHttpApp(options: HttpOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.set('x-content-type-options', 'nosniff');
    next();
  });
  return app;
}

/** 503 with Retry-After for a message refused under load (InboundOverloaded). */
export function answerOverloaded(res: Response, error: { retryAfterSeconds: number }): void {
  res.set('retry-after', String(error.retryAfterSeconds));
  res.status(503).json({ error: { code: 'overloaded', message: 'We are receiving a lot of messages right now. Please send yours again in a moment.' } });
}

/** 429 with Retry-After (whole seconds, at least 1) for a client over a rate limit. */
export function answerRateLimited(res: Response, waitMs: number, message: string): void {
  res.set('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
  res.status(429).json({ error: { code: 'rate_limited', message } });
}

/** Last handlers: JSON 404, and errors mapped to clear 4xx/5xx answers without internals. */
export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'Not found.' } });
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    // Load shedding (InboundOverloaded): counted and logged where it happens; the sender retries.
    const overloaded = status === 503 && typeof error?.retryAfterSeconds === 'number';
    const code =
      error?.type === 'entity.too.large' ? 'too_large'
      : error?.type === 'entity.parse.failed' ? 'malformed_json'
      : overloaded ? 'overloaded'
      : status >= 500 ? 'internal_error'
      : 'bad_request';
    if (status >= 500 && !overloaded) logger.error({ path: req.path, method: req.method, err: { message: error?.message, code: error?.code } }, 'request failed');
    if (res.headersSent) return;
    if (overloaded) return answerOverloaded(res, error);
    const message =
      code === 'too_large' ? 'The request is too large.'
      : code === 'malformed_json' ? 'The request body is not valid JSON.'
      : status >= 500 ? 'Something went wrong on our side. Please try again.'
      : 'The request could not be understood.';
    res.status(status).json({ error: { code, message } });
  };
  app.use(onError);
}
