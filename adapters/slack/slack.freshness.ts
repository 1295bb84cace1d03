import type { RequestHandler } from 'express';
import type { Logger } from '../../src/logger.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's replay window, both ways: a signed request is good for five minutes around its timestamp. */
export const SLACK_REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * Refuses (401) a request to /slack/events whose X-Slack-Request-Timestamp
 * lies more than five minutes in the future. Bolt refuses stale, unsigned
 * and badly signed requests itself, but accepts any future timestamp: a
 * request signed for later could be replayed for as long as it names. Reads
 * headers only; the body is left for Bolt's signature check. Compared with
 * the wall clock, as Slack's own timestamps are.
 */
export function refuseFutureRequests(logger: Logger, now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-slack-request-timestamp'];
    const timestamp = Number(Array.isArray(header) ? header[0] : header);
    if (!Number.isNaN(timestamp) && timestamp > Math.floor(now() / 1000) + SLACK_REQUEST_WINDOW_SECONDS) {
      logger.warn({ component: 'slack', reason: 'timestamp_in_future' }, 'Slack request refused');
      res.status(401).send();
      return;
    }
    next();
  };
}
