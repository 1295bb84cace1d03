import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { Timers } from '../../src/jobs/timers.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabaseUrl, usingPostgres } from './test-database.ts';
import { startTestApp, type TestApp } from './test-app.ts';
import { WebchatClient } from './webchat-client.ts';

// Set-up shared by the deadline and milestone tests: a case whose timers run, and two instances firing them.

/** A web chat case opened the short way (hello, then asking for a person); resolves with its chat and id. */
export async function openHandoverCase(app: TestApp): Promise<{ chat: WebchatClient; caseId: number }> {
  const chat = await WebchatClient.open(app.url);
  await chat.say('hello');
  await chat.say('talk to a person');
  const row = await app.database.db.selectFrom('cases').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { chat, caseId: row.id };
}

/** A case opened in Traditional Chinese by asking for a person, its replies read; `before` is the transcript's length then. */
export async function traditionalChineseCase(app: TestApp): Promise<{ chat: WebchatClient; row: CaseRow; before: number }> {
  const chat = await WebchatClient.open(app.url);
  await chat.say('你們好');
  await chat.say('人工');
  const row = await app.database.db.selectFrom('cases').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  await chat.replies(300);
  return { chat, row, before: chat.transcript.length };
}

/** Probes every 0.2 s until `done` holds or the time is up; resolves with the last value either way. */
export async function probeUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - start > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits until no timer of `queue` is due and unfinished (every job whose time has come has completed or failed):
 * the event after which nothing more can fire for what a test set up, instead of a guessed pause.
 */
export async function timersSettled(db: Db, queue: string, timeoutMs = 30_000): Promise<void> {
  const pending = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${queue} AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`.execute(db)).rows[0]!.n;
  const left = await probeUntil(pending, (n) => n === 0, timeoutMs);
  if (left !== 0) throw new Error(`${left} timer(s) of ${queue} still due after ${timeoutMs} ms`);
}

/**
 * Two instances firing timers on one database: on PostgreSQL a second app; on PGlite (one connection) a second
 * timer worker set on the first app's database, on which `addWorker` puts the queue under test.
 */
export async function startTwoInstances(env: Record<string, string>, addWorker: (first: TestApp, timers: Timers) => Promise<void>): Promise<{ first: TestApp; stop(): Promise<void> }> {
  const url = await createTestDatabaseUrl();
  const shared: Record<string, string> = { ...env, ...(url ? { DATABASE_URL: url } : {}) };
  const first = await startTestApp(shared);
  const stops: Array<() => Promise<void>> = [];
  if (usingPostgres()) {
    // A second full app process-equivalent on the same PostgreSQL.
    const second = await startTestApp(shared);
    stops.push(() => second.stop());
  } else {
    const timers = await Timers.start(first.database, createLogger('silent'), { pollSeconds: 0.5 });
    await addWorker(first, timers);
    stops.push(() => timers.stop());
  }
  return {
    first,
    async stop() {
      for (const stop of stops) await stop();
      await first.stop();
    },
  };
}
