import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

export type SlackClient = InstanceType<typeof webApi.WebClient>;

/**
 * The one Web API client of the app. It never retries by itself (no retry
 * policy, 429 rejected at once): the outbox retries, honouring Retry-After.
 */
export function createSlackClient(token: string, apiUrl: string | undefined, logger: BoltLogger): SlackClient {
  return new webApi.WebClient(token, { ...slackClientOptions(apiUrl), logger });
}

/** SLACK_API_URL as the Web API client wants it (with a trailing slash), if set. */
export function slackApiBase(apiUrl: string | undefined): { slackApiUrl?: string } {
  return apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {};
}

export function slackClientOptions(apiUrl: string | undefined) {
  return {
    ...slackApiBase(apiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  };
}

/**
 * Bolt and Web API logs into pino. SDK debug lines carry request bodies
 * (customer text), so they are dropped whatever the level.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack-sdk' });
  let level = LogLevel.INFO;
  const line = (parts: unknown[]) =>
    parts.map((p) => (p instanceof Error ? `${p.message}${(p as { code?: string }).code ? ` (${(p as { code?: string }).code})` : ''}` : typeof p === 'string' ? p : '')).join(' ').slice(0, 500);
  return {
    debug: () => undefined,
    info: (...parts) => log.info(line(parts)),
    warn: (...parts) => log.warn(line(parts)),
    error: (...parts) => log.error(line(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackFailure {
  /** Slack's error code (is_archived, not_in_channel, ratelimited…) or a transport code. */
  code: string;
  permanent: boolean;
  retryAfterMs?: number;
  /** The problem is in the workspace's set-up (channel, membership, token, scopes): an operator must act. */
  setup: boolean;
}

const SETUP_ERRORS = new Set([
  'channel_not_found', 'is_archived', 'not_in_channel', 'channel_is_archived',
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'missing_scope', 'no_permission', 'ekm_access_denied', 'team_access_not_granted',
]);
/** Set-up problems are retried slowly for a while, so fixing the workspace lets queued messages through. */
const SETUP_RETRY_MS = 5 * 60_000;

export function classifySlackError(error: unknown): SlackFailure {
  const coded = error as { code?: string; retryAfter?: number; data?: { error?: string; needed?: string }; statusCode?: number };
  if (coded.code === webApi.ErrorCode.RateLimitedError) {
    return { code: 'ratelimited', permanent: false, retryAfterMs: Math.max(1, coded.retryAfter ?? 1) * 1000, setup: false };
  }
  if (coded.code === webApi.ErrorCode.PlatformError) {
    const code = coded.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return { code, permanent: false, retryAfterMs: 30_000, setup: false };
    if (SETUP_ERRORS.has(code)) return { code: code === 'missing_scope' && coded.data?.needed ? `missing_scope:${coded.data.needed}` : code, permanent: false, retryAfterMs: SETUP_RETRY_MS, setup: true };
    if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable' || code === 'request_timeout') return { code, permanent: false, setup: false };
    return { code, permanent: true, setup: false };
  }
  if (coded.code === webApi.ErrorCode.HTTPError) return { code: `http_${coded.statusCode ?? 'error'}`, permanent: false, setup: false };
  return { code: coded.code ?? 'request_failed', permanent: false, setup: false };
}

/** Whether a thrown Web API error carries this Slack error code. */
export function isSlackError(error: unknown, ...codes: string[]): boolean {
  const data = (error as { data?: { error?: string } }).data;
  return typeof data?.error === 'string' && codes.includes(data.error);
}

/**
 * Workspace problems an operator must fix (archived channel, bot not a
 * member, token or scope), per scope (a channel id, or `auth`). Each one is
 * logged once, with what to do, and shown on /healthz until a call in that
 * scope succeeds again. The rest of the app keeps running.
 */
export class SlackHealth {
  private readonly problems = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  problem(scope: string, code: string): void {
    const description = describeProblem(scope, code);
    if (this.problems.get(scope) === description) return;
    this.problems.set(scope, description);
    this.logger.error({ component: 'slack', scope, code }, `Slack problem: ${description}`);
  }

  ok(scope: string): void {
    if (this.problems.delete(scope)) this.logger.info({ component: 'slack', scope }, 'Slack problem cleared');
  }

  lastError(): string | undefined {
    return this.problems.size > 0 ? [...this.problems.values()].join('; ') : undefined;
  }
}

function describeProblem(scope: string, code: string): string {
  if (scope === 'api') return `the Slack Web API is failing (${code}); messages wait in the outbox and are retried`;
  if (code === 'is_archived' || code === 'channel_is_archived') return `channel ${scope} is archived: unarchive it or route cases elsewhere (SLACK_ROUTING_FILE, SLACK_CASES_CHANNEL)`;
  if (code === 'not_in_channel') return `the bot is not a member of channel ${scope}: invite it there (/invite @hearken)`;
  if (code === 'channel_not_found') return `channel ${scope} not found: a wrong id, or a private channel the bot was not invited to`;
  if (code.startsWith('missing_scope')) return `the Slack app lacks a scope (${code}): reinstall it from adapters/slack/manifest.json`;
  if (['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(code)) return `the Slack token was refused (${code}): check SLACK_BOT_TOKEN`;
  return `${scope}: ${code}`;
}
