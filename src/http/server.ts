import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import { ErrorCode, errorBody, InboundOverloaded } from '../errors.ts';
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
export function answerOverloaded(res: Response, error: InboundOverloaded): void {
  res.set('retry-after', String(error.retryAfterSeconds));
  res.status(error.status).json(errorBody(error.code, 'We are receiving a lot of messages right now. Please send yours again in a moment.'));
}

/** 429 with Retry-After (whole seconds, at least 1) for a client over a rate limit. */
export function answerRateLimited(res: Response, waitMs: number, message: string): void {
  res.set('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
  res.status(429).json(errorBody(ErrorCode.RateLimited, message));
}

/** Last handlers: JSON 404, and errors mapped to clear 4xx/5xx answers without internals. */
export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json(errorBody(ErrorCode.NotFound, 'Not found.'));
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    // Load shedding: counted and logged where it happens; the sender retries.
    if (error instanceof InboundOverloaded) {
      if (!res.headersSent) answerOverloaded(res, error);
      return;
    }
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const code: ErrorCode =
      error?.type === 'entity.too.large' ? ErrorCode.TooLarge
      : error?.type === 'entity.parse.failed' ? ErrorCode.MalformedJson
      : status >= 500 ? ErrorCode.InternalError
      : ErrorCode.BadRequest;
    if (status >= 500) logger.error({ path: req.path, method: req.method, err: error }, 'request failed');
    if (res.headersSent) return;
    const message =
      code === ErrorCode.TooLarge ? 'The request is too large.'
      : code === ErrorCode.MalformedJson ? 'The request body is not valid JSON.'
      : status >= 500 ? 'Something went wrong on our side. Please try again.'
      : 'The request could not be understood.';
    res.status(status).json(errorBody(code, message));
  };
  app.use(onError);
}
