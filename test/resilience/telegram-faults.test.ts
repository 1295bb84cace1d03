import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeTelegram, type FakeBehaviour } from '../../bench/fake-telegram.ts';
import { checkDeliveries, freshDatabase, spawnApp, storedDeliveries, waitForOutboxDrained, WebhookCustomers, type AppProcess } from './support.ts';

const fake = new FakeTelegram();
let databaseUrl: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  await fake.start();
  databaseUrl = await freshDatabase('hk_faults');
});
afterAll(async () => {
  await app?.process.stop();
  await fake.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('the Bot API answers 429 (retry_after), 500 and not at all for a while: everything is delivered afterwards, once, in order per chat', async () => {
  app = await spawnApp({ databaseUrl, fake });
  const customers = new WebhookCustomers(fake, () => app!.url, { customers: 6, replyWaitMs: 1_000 });
  customers.start();
  await sleep(1_000);

  const phases: Array<[string, FakeBehaviour, number]> = [
    ['429', { kind: 'error', status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }, 2_000],
    ['500', { kind: 'error', status: 500, description: 'Internal Server Error' }, 2_000],
    ['time-out', { kind: 'hang' }, 2_500],
  ];
  for (const [, behaviour, ms] of phases) {
    fake.behaviour = () => behaviour;
    await sleep(ms);
  }
  fake.behaviour = () => ({ kind: 'ok' });
  const hungCalls = fake.releaseHanging();
  await sleep(1_500);
  await customers.stop();
  const stillPending = await waitForOutboxDrained(databaseUrl, 30_000);

  const stored = await storedDeliveries(databaseUrl);
  const lost = [...customers.acked].filter((id) => !stored.has(`${fake.botId}:${id}`));
  const deliveries = await checkDeliveries(databaseUrl, fake);
  const retryLogs = app.process.logs.filter((l) => l.msg === 'delivery failed; will retry');
  const honouredRetryAfter = retryLogs.filter((l) => String((l.err as { message?: string } | undefined)?.message).includes('429')).every((l) => l.delayMs === 1000);
  console.log(`Bot API faults: ${JSON.stringify({ acked: customers.acked.size, refusedByFake: fake.counts.failed, hungCalls, retries: retryLogs.length, honouredRetryAfter, lost: lost.length, ...deliveries })}`);

  expect(fake.counts.failed).toBeGreaterThan(0);
  expect(hungCalls).toBeGreaterThan(0);
  expect(honouredRetryAfter).toBe(true);
  expect(lost).toEqual([]);
  expect(stillPending).toBe(0);
  expect(deliveries.failed).toBe(0);
  expect(deliveries.outOfOrderOrMissing).toEqual([]);
  expect(deliveries.duplicates).toBe(0);
});
