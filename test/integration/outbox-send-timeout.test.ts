import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeliveryResult, OutboxSender } from '../../src/channels/contract.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { OutboxWorker, type DeliveryObserver } from '../../src/outbox/outbox-worker.ts';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

it('gives up on a send that never answers and retries it; other conversations wait at most the time-out behind it', async () => {
  const calls: string[] = [];
  let hung!: () => void;
  const firstSendHung = new Promise<void>((resolve) => (hung = resolve));
  const sender: OutboxSender = {
    channel: 'telegram',
    send(address): Promise<DeliveryResult> {
      const chat = String(address.chatId);
      calls.push(chat);
      // The first call for chat 1 hangs for ever, as a Bot API that never answers.
      if (chat === '1' && calls.filter((c) => c === '1').length === 1) {
        hung();
        return new Promise<DeliveryResult>(() => undefined);
      }
      return Promise.resolve({ ok: true });
    },
  };
  // Told after the rows are marked sent: the test waits for these events, not for a clock.
  let delivered = 0;
  let allDelivered!: () => void;
  const bothSent = new Promise<void>((resolve) => (allDelivered = resolve));
  const observer: DeliveryObserver = {
    delivered: (_channel, count) => {
      delivered += count;
      if (delivered >= 2) allDelivered();
    },
    retried: () => undefined,
    failed: () => undefined,
  };
  const message = (chatId: number) => ({ customerId: null, caseId: null, channel: 'telegram', conversationKey: `telegram:${chatId}`, address: { chatId }, payload: { text: `to ${chatId}` } });
  await enqueueOutbound(handle.db, [message(1)]);
  const worker = new OutboxWorker(handle.db, new Map([['telegram', sender]]), createLogger('silent'), { pollMs: 50, sendTimeoutMs: 300, observer });
  worker.start();
  await firstSendHung;
  await enqueueOutbound(handle.db, [message(2)]);
  worker.kick();
  await bothSent;
  await worker.stop();
  const rows = await handle.db.selectFrom('outbox').select(['conversation_key', 'status']).orderBy('id').execute();
  expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  expect(calls.filter((c) => c === '1')).toHaveLength(2);
  expect(worker.stats.retried).toBe(1);
});
