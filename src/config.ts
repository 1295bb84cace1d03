import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * The only reader of process.env. Parsed once at start; a bad value stops the
 * start with a message naming the variable.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalString.pipe(z.url().optional());

/** Comma-separated host patterns: `host`, `*.domain` (its subdomains) or an IP address; unset: undefined. */
const hostList = optionalString.transform((value) => value?.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Old-generation growth between full collections, in % (see src/app/heap-tuning.ts); 0 keeps V8's default. */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(25),

  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Inbound transactions in flight at once; messages arriving meanwhile are committed together (group commit). */
  INBOUND_BATCHES: z.coerce.number().int().min(1).max(50).default(1),
  /** Customer messages that may wait for a transaction; past it new ones are refused with 503 + Retry-After. */
  INBOUND_QUEUE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  DATA_DIR: z.string().default('./data'),

  POLICY_FILE: z.string().default('./config/policy.json'),
  PROMPTS_DIR: z.string().default('./prompts'),

  /** Outbox worker: how often it looks for due rows when nothing woke it, in ms. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Outbox: how long a claimed message is reserved before another round (or instance) sends it again, in seconds. */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(4).max(600).default(30),
  /**
   * Timer worker (pg-boss) polling interval, in seconds: a timer fires up to
   * this long after it is due (a full batch is fetched again at once). 1 s
   * keeps the p99 lag of 100,000 deadlines due over 20 s near 1 s
   * (BENCHMARKS.md); pg-boss allows 0.5 at least.
   */
  TIMER_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString,

  /**
   * Staff reports page at /reports and its JSON/CSV API: open it with
   * `?token=<REPORTS_TOKEN>` once (sets an HttpOnly cookie) or send
   * `Authorization: Bearer <REPORTS_TOKEN>`. Without it the page is off (404).
   */
  REPORTS_TOKEN: optionalString.pipe(z.string().min(16, 'use at least 16 characters').optional()),
  /** How long the reports cookie (signed issue time) stays valid, in hours. */
  REPORTS_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /**
   * Express 'trust proxy': which proxies' X-Forwarded-For / -Proto are
   * believed (client address for the web chat limits, Secure cookies behind
   * TLS). `false` (default: the peer is the client), `true`, a hop count, or
   * a comma list of addresses/subnets (`loopback`, `10.0.0.0/8`).
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v): boolean | number | string => (v === '' || v === 'false' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v)),
  /** Web chat, per client address: new sessions (a burst, then this many per hour). */
  WEBCHAT_SESSION_BURST: z.coerce.number().int().min(1).max(1_000_000).default(20),
  WEBCHAT_SESSIONS_PER_HOUR: z.coerce.number().positive().max(1_000_000).default(60),
  /** Web chat, per client address: file uploads (a burst, then this many per hour). */
  WEBCHAT_UPLOAD_BURST: z.coerce.number().int().min(1).max(1_000_000).default(20),
  WEBCHAT_UPLOADS_PER_HOUR: z.coerce.number().positive().max(1_000_000).default(120),
  /** Web chat: most files one visitor may hold that are not yet part of a case. */
  WEBCHAT_UNATTACHED_UPLOADS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Slack channel the weekly report digest is posted to (needs the Slack desk); unset: no digest. */
  REPORT_DIGEST_CHANNEL: optionalString,
  /** When the digest is posted: cron expression in the policy time zone (default Monday 09:00). */
  REPORT_DIGEST_CRON: z.string().trim().default('0 9 * * 1').refine((v) => v.split(/\s+/).length === 5, 'use a 5-field cron expression'),

  TELEGRAM_BOT_TOKEN: optionalString,
  /** Telegram allows 1-256 characters A-Z a-z 0-9 _ - in secret_token. */
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1-256 characters A-Z, a-z, 0-9, _ and -').optional()),
  TELEGRAM_API_ROOT: optionalUrl,
  /**
   * Long polling: tries of an update whose handling fails (database down)
   * before it is dropped, with backoff 1 s, 2 s, 4 s … 60 s between tries
   * (10 tries: about four minutes). Webhook mode leaves retries to Telegram.
   */
  TELEGRAM_UPDATE_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Hosts customer files are downloaded from (default: the host of
   * TELEGRAM_API_ROOT, api.telegram.org). A name must resolve to public
   * addresses only; a private or loopback address is fetched only when it is
   * listed literally as an IP address (a local Bot API server).
   */
  TELEGRAM_FILE_HOSTS: hostList,

  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: optionalString,
  MicrosoftAppTenantId: optionalString,
  /**
   * Without MicrosoftAppId the Bot Framework channel is off, unless this is
   * true: then /api/messages accepts unauthenticated activities whose
   * serviceUrl is on this machine (the Bot Framework Emulator).
   */
  BOTFRAMEWORK_EMULATOR: z.enum(['true', 'false', '1', '0', '']).default('false').transform((v) => v === 'true' || v === '1'),
  /**
   * Validation of the channel's tokens outside the public Azure cloud
   * (sovereign clouds): where its signing keys are published (OpenID
   * metadata URL) and who issues its tokens. Default: the public cloud's.
   */
  BOTFRAMEWORK_OPENID_METADATA_URL: optionalUrl,
  BOTFRAMEWORK_TOKEN_ISSUER: optionalString,
  /**
   * Hosts customer files (contentUrl, Teams downloadUrl) are downloaded from.
   * Default: *.sharepoint.com, smba.trafficmanager.net, *.botframework.com;
   * with BOTFRAMEWORK_EMULATOR and no app id: 127.0.0.1 and ::1 (the
   * Emulator serves files on this machine). Same rules as TELEGRAM_FILE_HOSTS.
   */
  BOTFRAMEWORK_FILE_HOSTS: hostList,
  /**
   * Which SDK serves /api/messages: `agents` (the Microsoft 365 Agents SDK,
   * Microsoft's maintained successor) or `botbuilder` (the archived Bot
   * Framework SDK, legacy).
   */
  BOTFRAMEWORK_SDK: z.enum(['agents', 'botbuilder']).default('agents'),
  /**
   * The Agents SDK's own setting names (also read as
   * `connections__serviceConnection__settings__<name>`, in any case, as the
   * SDK does). Unset, the Agents adapter falls back to MicrosoftAppId,
   * MicrosoftAppPassword and MicrosoftAppTenantId, as the SDK's own loader
   * of the previous names does. `authorityEndpoint`: the Entra login
   * endpoint (sovereign clouds); default https://login.microsoftonline.com.
   */
  clientId: optionalString,
  clientSecret: optionalString,
  tenantId: optionalString,
  authorityEndpoint: optionalUrl,

  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalUrl,
  SLACK_CASES_CHANNEL: optionalString,
  SLACK_SUPERVISORS_CHANNEL: optionalString,
  /** Staff (may act on cases): members of this channel (default SLACK_CASES_CHANNEL) and of this user group. */
  SLACK_STAFF_CHANNEL: optionalString,
  SLACK_STAFF_GROUP: optionalString,
  /** Supervisors (approve remedies, lower a major severity): members of SLACK_SUPERVISORS_CHANNEL and of this user group. */
  SLACK_SUPERVISORS_GROUP: optionalString,
  /** Routing rules, teams and resolution options (category/severity → channel, team). */
  SLACK_ROUTING_FILE: z.string().default('./config/routing.json'),
  /** A staff reply reaches the customer signed with the agent's Slack display name, or with the company's. */
  SLACK_REPLY_ATTRIBUTION: z.enum(['agent', 'company']).default('agent'),
  /** Language of every text the staff desk shows staff (prompts/<locale>/staff.json); customers keep their own. */
  STAFF_LOCALE: z.enum(['en', 'zh-CN']).default('en'),
  /** How long staff/supervisor membership looked up in Slack is trusted, in seconds. */
  SLACK_ROLE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export type Config = Readonly<z.infer<typeof envSchema>>;

/**
 * The Agents SDK channel's settings, judged before anything starts. The
 * HAZARD they guard: the SDK accepts unauthenticated requests when it has no
 * client id outside production, so a half-done setup must not start.
 */
function checkAgentsSdk(env: z.infer<typeof envSchema>, ctx: z.RefinementCtx): void {
  if (env.BOTFRAMEWORK_SDK !== 'agents') return;
  const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const clientId = env.clientId ?? env.MicrosoftAppId;
  if (!clientId && !env.BOTFRAMEWORK_EMULATOR && (env.clientSecret ?? env.tenantId ?? env.MicrosoftAppPassword)) problem('clientId', 'a secret or tenant is set without clientId (the bot\'s Microsoft App ID)');
  if (!clientId && env.BOTFRAMEWORK_EMULATOR && env.NODE_ENV === 'production') problem('BOTFRAMEWORK_EMULATOR', 'without clientId it is refused in production: the Agents SDK requires a client id there');
  if (env.BOTFRAMEWORK_OPENID_METADATA_URL) problem('BOTFRAMEWORK_OPENID_METADATA_URL', 'applies to BOTFRAMEWORK_SDK=botbuilder only; with the Agents SDK set authorityEndpoint');
  if (env.BOTFRAMEWORK_TOKEN_ISSUER) problem('BOTFRAMEWORK_TOKEN_ISSUER', 'applies to BOTFRAMEWORK_SDK=botbuilder only; with the Agents SDK set authorityEndpoint');
  if (env.MicrosoftAppType && !['SingleTenant', 'MultiTenant'].includes(env.MicrosoftAppType)) problem('MicrosoftAppType', 'only SingleTenant and MultiTenant map to the Agents SDK; set BOTFRAMEWORK_SDK=botbuilder for others');
}

export { ConfigError };

/**
 * Reads configuration from `env` (default: process.env, plus `.env` in the
 * working directory when present; real environment variables win).
 */
/** For entry points: the configuration, or the problem on stderr and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

export function loadConfig(env: Record<string, string | undefined> = readProcessEnv()): Config {
  const parsed = envSchema.superRefine(checkAgentsSdk).safeParse(withAgentsSdkNames(env));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

const AGENTS_SDK_NAMES = ['clientId', 'clientSecret', 'tenantId', 'authorityEndpoint'] as const;

/** The Agents SDK matches its names case-insensitively, flat or under its default connection: so does hearken. */
function withAgentsSdkNames(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const named = { ...env };
  for (const name of AGENTS_SDK_NAMES) {
    if (named[name]?.trim()) continue;
    const spellings = [name.toLowerCase(), `connections__serviceconnection__settings__${name.toLowerCase()}`];
    const key = Object.keys(env).find((k) => spellings.includes(k.toLowerCase()) && env[k]?.trim());
    if (key) named[name] = env[key];
  }
  return named;
}

function readProcessEnv(): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(readFileSync('.env'));
  } catch {
    // No .env file: the environment alone configures the process.
  }
  return { ...fromFile, ...process.env };
}
