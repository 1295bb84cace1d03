import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../../src/channels/contract.ts';
import type { Db } from '../../src/db/database.ts';
import type { InboundOutcome } from '../../src/inbound/conversation.service.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Inbound messages that arrive while a transaction is in flight are
 * committed together (group commit). What must not change: each
 * conversation handled in arrival order, a redelivery handled once, and one
 * bad message failing alone.
 */
let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const message = (visitor: string, deliveryId: string, text: string): InboundMessage => ({
  channel: 'webchat',
  externalUserId: visitor,
  address: { visitorId: visitor },
  deliveryId,
  text,
  locale: 'en',
});

/** Records, inside each message's transaction, which transaction handled it and in what order. */
function recorder() {
  const handled: Array<{ deliveryId: string; trx: Db }> = [];
  const submit = (m: InboundMessage, fail = false): Promise<InboundOutcome> =>
    app!.conversations.handleInbound(m, async (trx) => {
      if (fail) throw new Error('this message cannot be stored');
      handled.push({ deliveryId: m.deliveryId, trx });
    });
  return { handled, submit };
}

async function batchSizeMetric(): Promise<{ count: number; sum: number }> {
  const text = await app!.metrics.registry.getSingleMetricAsString('hearken_inbound_batch_size');
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { count: value('hearken_inbound_batch_size_count'), sum: value('hearken_inbound_batch_size_sum') };
}

describe('group commit of inbound messages', () => {
  it('commits messages that arrive together in shared transactions, each conversation in arrival order', async () => {
    app = await startTestApp();
    const { handled, submit } = recorder();
    const customers = Array.from({ length: 12 }, (_, i) => `visitor-${i}`);
    // Each customer sends three messages at once; all 36 arrive together.
    const outcomes = await Promise.all(
      ['Hello', 'help', 'status'].flatMap((text, n) => customers.map((c) => submit(message(c, `${c}-${n}`, text)))),
    );

    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(handled).toHaveLength(36);
    for (const c of customers) {
      expect(handled.filter((h) => h.deliveryId.startsWith(`${c}-`)).map((h) => h.deliveryId)).toEqual([`${c}-0`, `${c}-1`, `${c}-2`]);
    }
    const transactions = new Set(handled.map((h) => h.trx)).size;
    expect(transactions).toBeLessThan(36);
    // A batch holds one message per customer: at least three transactions.
    expect(transactions).toBeGreaterThanOrEqual(3);
    expect(await batchSizeMetric()).toEqual({ count: transactions, sum: 36 });

    // Every customer got the welcome of a started intake, and their state was saved with it.
    const rows = await app.database.db.selectFrom('customers').select(['external_id', 'state']).where('channel', '=', 'webchat').execute();
    expect(rows).toHaveLength(12);
    for (const row of rows) expect((row.state as { intake?: unknown }).intake).toBeDefined();
    const replies = await app.database.db.selectFrom('outbox').select(['conversation_key']).where('channel', '=', 'webchat').execute();
    for (const c of customers) expect(replies.filter((r) => r.conversation_key === `webchat:${c}`).length).toBeGreaterThanOrEqual(3);
  });

  it('handles a delivery once when it arrives several times in the same moment', async () => {
    app = await startTestApp();
    const { handled, submit } = recorder();
    const outcomes = await Promise.all([
      submit(message('visitor-a', 'same-delivery', 'Hello')),
      submit(message('visitor-a', 'same-delivery', 'Hello')),
      submit(message('visitor-b', 'other', 'Hello')),
      submit(message('visitor-a', 'same-delivery', 'Hello')),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['ok', 'duplicate', 'ok', 'duplicate']);
    expect(handled.map((h) => h.deliveryId).sort()).toEqual(['other', 'same-delivery']);
    const again = await submit(message('visitor-a', 'same-delivery', 'Hello'));
    expect(again).toEqual({ ok: false, reason: 'duplicate' });
  });

  it('fails only the message that cannot be handled; the others of its batch are committed', async () => {
    app = await startTestApp();
    const { handled, submit } = recorder();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => submit(message(`visitor-${i}`, `d-${i}`, 'Hello'), i === 5)),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(handled.filter((h, i, all) => all.findIndex((o) => o.deliveryId === h.deliveryId) === i)).toHaveLength(7);
    const delivered = await app.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('channel', '=', 'webchat').execute();
    expect(delivered.map((d) => d.delivery_id).sort()).toEqual(['d-0', 'd-1', 'd-2', 'd-3', 'd-4', 'd-6', 'd-7']);
    expect(app.logs.some((l) => l.msg === 'inbound batch failed; retrying its messages one by one')).toBe(true);

    // Nothing of the failed message was kept: sent again, it is handled.
    const retried = await submit(message('visitor-5', 'd-5', 'Hello'));
    expect(retried.ok).toBe(true);
  });

  it('answers committed messages as handled even when a step after the commit fails', async () => {
    app = await startTestApp();
    const { submit } = recorder();
    // The inbound counter breaks: the messages are committed all the same, and must not hang.
    const counter = (app.metrics as unknown as { inbound: { inc: () => void } }).inbound;
    vi.spyOn(counter, 'inc').mockImplementation(() => {
      throw new Error('metrics broke');
    });
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => submit(message(`visitor-${i}`, `after-${i}`, 'Hello'))));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(app.logs.filter((l) => l.msg === 'after-commit step failed; the message stays handled')).toHaveLength(4);
    const delivered = await app.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('delivery_id', 'like', 'after-%').execute();
    expect(delivered).toHaveLength(4);
    // Delivery comes before the bookkeeping that failed: the replies went out at once.
    const statuses = async () => (await app!.database.db.selectFrom('outbox').select('status').where('channel', '=', 'webchat').execute()).map((r) => r.status);
    expect((await statuses()).length).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await statuses()).every((status) => status === 'sent'), { timeout: 5_000 }).toBe(true);
  });
});
