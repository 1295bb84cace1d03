import { ErrorCode, errorBody } from '../errors.ts';
import { redactSecrets } from '../redact.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { sql } from 'kysely';
import { pendingMigrations, type Db } from '../db/database.ts';
import type { Metrics } from './metrics.ts';

/** What the health checks read of a channel module (the composition root passes the modules). */
export interface ChannelHealth {
  readonly name: string;
  /** The last error talking to the platform, if any. */
  lastError?(): string | undefined;
}

export interface OpsDeps {
  db: Db;
  modules: readonly ChannelHealth[];
  metrics: Metrics;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/**
 * Each channel's last platform problem, redacted (platform errors can carry
 * credentials) and cut short: the one source of /healthz and /readyz.
 */
export function channelProblems(modules: readonly ChannelHealth[]): Record<string, string | undefined> {
  return Object.fromEntries(
    modules.map((m) => {
      const error = m.lastError?.();
      return [m.name, error ? redactSecrets(error).slice(0, 200) : undefined];
    }),
  );
}

/**
 * `/healthz`: is the process alive and its database reachable? A channel's
 * platform problem (archived Slack channel, revoked token) shows, redacted,
 * without failing the check.
 * `/readyz`: can this instance serve? 503 when the database is unreachable
 * or migrations are missing. A channel whose platform reports an error makes
 * it `degraded`, still 200: a Telegram outage must not take the web chat out
 * of the load balancer. `/metrics`: Prometheus text format.
 */
export function opsRouter(deps: OpsDeps): Router {
  const router = express.Router();

  router.get('/healthz', async (_req, res) => {
    const channels = Object.fromEntries(Object.entries(channelProblems(deps.modules)).map(([name, error]) => [name, error ?? 'ok']));
    try {
      await sql`SELECT 1`.execute(deps.db);
      res.json({ status: 'ok', database: 'ok', channels });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  router.get('/readyz', async (_req, res) => {
    let database: 'ok' | 'unreachable' = 'ok';
    let pending: string[] = [];
    try {
      await sql`SELECT 1`.execute(deps.db);
      pending = await pendingMigrations(deps.db);
    } catch {
      database = 'unreachable';
    }
    const channels: Record<string, { status: 'ok' } | { status: 'error'; lastError: string }> = {};
    for (const [name, error] of Object.entries(channelProblems(deps.modules))) {
      channels[name] = error ? { status: 'error', lastError: error } : { status: 'ok' };
    }
    const ready = database === 'ok' && pending.length === 0;
    const status = !ready ? 'unavailable' : Object.values(channels).some((c) => c.status === 'error') ? 'degraded' : 'ready';
    res.status(ready ? 200 : 503).json({
      status,
      database,
      migrations: database === 'ok' ? (pending.length === 0 ? { status: 'ok' } : { status: 'pending', pending }) : { status: 'unknown' },
      channels,
    });
  });

  router.get('/metrics', async (req, res) => {
    if (deps.metricsToken && !bearerMatches(req.get('authorization'), deps.metricsToken)) {
      res.status(401).set('www-authenticate', 'Bearer').json(errorBody(ErrorCode.Unauthenticated, 'A valid bearer token is required.'));
      return;
    }
    const { contentType, body } = await deps.metrics.render();
    res.set('content-type', contentType).set('cache-control', 'no-store').send(body);
  });

  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Platform errors can carry credentials (Telegram puts the bot token in its URLs). */
