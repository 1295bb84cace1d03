import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeTelegram } from '../../bench/fake-telegram.ts';
import { createDatabase, startPostgres, type PostgresServer } from '../../bench/pg.ts';
import { checkDeliveries, query, spawnApp, storedDeliveries, waitForOutboxDrained, WebhookCustomers, type AppProcess } from './support.ts';

// A server of this test's own: it is restarted under load.
const fake = new FakeTelegram();
let server: PostgresServer;
let databaseUrl: string;
let app: AppProcess | undefined;

const CUSTOMERS = 40;
const RESTARTS = 3;
// Leased rows left behind by the kill or an outage come back after this (30 s by default): keeps the file under a minute.
const LEASE = { OUTBOX_LEASE_SECONDS: '8' };

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

/** Waits for `condition` (checked every 50 ms), failing with `what` after `timeoutMs` or as soon as the app exits. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (app && app.process.child.exitCode !== null) throw new Error(`the app exited (${app.process.child.exitCode}) while waiting for: ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readyzStatus(): Promise<number> {
  return fetch(`${app!.url}/readyz`).then(
    (res) => res.status,
    () => 0,
  );
}

/** The app's sessions with a transaction (or statement) open right now: the server is stopped right after one is seen. */
async function openTransactions(): Promise<number> {
  const rows = await query<{ count: string }>(
    server.url,
    `SELECT count(*) FROM pg_stat_activity WHERE datname = 'hk_pg_restart' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`,
  );
  return Number(rows[0]!.count);
}

it(`${RESTARTS} PostgreSQL restarts in a row under ${CUSTOMERS} customers, and a kill -9 of the app: the app rides through, /readyz shows each outage, every acknowledged message is stored, every reply delivered in order`, async () => {
  const started = Date.now();
  const phases: Record<string, number> = {};
  app = await spawnApp({ databaseUrl, fake, env: LEASE });
  const port = app.port;
  const customers = new WebhookCustomers(fake, () => app!.url, { customers: CUSTOMERS, replyWaitMs: 300 });
  customers.start();
  await until('load before the kill', () => customers.acked.size > 60);

  // kill -9 first: the rows it had leased come due again (after the lease) while the restarts run.
  app.process.child.kill('SIGKILL');
  await app.process.exited;
  const ackedBeforeKill = customers.acked.size;
  app = await spawnApp({ databaseUrl, fake, port, env: LEASE });
  const pid = app.process.pid;
  await until('load after the kill', () => customers.acked.size > ackedBeforeKill + 40);

  phases.killedAndBack = Date.now() - started;
  const rounds: Array<{ openTransactions: number; ackedBefore: number; sawUnready: boolean }> = [];
  for (let round = 0; round < RESTARTS; round += 1) {
    const ackedBefore = customers.acked.size;
    let open = 0;
    await until('a transaction of the app in flight', async () => (open = await openTransactions()) > 0);
    // 'fast' terminates every session, in a transaction or not (57P01), as `pg_ctl restart -m fast` does.
    await server.stop('fast');
    let sawUnready = false;
    await until('/readyz reports the outage', async () => (sawUnready = (await readyzStatus()) === 503));
    await server.start();
    await until('/readyz recovers', async () => (await readyzStatus()) === 200);
    await until('load after the restart', () => customers.acked.size > ackedBefore + 30);
    expect(app.process.child.exitCode).toBeNull();
    rounds.push({ openTransactions: open, ackedBefore, sawUnready });
  }
  await customers.stop();
  phases.restarted = Date.now() - started;
  // Leased and not marked sent (by the killed process, or while the database was down): back after the lease.
  const stillPending = await waitForOutboxDrained(databaseUrl, 25_000);

  phases.drained = Date.now() - started;
  const stored = await storedDeliveries(databaseUrl);
  const lost = [...customers.acked].filter((id) => !stored.has(`${fake.botId}:${id}`));
  const deliveries = await checkDeliveries(databaseUrl, fake);
  const retriedRows = Number((await query<{ count: string }>(databaseUrl, `SELECT count(*) FROM outbox WHERE attempts > 1`))[0]!.count);
  const errorsLogged = app.process.logs.filter((l) => Number(l.level) >= 50).length;
  console.log(
    `PostgreSQL restart resilience: ${JSON.stringify({ phases, ackedBeforeKill, acked: customers.acked.size, rounds, failedPosts: customers.failedPosts, errorsLogged, retriedRows, lost: lost.length, ...deliveries })}`,
  );

  expect(app.process.child.exitCode).toBeNull();
  expect(app.process.pid).toBe(pid);
  expect(rounds.every((r) => r.sawUnready)).toBe(true);
  expect(customers.failedPosts).toBeGreaterThan(0);
  expect(lost).toEqual([]);
  expect(stillPending).toBe(0);
  expect(deliveries.failed).toBe(0);
  expect(deliveries.outOfOrderOrMissing).toEqual([]);
  expect(deliveries.duplicates).toBeLessThanOrEqual(retriedRows);
});
