import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeTelegram } from '../../bench/fake-telegram.ts';
import { checkDeliveries, freshDatabase, query, spawnApp, storedDeliveries, waitForOutboxDrained, WebhookCustomers, type AppProcess } from './support.ts';

const fake = new FakeTelegram();
let databaseUrl: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  await fake.start();
  databaseUrl = await freshDatabase('hk_kill');
});
afterAll(async () => {
  await app?.process.stop();
  await fake.stop();
});

it('kill -9 under load, then restart: every acknowledged message is stored, every reply delivered in order, duplicates at most what was in flight', async () => {
  app = await spawnApp({ databaseUrl, fake });
  const port = app.port;
  const customers = new WebhookCustomers(fake, () => app!.url, { customers: 12 });
  customers.start();
  await new Promise((r) => setTimeout(r, 3_000));

  app.process.child.kill('SIGKILL');
  await app.process.exited;
  // Claimed (leased) and not marked sent: these may have reached the Bot API already.
  const leased = await query<{ count: string }>(databaseUrl, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts > 0`);
  const inFlightAtKill = Number(leased[0]!.count);
  const ackedBeforeKill = customers.acked.size;

  app = await spawnApp({ databaseUrl, fake, port });
  await new Promise((r) => setTimeout(r, 2_000));
  await customers.stop();
  // Rows leased by the killed process come due again when their 30 s lease ends.
  const stillPending = await waitForOutboxDrained(databaseUrl, 40_000);

  const stored = await storedDeliveries(databaseUrl);
  const lost = [...customers.acked].filter((id) => !stored.has(`${fake.botId}:${id}`));
  const deliveries = await checkDeliveries(databaseUrl, fake);
  const report = { ackedBeforeKill, acked: customers.acked.size, stored: stored.size, lost: lost.length, failedPostsWhileDown: customers.failedPosts, inFlightAtKill, ...deliveries };
  console.log(`kill -9 resilience: ${JSON.stringify(report)}`);

  expect(ackedBeforeKill).toBeGreaterThan(20);
  expect(lost).toEqual([]);
  expect(stillPending).toBe(0);
  expect(deliveries.failed).toBe(0);
  expect(deliveries.outOfOrderOrMissing).toEqual([]);
  expect(deliveries.duplicates).toBeLessThanOrEqual(inFlightAtKill);
});
