import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/redact.ts';

describe('secrets in platform errors', () => {
  it('are removed before an error is logged or stored', () => {
    expect(redactSecrets('request to https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyz/sendMessage failed')).toBe(
      'request to https://api.telegram.org/bot[redacted]/sendMessage failed',
    );
    expect(redactSecrets('invalid_auth for xoxb-1234-5678-abcdef')).toBe('invalid_auth for [redacted]');
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer [redacted]');
  });
});
