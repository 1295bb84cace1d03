import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelModule } from '../../adapters/channel-module.ts';
import type { PrivacyHook, PrivacySubject } from '../../src/privacy/privacy-hook.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** A channel module that keeps a transcript of its own: privacy reaches it only through its hook. */
const asked: Array<{ method: string; subject?: Pick<PrivacySubject, 'channel' | 'external_id'>; days?: number }> = [];
const hook: PrivacyHook = {
  name: 'recording',
  async eraseCustomer(_trx, customer) {
    asked.push({ method: 'erase', subject: { channel: customer.channel, external_id: customer.external_id } });
    return customer.channel === 'telegram' ? 3 : 0;
  },
  async exportCustomer(_trx, customer) {
    asked.push({ method: 'export', subject: { channel: customer.channel, external_id: customer.external_id } });
    return customer.channel === 'telegram' ? [{ direction: 'in', message: { text: 'kept by the module' }, at: '2026-01-02T03:04:05.000Z' }] : [];
  },
  async deleteExpired(_db, retention) {
    asked.push({ method: 'retention', days: retention.webchatTranscriptDays });
    return 2;
  },
};
const recordingModule = (): ChannelModule => ({ name: 'recording', privacyHook: hook });

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, { modules: [recordingModule] });
  await app.conversations.handleInbound({ channel: 'telegram', externalUserId: '555000111', address: { chatId: 555000111 }, deliveryId: 'tg-hook-1', text: 'hello' });
}, 120_000);

afterAll(() => app?.stop());

describe('privacy hooks of channel modules', () => {
  it('are asked for their part of an export, inside the same request', async () => {
    const outcome = await app.privacy.exportCustomer({ channel: 'telegram', externalId: '555000111' }, 'cli:operator');
    expect(outcome.ok && outcome.data.webchatTranscript).toEqual([{ direction: 'in', message: { text: 'kept by the module' }, at: '2026-01-02T03:04:05.000Z' }]);
    expect(asked.filter((a) => a.method === 'export').map((a) => a.subject)).toContainEqual({ channel: 'telegram', external_id: '555000111' });
  });

  it('erase what they keep with the identity, counted in the summary', async () => {
    const outcome = await app.privacy.eraseCustomer({ channel: 'telegram', externalId: '555000111' }, 'cli:operator');
    expect(outcome).toMatchObject({ ok: true, summary: { transcriptLinesDeleted: 3 } });
    // Asked before the identity's external id is replaced: the hook finds its rows by it.
    expect(asked.filter((a) => a.method === 'erase').map((a) => a.subject)).toEqual([{ channel: 'telegram', external_id: '555000111' }]);
  });

  it('delete what is past the retention periods on each retention run', async () => {
    const report = await app.privacy.runRetention();
    expect(asked.filter((a) => a.method === 'retention')).toEqual([{ method: 'retention', days: app.policy.retention.webchatTranscriptDays }]);
    // The web chat's own hook runs too (nothing of its to delete here): the recording hook's 2 are counted.
    expect(report.transcriptLinesDeleted).toBe(2);
  });
});
