import type { PrivacyHook } from '../../src/privacy/privacy-hook.ts';
import { deleteTranscriptBefore, deleteTranscriptOf, transcriptOf } from './webchat.repository.ts';

const DAY_MS = 86_400_000;

/**
 * The web chat's part of data subject requests and retention: its
 * transcript, keyed by visitor id, which is the identity's external id.
 * Stateless, so the privacy CLI uses it without a running web chat.
 */
export const webchatPrivacy: PrivacyHook = {
  name: 'webchat',
  eraseCustomer: async (trx, customer) => (customer.channel === 'webchat' ? deleteTranscriptOf(trx, customer.external_id) : 0),
  exportCustomer: async (trx, customer) => {
    if (customer.channel !== 'webchat') return [];
    const lines = await transcriptOf(trx, customer.external_id);
    return lines.map((t) => ({ direction: t.direction, message: t.payload, at: new Date(t.created_at).toISOString() }));
  },
  deleteExpired: (db, retention, now) => deleteTranscriptBefore(db, new Date(now.getTime() - retention.webchatTranscriptDays * DAY_MS)),
};
