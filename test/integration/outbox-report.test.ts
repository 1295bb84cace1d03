import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryResult, OutboxSender } from '../../src/channels/contract.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import type { DeliveryOutcome } from '../../src/outbox/delivery-listener.ts';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import { OutboxWorker } from '../../src/outbox/outbox-worker.ts';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
});
afterAll(async () => {
  await database?.close();
});

class ScriptedSender implements OutboxSender {
  readonly channel = 'test';
  constructor(private readonly results: Record<string, DeliveryResult>) {}
  async send(_address: Record<string, unknown>, payload: { text: string }): Promise<DeliveryResult> {
    return this.results[payload.text] ?? { ok: true };
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox delivery reports', () => {
  it('reports the final outcome of rows that ask for it, in the transaction that records it', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const sender = new ScriptedSender({ refused: { ok: false, permanent: true, error: 'blocked_by_user' } });
    const worker = new OutboxWorker(database.db, new Map([['test', sender]]), createLogger('silent'), {
      pollMs: 50,
      listeners: [
        {
          name: 'probe',
          async reported(trx, outcome) {
            // Runs inside the transaction: the row's new status is visible here.
            const row = await trx.selectFrom('outbox').select('status').where('id', '=', outcome.outboxId).executeTakeFirstOrThrow();
            outcomes.push({ ...outcome, report: { ...outcome.report, statusSeen: row.status } });
          },
        },
      ],
    });
    await enqueueOutbound(database.db, [
      { customerId: null, caseId: null, channel: 'test', conversationKey: 'a', address: {}, payload: { text: 'plain' } },
      { customerId: null, caseId: null, channel: 'test', conversationKey: 'a', address: {}, payload: { text: 'hello' }, report: { to: 'probe', ref: 1 } },
      { customerId: null, caseId: null, channel: 'test', conversationKey: 'b', address: {}, payload: { text: 'refused' }, report: { to: 'probe', ref: 2 } },
    ]);
    worker.start();
    await until(() => outcomes.length === 2);
    await worker.stop();
    const byRef = Object.fromEntries(outcomes.map((o) => [o.report.ref as number, o]));
    expect(byRef[1]).toMatchObject({ ok: true, channel: 'test', report: { to: 'probe', ref: 1, statusSeen: 'sent' } });
    expect(byRef[2]).toMatchObject({ ok: false, error: 'blocked_by_user', report: { ref: 2, statusSeen: 'failed' } });
  });

  it('still records the outcome when the listener fails', async () => {
    const worker = new OutboxWorker(database.db, new Map([['test', new ScriptedSender({})]]), createLogger('silent'), {
      pollMs: 50,
      listeners: [{ name: 'broken', reported: async () => Promise.reject(new Error('listener bug')) }],
    });
    await enqueueOutbound(database.db, [
      { customerId: null, caseId: null, channel: 'test', conversationKey: 'c', address: {}, payload: { text: 'x' }, report: { to: 'broken' } },
    ]);
    worker.start();
    await until(async () => {
      const row = await database.db.selectFrom('outbox').select('status').where('conversation_key', '=', 'c').executeTakeFirstOrThrow();
      return row.status === 'sent';
    });
    await worker.stop();
    expect(worker.stats.sent).toBe(1);
  });
});
