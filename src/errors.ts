import { redactSecrets } from './redact.ts';

/**
 * Every error code hearken gives out, in one naming style (snake_case): the
 * `code` of the errors below, and the `error.code` of its HTTP answers.
 * Expected outcomes are values (unions), not errors; these are for what
 * crosses a boundary: a refused request, a bad start-up file.
 */
export const ErrorCode = {
  // Start-up: a configuration or data file is wrong (the message names it).
  ConfigInvalid: 'config_invalid',
  PolicyInvalid: 'policy_invalid',
  PromptsInvalid: 'prompts_invalid',
  StaffPromptsInvalid: 'staff_prompts_invalid',
  ReportPromptsInvalid: 'report_prompts_invalid',
  WebchatPromptsInvalid: 'webchat_prompts_invalid',
  RoutingInvalid: 'routing_invalid',
  ClassifyRulesInvalid: 'classify_rules_invalid',
  MigrationFailed: 'migration_failed',
  // HTTP answers.
  Overloaded: 'overloaded',
  RateLimited: 'rate_limited',
  NotFound: 'not_found',
  BadRequest: 'bad_request',
  MalformedJson: 'malformed_json',
  TooLarge: 'too_large',
  InternalError: 'internal_error',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  InvalidActivity: 'invalid_activity',
  InvalidUpdate: 'invalid_update',
  InvalidToken: 'invalid_token',
  InvalidRange: 'invalid_range',
  BadCookie: 'bad_cookie',
  LinkExpired: 'link_expired',
  LinkUsed: 'link_used',
  InvalidMessage: 'invalid_message',
  EmptyMessage: 'empty_message',
  InvalidCursor: 'invalid_cursor',
  TooManyFiles: 'too_many_files',
  EmptyFile: 'empty_file',
  UnsupportedType: 'unsupported_type',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The body of a refused HTTP request: `{ error: { code, message } }`; the message names no person. */
export const errorBody = (code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } => ({ error: { code, message } });

/** An error of hearken's own: a stable code, and a message that names no person. */
export abstract class HearkenError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Refused because too many inbound messages are already waiting for a batch
 * (load shedding): nothing was recorded, the sender resends. Channels answer
 * 503 with Retry-After (Telegram and Bot Framework redeliver; the web chat
 * page retries).
 */
export class InboundOverloaded extends HearkenError {
  readonly code = ErrorCode.Overloaded;
  readonly status = 503;
  constructor(readonly retryAfterSeconds: number) {
    super('too many inbound messages waiting');
  }
}

export class ConfigError extends HearkenError {
  readonly code = ErrorCode.ConfigInvalid;
}
export class PolicyError extends HearkenError {
  readonly code = ErrorCode.PolicyInvalid;
}
export class PromptError extends HearkenError {
  readonly code = ErrorCode.PromptsInvalid;
}
export class StaffCatalogError extends HearkenError {
  readonly code = ErrorCode.StaffPromptsInvalid;
}
export class ReportTextsError extends HearkenError {
  readonly code = ErrorCode.ReportPromptsInvalid;
}
export class WebchatTextsError extends HearkenError {
  readonly code = ErrorCode.WebchatPromptsInvalid;
}
export class RoutingError extends HearkenError {
  readonly code = ErrorCode.RoutingInvalid;
}
export class ClassifyRulesError extends HearkenError {
  readonly code = ErrorCode.ClassifyRulesInvalid;
}
export class MigrationError extends HearkenError {
  readonly code = ErrorCode.MigrationFailed;
}

/** What a log line says about an error (the `err` field). */
export interface LoggedError {
  type: string;
  code?: string | number;
  status?: number;
  message?: string;
}

const MESSAGE_MAX = 200;

/**
 * The pino serializer of `err`: every log line passes the error itself
 * (`logger.warn({ err: error }, '...')`) and gets the same fields. No stack,
 * no cause, no request: platform and driver messages can carry a URL with a
 * bot token, a JWT, or a value a customer typed, so the message is cut and
 * stripped of credentials, e-mail addresses and digit runs (phone numbers).
 */
export function serializeError(error: unknown): LoggedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: scrub(String(error)) };
  const e = error as { name?: unknown; code?: unknown; status?: unknown; statusCode?: unknown; message?: unknown; description?: unknown };
  const fields: LoggedError = { type: typeof e.name === 'string' ? e.name : (error.constructor?.name ?? 'Object') };
  if (typeof e.code === 'string' || typeof e.code === 'number') fields.code = e.code;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number') fields.status = status;
  // Telegram's TelegramError: the API's own description says more than its message.
  const message = typeof e.description === 'string' ? e.description : e.message;
  if (typeof message === 'string' && message !== '') fields.message = scrub(message);
  return fields;
}

function scrub(text: string): string {
  return redactSecrets(text.slice(0, MESSAGE_MAX * 2))
    .replace(/\bbearer\s+\S+/gi, '[redacted]')
    .replace(/\beyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g, '[redacted]')
    .replace(/[^\s"'<>@]+@[^\s"'<>@]+\.[A-Za-z]{2,}/g, '[redacted]')
    .replace(/\+?\d(?:[ -]?\d){6,}/g, '[redacted]')
    .replace(/([?&][^=\s&]+=)[^\s&]+/g, '$1[redacted]')
    .slice(0, MESSAGE_MAX);
}
