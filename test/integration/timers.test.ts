import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { Timers } from '../../src/jobs/timers.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';

let handle: DatabaseHandle;
let timers: Timers;

beforeAll(async () => {
  handle = await openDatabase({ databaseUrl: await createTestDatabaseUrl(), dataDir: 'memory://' });
  timers = await Timers.start(handle, createLogger('silent'), { pollSeconds: 2 });
});
afterAll(async () => {
  await timers?.stop();
  await handle?.close();
});

it('drains a backlog of due timers without waiting the polling interval after each one, and a failing handler fails only its own timer', async () => {
  await timers.defineQueue('test-backlog');
  const due = new Date(Date.now() - 1000);
  for (let n = 0; n < 60; n += 1) await timers.schedule(handle.db, 'test-backlog', { n }, due);
  const handled: number[] = [];
  let drained!: () => void;
  const allHandled = new Promise<void>((resolve) => (drained = resolve));
  await timers.work<{ n: number }>('test-backlog', async ({ n }) => {
    if (n === 7) throw new Error('this one fails');
    handled.push(n);
    if (handled.length === 59) drained();
  });
  await allHandled;
  expect(handled.length).toBe(59);
  expect(new Set(handled).size).toBe(59);
  expect(handled).not.toContain(7);
  // One timer per 2 s poll would take two minutes; a drained backlog takes well under the 20 s allowed.
}, 20_000);

it('holds timers scheduled in a transaction until flushed there, then fires each once; a rolled-back transaction leaves none', async () => {
  await timers.defineQueue('test-held');
  // Counted through the transaction itself inside it (the embedded database has one connection).
  const jobsIn = async (queue: string, db = handle.db) =>
    Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${queue}`.execute(db)).rows[0]!.n);
  const due = new Date(Date.now() - 1000);
  await handle.db.transaction().execute(async (trx) => {
    timers.holdIn(trx);
    for (let n = 0; n < 5; n += 1) await timers.schedule(trx, 'test-held', { n }, due);
    expect(await jobsIn('test-held', trx)).toBe(0);
    await timers.flush(trx);
    expect(await jobsIn('test-held', trx)).toBe(5);
  });
  expect(await jobsIn('test-held')).toBe(5);
  await handle.db
    .transaction()
    .execute(async (trx) => {
      timers.holdIn(trx);
      await timers.schedule(trx, 'test-held', { n: 99 }, due);
      await timers.flush(trx);
      throw new Error('roll back');
    })
    .catch(() => undefined);
  expect(await jobsIn('test-held')).toBe(5);
  const fired: number[] = [];
  let allFired!: () => void;
  const five = new Promise<void>((resolve) => (allFired = resolve));
  await timers.work<{ n: number }>('test-held', async ({ n }) => {
    fired.push(n);
    if (fired.length === 5) allFired();
  });
  await five;
  expect(fired.sort()).toEqual([0, 1, 2, 3, 4]);
});

it('two instances working one queue share a backlog (one holding its batch does not hold up the rest), and each timer fires once', async () => {
  const first = await Timers.start(handle, createLogger('silent'), { pollSeconds: 0.5 });
  const second = await Timers.start(handle, createLogger('silent'), { pollSeconds: 0.5 });
  const fired: Array<{ n: number; by: 'first' | 'second' }> = [];
  try {
    await first.defineQueue('test-shared');
    const due = new Date(Date.now() - 1000);
    await handle.db.transaction().execute(async (trx) => {
      first.holdIn(trx);
      for (let n = 0; n < 400; n += 1) await first.schedule(trx, 'test-shared', { n }, due);
      await first.flush(trx);
    });
    let secondFired!: () => void;
    const secondHasFired = new Promise<void>((resolve) => (secondFired = resolve));
    let allFired!: () => void;
    const all = new Promise<void>((resolve) => (allFired = resolve));
    const record = (n: number, by: 'first' | 'second') => {
      fired.push({ n, by });
      if (by === 'second') secondFired();
      if (fired.length === 400) allFired();
    };
    // The first instance holds its first batch until the second has fired a timer: the second must take others.
    await first.work<{ n: number }>('test-shared', async ({ n }) => {
      await secondHasFired;
      record(n, 'first');
    });
    await second.work<{ n: number }>('test-shared', async ({ n }) => record(n, 'second'));
    await all;
  } finally {
    // Graceful: a batch in flight settles before stop() returns, so nothing can fire after this.
    await Promise.all([first.stop(), second.stop()]);
  }
  const byFirst = fired.filter((f) => f.by === 'first').length;
  expect(fired.length).toBe(400);
  expect(new Set(fired.map((f) => f.n)).size).toBe(400);
  expect(byFirst).toBeGreaterThan(0);
  expect(byFirst).toBeLessThan(400);
  const states = await sql<{ state: string; n: number }>`SELECT state::text, count(*)::int AS n FROM pgboss.job WHERE name = 'test-shared' GROUP BY state`.execute(handle.db);
  expect(states.rows).toEqual([{ state: 'completed', n: 400 }]);
}, 30_000);
