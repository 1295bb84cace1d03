import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDigest, REPORT_DIGEST_QUEUE } from '../../adapters/slack/slack.digest.ts';
import { blockText, SUPERVISOR, startSlackRig, type SlackTestRig } from '../support/slack-app.ts';
import { seedReportWeek, U1 } from '../support/report-fixtures.ts';
import { loadStaffTexts } from '../../src/staff/staff-catalog.ts';

const DIGEST = 'C0DIGEST1';
let rig: SlackTestRig;

beforeAll(async () => {
  rig = await startSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', rules: [] }, { REPORT_DIGEST_CHANNEL: DIGEST });
  await seedReportWeek(rig.app.database.db);
});
afterAll(async () => {
  await rig?.stop();
});

const digestPosts = () => rig.fake.callsOf('chat.postMessage').filter((p) => p.channel === DIGEST);

describe('weekly report digest', () => {
  it('is scheduled on the configured cron in the policy time zone, and the start log says where it goes', async () => {
    expect(await rig.app.timers.recurringSchedules(REPORT_DIGEST_QUEUE)).toEqual([{ cron: '0 9 * * 1', timezone: 'Asia/Shanghai' }]);
    expect(rig.app.logs.find((l) => l.msg === 'hearken started')?.reports).toEqual({ page: 'off (no REPORTS_TOKEN)', digest: `to ${DIGEST}, cron 0 9 * * 1` });
  });

  it('posts to the digest channel through the Slack outbox when its job runs', async () => {
    // The real worker, through pg-boss: a job on the digest queue, due now.
    await rig.app.timers.schedule(rig.app.database.db, REPORT_DIGEST_QUEUE, {}, new Date());
    const posted = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === DIGEST, 20_000);
    expect(String(posted.text)).toContain('Weekly complaints digest');
    expect(posted.blocks).toBeDefined();
  });

  it('reports the seeded week with escaped text, once per period', async () => {
    const deps = { db: rig.app.database.db, logger: rig.app.logger, clock: () => new Date('2025-03-10T09:00:00Z'), timezone: 'UTC', channel: DIGEST, outboxWritten: () => rig.app.outbox.kick(), texts: loadStaffTexts('./prompts', 'en', { timezone: 'UTC' }) };
    const before = digestPosts().length;
    expect(await queueDigest(deps)).toBe('queued');
    const posted = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === DIGEST && String(p.text).includes('2025-03-03 to 2025-03-09'), 20_000);
    const text = blockText(posted.blocks);
    expect(text).toContain('2025-03-03 to 2025-03-09 — cases opened: 5*');
    expect(text).toContain('first response median 2.5 h, p90 5.1 h · resolution median 20.0 h, p90 28.0 h');
    expect(text).toContain('Deadlines met: first response 60% (3/5) · resolution 40% (2/5)');
    expect(text).toContain('CSAT 3.0 (5 answers) · satisfied 40% · NPS 20 (5 answers)');
    expect(text).toContain('Survey response rate 80% (4 of 5 sent)');
    expect(text).toContain('reopen rate 33% (1 of 3)');
    expect(text).toContain(`<@${U1}>: owns 2, resolved 2, median resolution 15.0 h, CSAT 3.3 (3)`);
    expect(text).toContain('&lt;img src=x onerror="window.__xss=1"&gt; 1');
    expect(text).not.toContain('<img');

    // A retried or repeated job does not post the same period twice.
    expect(await queueDigest(deps)).toBe('already_queued');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(digestPosts().length).toBe(before + 1);
  });

  it('answers /complaints stats from the same report, as text blocks', async () => {
    const res = await rig.slack.command({ user: SUPERVISOR, text: 'stats 30d' });
    const body = (await res.json()) as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Cases opened in the last 30 days: \d+/);
    expect(blockText(body.blocks)).toContain('Deadlines met: first response');
    expect(blockText(body.blocks)).toContain('Survey response rate');
  });
});
