import type { Response } from 'express';
import { answerOverloaded } from '../../src/http/server.ts';
import { ErrorCode, errorBody, type InboundOverloaded } from '../../src/errors.ts';

/**
 * The response CloudAdapter writes to. The SDK puts error messages in its
 * 4xx/5xx bodies (e.g. "request to https://login.botframework.com/… failed"
 * when it cannot fetch signing keys): callers get a plain answer instead.
 */
export function guardedResponse(res: Response, overloaded: () => InboundOverloaded | undefined, unauthenticated: (status: number) => void) {
  let statusCode = 200;
  const plain = (code: number) =>
    code === 401 || code === 403
      ? errorBody(ErrorCode.Unauthenticated, 'The request could not be authenticated.')
      : code >= 500
        ? errorBody(ErrorCode.InternalError, 'Something went wrong on our side.')
        : errorBody(ErrorCode.BadRequest, 'The request could not be processed.');
  const shim = {
    status(code: number) {
      statusCode = code;
      return shim;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return shim;
    },
    send(body?: unknown) {
      if (res.headersSent) return shim;
      const refused = statusCode >= 500 ? overloaded() : undefined;
      if (refused) answerOverloaded(res, refused);
      else if (statusCode >= 400) {
        if (statusCode === 401 || statusCode === 403) unauthenticated(statusCode);
        res.status(statusCode).json(plain(statusCode));
      }
      else if (body === undefined) res.status(statusCode).end();
      else res.status(statusCode).send(body);
      return shim;
    },
    end() {
      if (!res.headersSent) res.status(statusCode).end();
      return shim;
    },
  };
  return shim as unknown as Response;
}
