import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Contract: callers log ids, counts and codes, never
 * message text, names or contact details. The redact list is a second line of
 * defence for fields that might slip in.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hearken' },
      redact: {
        paths: ['text', '*.text', 'phone', '*.phone', 'email', '*.email', 'name', '*.name', 'body', '*.body', 'headers.authorization'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? process.stdout,
  );
}
