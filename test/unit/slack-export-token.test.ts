import { describe, expect, it } from 'vitest';
import { EXPORT_TTL_MS, exportKey, exportToken, verifyExportToken } from '../../adapters/slack/slack.export.ts';

describe('CSV export links', () => {
  const key = exportKey('signing-secret');
  const now = new Date('2026-11-22T10:00:00Z');

  it('carry who asked and for how many days, for 15 minutes', () => {
    const token = exportToken(key, 'U0SUPER01', 30, now);
    expect(verifyExportToken(key, token, now)).toMatchObject({ u: 'U0SUPER01', d: 30 });
    expect(verifyExportToken(key, token, new Date(now.getTime() + EXPORT_TTL_MS - 1))).toBeDefined();
    expect(verifyExportToken(key, token, new Date(now.getTime() + EXPORT_TTL_MS))).toBeUndefined();
  });

  it('refuse tampered tokens and other keys', () => {
    const token = exportToken(key, 'U0SUPER01', 7, now);
    const [body, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ u: 'U0SUPER01', d: 366, e: now.getTime() + 1e9 })).toString('base64url');
    expect(verifyExportToken(key, `${forgedBody}.${signature}`, now)).toBeUndefined();
    expect(verifyExportToken(exportKey('other-secret'), token, now)).toBeUndefined();
    expect(verifyExportToken(key, `${body}`, now)).toBeUndefined();
    expect(verifyExportToken(key, '', now)).toBeUndefined();
  });
});
