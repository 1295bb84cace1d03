import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeTelegram } from '../../bench/fake-telegram.ts';
import { createDatabase, startPostgres, type PostgresServer } from '../../bench/pg.ts';
import { checkDeliveries, query, spawnApp, storedDeliveries, waitForOutboxDrained, WebhookCustomers, type AppProcess } from './support.ts';

// A server of this test's own: it is restarted under load.
const fake = new FakeTelegram();
let server: PostgresServer;
let databaseUrl: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  await fake.start();
  server = await startPostgres();
  databaseUrl = await createDatabase(server.url, 'hk_pg_restart');
});
afterAll(async () => {
  await app?.process.stop();
  await fake.stop();
  server?.destroy();
});

it('PostgreSQL restarted under load: the app recovers by itself, stores every acknowledged message, delivers every reply in order (again only where it could not be marked sent)', async () => {
  app = await spawnApp({ databaseUrl, fake });
  const pid = app.process.pid;
  const customers = new WebhookCustomers(fake, () => app!.url, { customers: 8 });
  customers.start();
  await new Promise((r) => setTimeout(r, 2_500));
  const ackedBeforeRestart = customers.acked.size;

  // Down for a while under load, then back on the same port.
  await server.stop('fast');
  await new Promise((r) => setTimeout(r, 1_500));
  await server.start();
  const refusedWhileDown = customers.failedPosts;
  await new Promise((r) => setTimeout(r, 4_000));
  await customers.stop();
  const stillPending = await waitForOutboxDrained(databaseUrl, 30_000);

  const health = await fetch(`${app.url}/healthz`);
  const stored = await storedDeliveries(databaseUrl);
  const lost = [...customers.acked].filter((id) => !stored.has(`${fake.botId}:${id}`));
  const deliveries = await checkDeliveries(databaseUrl, fake);
  const ackedAfterRestart = customers.acked.size - ackedBeforeRestart;
  // A reply sent while the database was down cannot be marked sent: its row is delivered again after its lease (at least once).
  const retriedRows = Number((await query<{ count: string }>(databaseUrl, `SELECT count(*) FROM outbox WHERE attempts > 1`))[0]!.count);
  const errorsLogged = app.process.logs.filter((l) => Number(l.level) >= 50).length;
  console.log(`PostgreSQL restart resilience: ${JSON.stringify({ ackedBeforeRestart, ackedAfterRestart, refusedWhileDown, refusedAfterRestart: customers.failedPosts - refusedWhileDown, errorsLogged, retriedRows, lost: lost.length, ...deliveries })}`);

  expect(app.process.child.exitCode).toBeNull();
  expect(app.process.pid).toBe(pid);
  expect(health.status).toBe(200);
  expect(ackedBeforeRestart).toBeGreaterThan(10);
  expect(refusedWhileDown).toBeGreaterThan(0);
  expect(ackedAfterRestart).toBeGreaterThan(10);
  expect(lost).toEqual([]);
  expect(stillPending).toBe(0);
  expect(deliveries.failed).toBe(0);
  expect(deliveries.outOfOrderOrMissing).toEqual([]);
  expect(deliveries.duplicates).toBeLessThanOrEqual(retriedRows);
});
