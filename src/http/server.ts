import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from '../logger.ts';

/** The one HTTP app every channel mounts on. */
export function createHttpApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.set('x-content-type-options', 'nosniff');
    next();
  });
  return app;
}

/** Last handlers: JSON 404, and errors mapped to clear 4xx/5xx answers without internals. */
export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'Not found.' } });
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    const code =
      error?.type === 'entity.too.large' ? 'too_large'
      : error?.type === 'entity.parse.failed' ? 'malformed_json'
      : status >= 500 ? 'internal_error'
      : 'bad_request';
    if (status >= 500) logger.error({ path: req.path, method: req.method, err: { message: error?.message, code: error?.code } }, 'request failed');
    if (res.headersSent) return;
    const message =
      code === 'too_large' ? 'The request is too large.'
      : code === 'malformed_json' ? 'The request body is not valid JSON.'
      : status >= 500 ? 'Something went wrong on our side. Please try again.'
      : 'The request could not be understood.';
    res.status(status).json({ error: { code, message } });
  };
  app.use(onError);
}
