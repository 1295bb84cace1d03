import { pino, type Logger } from 'pino';
import { serializeError } from './errors.ts';

export type { Logger };

/**
 * Structured JSON logs. Contract: callers log ids, counts and codes, never
 * message text, names or contact details. The redact list is a second line of
 * defence for fields that might slip in. Errors go under `err` as they are;
 * the serializer (src/errors.ts) writes the same safe fields for every one.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hearken' },
      serializers: { err: serializeError },
      redact: {
        paths: ['text', '*.text', 'phone', '*.phone', 'email', '*.email', 'name', '*.name', 'body', '*.body', 'headers.authorization'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? process.stdout,
  );
}
