import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { customerExportToken, EXPORT_TTL_MS, exportKey, exportToken, verifyCustomerExportToken, verifyExportToken } from '../../adapters/slack/slack.export.ts';

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

describe('customer export links', () => {
  const key = exportKey('signing-secret');
  const now = new Date('2026-11-22T10:00:00Z');

  it('carry who asked, the case and a fresh link id, for 15 minutes; then they are expired, not invalid', () => {
    const token = customerExportToken(key, 'U0SUPER01', 'C-2026-000001', now);
    const check = verifyCustomerExportToken(key, token, now);
    expect(check).toMatchObject({ ok: true, claims: { u: 'U0SUPER01', c: 'C-2026-000001', e: now.getTime() + EXPORT_TTL_MS } });
    const again = verifyCustomerExportToken(key, customerExportToken(key, 'U0SUPER01', 'C-2026-000001', now), now);
    expect(check.ok && again.ok && check.claims.n !== again.claims.n).toBe(true);
    expect(verifyCustomerExportToken(key, token, new Date(now.getTime() + EXPORT_TTL_MS - 1)).ok).toBe(true);
    expect(verifyCustomerExportToken(key, token, new Date(now.getTime() + EXPORT_TTL_MS))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse tampered tokens, tokens without a link id, CSV tokens and other keys as invalid', () => {
    const token = customerExportToken(key, 'U0SUPER01', 'C-2026-000001', now);
    const [, signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ u: 'U0SUPER01', c: 'C-2026-000002', n: 'x'.repeat(22), e: now.getTime() + 1e9 })).toString('base64url');
    const invalid = { ok: false, reason: 'invalid' };
    expect(verifyCustomerExportToken(key, `${forgedBody}.${signature}`, now)).toEqual(invalid);
    expect(verifyCustomerExportToken(exportKey('other-secret'), token, now)).toEqual(invalid);
    expect(verifyCustomerExportToken(key, exportToken(key, 'U0SUPER01', 7, now), now)).toEqual(invalid);
    expect(verifyCustomerExportToken(key, '', now)).toEqual(invalid);
    // Signed with the right key but without a link id (the format before single-use links).
    const customerKey = createHmac('sha256', key).update('hearken-customer-export').digest();
    const oldBody = Buffer.from(JSON.stringify({ u: 'U0SUPER01', c: 'C-2026-000001', e: now.getTime() + 1e9 })).toString('base64url');
    expect(verifyCustomerExportToken(key, `${oldBody}.${createHmac('sha256', customerKey).update(oldBody).digest('base64url')}`, now)).toEqual(invalid);
  });
});
