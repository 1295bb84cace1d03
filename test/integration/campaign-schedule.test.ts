import { sql } from 'kysely';
import { TestClock } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timers } from '../../src/jobs/timers.ts';
import { createLogger } from '../../src/logger.ts';
import { loadPolicy } from '../../src/policy.ts';
import { CAMPAIGN_SCHEDULE_QUEUE, CampaignService } from '../../src/surveys/campaign.service.ts';
import { policyFile } from '../support/policy-file.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';
import { startTestApp, tempDataDir, type TestApp } from '../support/test-app.ts';

/**
 * Issue 18, "policy presets … with their survey cadence": the anonymous
 * campaign starts on the policy's schedule (survey.campaignSchedule) through a
 * durable pg-boss cron schedule, one campaign per occurrence across two
 * instances, none twice for a redelivered job, and the schedule goes when the
 * field is removed. Driven on pg-boss time (its TestClock); the app clock
 * follows it.
 */
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CRON = '0 9 * * *';
const timerClock = new TestClock(Date.now());
let app: TestApp;
let dbEnv: Record<string, string>;

beforeAll(async () => {
  const url = await createTestDatabaseUrl();
  dbEnv = url ? { DATABASE_URL: url } : { DATA_DIR: tempDataDir() };
  const policy = policyFile({ timezone: 'UTC', survey: { campaignSchedule: { cron: CRON, name: 'Daily check' } } });
  app = await startTestApp({ ...dbEnv, POLICY_FILE: policy }, { timerClock, clock: () => new Date(timerClock.now()) });
});
afterAll(async () => {
  await app?.stop();
});

async function scheduleJobs(): Promise<{ created: number; completed: number }> {
  const { rows } = await sql<{ created: number; completed: number }>`
    SELECT count(*)::int AS created, (count(*) FILTER (WHERE state = 'completed'))::int AS completed
    FROM pgboss.job WHERE name = ${CAMPAIGN_SCHEDULE_QUEUE}`.execute(app.database.db);
  return rows[0]!;
}
const campaigns = () => app.database.db.selectFrom('survey_campaigns').select(['name', 'started_by']).orderBy('id').execute();

/** Advances pg-boss time half a minute at a time until `done` holds (each step lets its timers' work run). */
async function tickUntil(done: () => Promise<boolean>, maxMs = 15 * MINUTE): Promise<void> {
  for (let advanced = 0; !(await done()); advanced += MINUTE / 2) {
    if (advanced > maxMs) throw new Error('the schedule did not run in time');
    await timerClock.tick(MINUTE / 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Jumps just past the next 09:00 UTC and lets its job run to completion (with a few quiet minutes after). */
async function nextOccurrence(): Promise<string> {
  const next = Math.floor((timerClock.now() - 9 * 60 * MINUTE) / DAY) * DAY + DAY + 9 * 60 * MINUTE;
  const before = await scheduleJobs();
  await timerClock.setTime(next + MINUTE);
  await tickUntil(async () => {
    const jobs = await scheduleJobs();
    return jobs.created > before.created && jobs.created === jobs.completed && timerClock.now() >= next + 4 * MINUTE;
  });
  return new Date(next).toISOString().slice(0, 10);
}

describe('the anonymous campaign on the policy schedule', () => {
  it('is a durable schedule in the policy time zone', async () => {
    expect(await app.timers.recurringSchedules(CAMPAIGN_SCHEDULE_QUEUE)).toEqual([{ cron: CRON, timezone: 'UTC' }]);
  });

  it('starts one campaign per occurrence with two instances scheduling and working it, and none twice on a redelivery', async () => {
    // A second instance on the same database: it schedules and works the same job with its own campaign service.
    const other = await Timers.start(app.database, createLogger('silent'), { pollSeconds: 0.5, clock: timerClock });
    const otherCampaigns = new CampaignService({ db: app.database.db, timers: other, logger: createLogger('silent'), clock: () => new Date(timerClock.now()) });
    try {
      await other.work(CAMPAIGN_SCHEDULE_QUEUE, async () => void (await otherCampaigns.startScheduled({ name: 'Daily check', timezone: 'UTC' })));
      await other.scheduleRecurring(CAMPAIGN_SCHEDULE_QUEUE, CRON, { tz: 'UTC' });
      const start = (await campaigns()).length;
      const first = await nextOccurrence();
      expect((await campaigns()).slice(start)).toEqual([{ name: `Daily check ${first}`, started_by: 'schedule' }]);
      const second = await nextOccurrence();
      expect((await campaigns()).slice(start)).toEqual([
        { name: `Daily check ${first}`, started_by: 'schedule' },
        { name: `Daily check ${second}`, started_by: 'schedule' },
      ]);
      // The job delivered again (either instance): no second campaign.
      expect(await app.campaigns.startScheduled({ name: 'Daily check', timezone: 'UTC' })).toEqual({ ok: false, reason: 'already_started' });
      expect(await otherCampaigns.startScheduled({ name: 'Daily check', timezone: 'UTC' })).toEqual({ ok: false, reason: 'already_started' });
      expect((await campaigns()).length - start).toBe(2);
      expect(app.logs.filter((l) => l.msg === 'survey campaign started').length).toBeLessThanOrEqual(2);
    } finally {
      await other.stop();
    }
  }, 180_000);

  it('is unscheduled when the policy no longer has it', async () => {
    await app.stop();
    app = await startTestApp({ ...dbEnv, POLICY_FILE: policyFile({ timezone: 'UTC' }) }, { timerClock, clock: () => new Date(timerClock.now()) });
    expect(await app.timers.recurringSchedules(CAMPAIGN_SCHEDULE_QUEUE)).toEqual([]);
  }, 60_000);

  it('rejects a schedule that is not a 5-field cron, and the KTV preset sets a quarterly one', () => {
    expect(() => loadPolicy(policyFile({ survey: { campaignSchedule: { cron: 'quarterly' } } }))).toThrow(/campaignSchedule/);
    expect(loadPolicy('config/presets/ktv-promoters.json').survey.campaignSchedule).toEqual({ cron: '0 9 1 1,4,7,10 *', name: '季度满意度调查' });
    expect(loadPolicy('config/policy.json').survey.campaignSchedule).toBeUndefined();
  });
});
