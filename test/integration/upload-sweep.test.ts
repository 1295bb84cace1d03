import { sql } from 'kysely';
import { TestClock } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timers } from '../../src/jobs/timers.ts';
import { createLogger } from '../../src/logger.ts';
import { sweepUnattachedUploads, UPLOAD_SWEEP_QUEUE } from '../../adapters/webchat/webchat.upload-sweep.ts';
import { quickCaseOnWebchat, uploadOnWebchat } from '../support/complaints.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19, item 5: web chat uploads never sent in a message go once the
 * intake they were meant for has expired, on a durable recurring job (not
 * only after someone else uploads), one run per occurrence across instances.
 * Driven on pg-boss time (its TestClock); the app clock follows it.
 */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const MINUTE = 60_000;
const timerClock = new TestClock(Date.now());
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, { timerClock, clock: () => new Date(timerClock.now()) });
});
afterAll(async () => {
  await app?.stop();
});

/** Sweep jobs pg-boss has created, and those that ran to completion. */
async function sweepJobs(): Promise<{ created: number; completed: number }> {
  const { rows } = await sql<{ created: number; completed: number }>`
    SELECT count(*)::int AS created, (count(*) FILTER (WHERE state = 'completed'))::int AS completed
    FROM pgboss.job WHERE name = ${UPLOAD_SWEEP_QUEUE}`.execute(app.database.db);
  return rows[0]!;
}

/** Advances pg-boss time half a minute at a time until `done` holds (each step lets its timers' work run). */
async function tickUntil(done: () => Promise<boolean>, maxMs = 15 * MINUTE): Promise<void> {
  for (let advanced = 0; !(await done()); advanced += MINUTE / 2) {
    if (advanced > maxMs) throw new Error('the sweep did not run in time');
    await timerClock.tick(MINUTE / 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const fileExists = async (id: string) => (await app.database.db.selectFrom('attachments').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

describe('sweep of unattached web chat uploads', () => {
  it('is a durable schedule every ten minutes in the database', async () => {
    expect(await app.timers.recurringSchedules(UPLOAD_SWEEP_QUEUE)).toEqual([{ cron: '*/10 * * * *', timezone: 'Asia/Shanghai' }]); // the shipped policy's zone
  });

  it('deletes a file never sent once its intake expired, with no upload since; a file sent to a case stays', async () => {
    const chat = await WebchatClient.open(app.url);
    await quickCaseOnWebchat(chat, 'product_quality');
    const sent = await uploadOnWebchat(chat, PNG, 'label.png', 'image/png');
    expect((await chat.post({ text: 'The label, as asked.', attachmentIds: [sent] })).status).toBe(202);
    await chat.replies();
    const forgotten = await uploadOnWebchat(chat, PNG, 'forgotten.png', 'image/png');
    // Stored at the database's time (created_at default now()), which the pg-boss clock started from.
    const { created_at: uploadedAt } = await app.database.db.selectFrom('attachments').select('created_at').where('id', '=', forgotten).executeTakeFirstOrThrow();
    const expiry = app.policy.intake.expireAfterSeconds * 1000;

    // Well before the expiry a sweep runs (the one missed while pg-boss time jumped) and keeps both.
    await timerClock.setTime(new Date(uploadedAt).getTime() + expiry - 30 * MINUTE);
    let before = (await sweepJobs()).completed;
    await tickUntil(async () => (await sweepJobs()).completed > before);
    expect(await fileExists(forgotten)).toBe(true);

    // After it, a sweep deletes the forgotten file: nobody uploaded anything meanwhile.
    await timerClock.setTime(new Date(uploadedAt).getTime() + expiry + MINUTE);
    before = (await sweepJobs()).completed;
    await tickUntil(async () => (await sweepJobs()).completed > before);
    expect(await fileExists(forgotten)).toBe(false);
    expect(await fileExists(sent)).toBe(true);
    expect(app.logs.find((l) => l.msg === 'unattached uploads deleted after the intake expiry')).toMatchObject({ component: 'webchat', deleted: 1 });
  }, 120_000);

  it('runs once per occurrence with two instances scheduling and working it, and a second run finds nothing', async () => {
    // A second instance on the same database: it schedules and works the same job.
    const other = await Timers.start(app.database, createLogger('silent'), { pollSeconds: 0.5, clock: timerClock });
    try {
      let otherRuns = 0;
      await other.work(UPLOAD_SWEEP_QUEUE, async () => void (otherRuns += 1));
      await other.scheduleRecurring(UPLOAD_SWEEP_QUEUE, '*/10 * * * *', { tz: 'UTC' });
      // Just past an occurrence; let the jump's catch-up run, staying inside this ten-minute slot.
      const slot = 10 * MINUTE;
      const from = Math.ceil(timerClock.now() / slot) * slot + MINUTE;
      await timerClock.setTime(from);
      await tickUntil(async () => {
        const jobs = await sweepJobs();
        return timerClock.now() >= from + 3 * MINUTE && jobs.created === jobs.completed;
      });
      const settled = await sweepJobs();
      expect(timerClock.now()).toBeLessThan(from + 9 * MINUTE);
      // Twenty minutes of pg-boss time, a minute a tick (no jumps): two occurrences, each one job run by one of the two instances.
      while (timerClock.now() < from + 20 * MINUTE) {
        await timerClock.tick(MINUTE);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await tickUntil(async () => {
        const jobs = await sweepJobs();
        return jobs.created - settled.created >= 2 && jobs.created === jobs.completed;
      }, 8 * MINUTE);
      const after = await sweepJobs();
      expect(after.created - settled.created).toBe(2);
      expect(after.completed - settled.completed).toBe(2);
      expect(otherRuns).toBeLessThanOrEqual(2);
    } finally {
      await other.stop();
    }
    expect(await sweepUnattachedUploads({ db: app.database.db, policy: app.policy, logger: app.logger }, new Date(timerClock.now()))).toBe(0);
  }, 120_000);
});
