import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { AGENT, blockText, CASES, startSlackRig, type SlackTestRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * The after-sales preset (config/presets/after-sales.json) with every
 * duration scaled down: one hour of the preset lasts `msPerHour`. The
 * timetable and the chain (visit → diagnosis from the visit → returned from
 * the diagnosis) are the preset's own.
 */
function afterSalesScaled(msPerHour: number, progressEverySeconds: number | null): string {
  const preset = JSON.parse(readFileSync('config/presets/after-sales.json', 'utf8'));
  const scale = (seconds: number) => Math.max(1, Math.round((seconds / 3600) * (msPerHour / 1000)));
  for (const table of Object.values(preset.deadlines) as Array<Record<string, number>>) {
    for (const key of ['firstResponseSeconds', 'resolutionSeconds', 'resultToCustomerSeconds']) table[key] = scale(table[key]!);
  }
  for (const list of Object.values(preset.milestones) as Array<Array<{ dueSeconds: number }>>) for (const m of list) m.dueSeconds = scale(m.dueSeconds);
  preset.progressUpdates = { everySeconds: progressEverySeconds };
  const path = join(mkdtempSync(join(tmpdir(), 'hearken-policy-')), 'after-sales.json');
  writeFileSync(path, JSON.stringify(preset));
  return path;
}

const ROUTING = { teams: { care: { assignment: 'claim' } }, defaultTeam: 'care' };

async function caseOf(rig: SlackTestRig, number: string) {
  return until(async () => {
    const r = await rig.app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
    return r?.slack_ts ? r : undefined;
  }, 'card posted');
}

async function audit(rig: SlackTestRig, caseId: number, like: string) {
  const rows = await rig.app.database.db.selectFrom('case_events').select(['action', 'to_value', 'at']).where('case_id', '=', caseId).where('action', 'like', like).orderBy('id').execute();
  return rows;
}

describe('milestones of the after-sales preset, end to end through the web chat and Slack', () => {
  describe('a case left alone', () => {
    let rig: SlackTestRig;
    // One preset hour = 100 ms: first response 2.4 s; visit due 4.8 s (reminder 3.6 s), diagnosis 12 s (9.6 s), product returned 14.4 s (13.8 s).
    beforeAll(async () => {
      rig = await startSlackRig(ROUTING, { POLICY_FILE: afterSalesScaled(100, null) });
    });
    afterAll(async () => {
      await rig?.stop();
    });

    it('reminds and breaches each milestone once, in the thread and to the customer with a new expectation', async () => {
      const { fake, slack } = rig;
      const chat = await WebchatClient.open(rig.app.url);
      const number = await quickCaseOnWebchat(chat, 'after_sales_repair');
      const row = await caseOf(rig, number);
      await slack.press({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });

      const inThread = (pattern: RegExp) => fake.callsOf('chat.postMessage').filter((p) => p.channel === CASES && p.thread_ts === row.slack_ts && pattern.test(String(p.text)));
      await until(() => inThread(/milestone repaired product returned was missed/).length > 0, 'last milestone breached', 30_000);
      await new Promise((r) => setTimeout(r, 1500)); // anything duplicated would arrive now

      const stages = (await audit(rig, row.id, 'milestone_%')).map((e) => `${e.action}:${e.to_value}`);
      expect(stages).toEqual([
        'milestone_reminder:visit',
        'milestone_breached:visit',
        'milestone_reminder:diagnosis',
        'milestone_breached:diagnosis',
        'milestone_reminder:returned',
        'milestone_breached:returned',
      ]);
      for (const label of ['on-site visit', 'diagnosis and repair plan', 'repaired product returned']) {
        expect(inThread(new RegExp(`:alarm_clock: <@${AGENT}> the milestone \\*${label}\\* is due`))).toHaveLength(1);
        expect(inThread(new RegExp(`The milestone ${label} was missed\\* \\(owner <@${AGENT}>\\)`))).toHaveLength(1);
      }
      // The card lists the milestones, late, each with its button while open.
      const card = fake.callsOf('chat.update').filter((p) => p.ts === row.slack_ts).at(-1)!;
      expect(blockText(card.blocks)).toMatch(/\*Milestones\*\n:hourglass_flowing_sand: on-site visit — due .+:red_circle: \*late\*/);

      await chat.fetch();
      const missed = chat.transcript.filter((e) => e.direction === 'out' && /^We're sorry: for your case/.test(e.payload.text)).map((e) => e.payload.text);
      expect(missed).toEqual([
        expect.stringMatching(new RegExp(`for your case ${number}, on-site visit was not done within the time we promised\\. The reason: .+ We now expect it by `)),
        expect.stringMatching(/diagnosis and repair plan was not done/),
        expect.stringMatching(/repaired product returned was not done/),
      ]);
    });
  });

  describe('a case worked from the card', () => {
    let rig: SlackTestRig;
    // One preset hour = 10 s: nothing comes due during the test but the progress update, every 3 s without news.
    beforeAll(async () => {
      rig = await startSlackRig(ROUTING, { POLICY_FILE: afterSalesScaled(10_000, 3) });
    });
    afterAll(async () => {
      await rig?.stop();
    });

    it('marks milestones from the card, tells the customer where configured, and sends progress updates without news', async () => {
      const { fake, slack } = rig;
      const chat = await WebchatClient.open(rig.app.url);
      const number = await quickCaseOnWebchat(chat, 'after_sales_repair');
      const row = await caseOf(rig, number);
      const card = () => fake.callsOf('chat.update').filter((p) => p.ts === row.slack_ts).at(-1) ?? fake.callsOf('chat.postMessage').find((p) => p.ts === row.slack_ts || p.channel === CASES)!;
      const milestoneButtons = (blocks: unknown) =>
        ((blocks as Array<{ block_id?: string; elements?: Array<{ action_id: string }> }>).find((b) => b.block_id === 'case_milestones')?.elements ?? []).map((e) => e.action_id);
      const posted = fake.callsOf('chat.postMessage').find((p) => p.channel === CASES && !p.thread_ts)!;
      expect(milestoneButtons(posted.blocks)).toEqual(['case_milestone:visit', 'case_milestone:diagnosis', 'case_milestone:returned']);

      // The first progress update: no news for 3 s since the case opened.
      const updates = async () => (await chat.fetch(), chat.transcript.filter((e) => e.direction === 'out' && e.payload.text.startsWith('Your complaint')));
      await until(async () => (await updates()).length >= 1, 'first progress update', 15_000);
      expect((await updates())[0]!.payload.text).toMatch(new RegExp(`^Your complaint ${number} is being handled\\. Next: on-site visit, expected by `));

      // The agent marks the on-site visit reached, with a note: the modal, then the submission.
      await slack.press({ user: AGENT, actionId: 'case_milestone:visit', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
      const modal = await until(() => fake.callsOf('views.open').at(-1), 'milestone modal');
      const view = (typeof modal.view === 'string' ? JSON.parse(modal.view) : modal.view) as { callback_id: string; blocks: unknown; private_metadata: string };
      expect(view.callback_id).toBe('case_milestone_view');
      expect(blockText(view.blocks)).toContain('Skipped (not needed)');
      const meta = JSON.parse(view.private_metadata);
      const reached = await slack.submitView({
        user: AGENT,
        callbackId: 'case_milestone_view',
        meta,
        values: { outcome: { type: 'radio_buttons', selected_option: { value: 'reached' } }, note: { type: 'plain_text_input', value: 'Technician found a worn belt' } },
      });
      expect(reached.status).toBe(200);
      const told = await until(async () => (await chat.fetch(), chat.transcript.find((e) => e.direction === 'out' && e.payload.text.startsWith('Update on your case'))), 'customer told of the visit');
      expect(told.payload.text).toMatch(new RegExp(`^Update on your case ${number}: on-site visit is done\\. Next: diagnosis and repair plan, expected by `));
      const thread = (pattern: RegExp) => fake.callsOf('chat.postMessage').filter((p) => p.thread_ts === row.slack_ts && pattern.test(String(p.text)));
      await until(() => thread(/marked \*on-site visit\* reached; the customer was told/).length === 1, 'thread notice');
      expect(thread(/Note: Technician found a worn belt/)).toHaveLength(1);
      await until(() => milestoneButtons(card().blocks).length === 2, 'card without the visit button');
      expect(blockText(card().blocks)).toMatch(/:white_check_mark: on-site visit — reached/);

      // The diagnosis cannot be skipped; marking it twice is refused.
      const skip = await slack.submitView({
        user: AGENT,
        callbackId: 'case_milestone_view',
        meta: { ...meta, milestone: 'diagnosis' },
        values: { outcome: { type: 'radio_buttons', selected_option: { value: 'skipped' } }, note: { type: 'plain_text_input', value: 'no need' } },
      });
      expect(await skip.json()).toMatchObject({ response_action: 'errors' });
      const again = await slack.submitView({ user: AGENT, callbackId: 'case_milestone_view', meta, values: { note: { type: 'plain_text_input', value: 'again' } } });
      expect(await again.json()).toMatchObject({ response_action: 'errors' });

      // The periodic update after the news: what is done, and what comes next by when.
      const before = (await updates()).length;
      await until(async () => (await updates()).length > before, 'progress update after the visit', 15_000);
      expect((await updates()).at(-1)!.payload.text).toMatch(new RegExp(`^Your complaint ${number} is being handled: on-site visit completed\\. Next: diagnosis and repair plan, expected by `));
      // Updates never come closer together than the interval (each timer acts once).
      const times = (await audit(rig, row.id, 'progress_update')).map((e) => new Date(e.at).getTime());
      for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(2_900);
      expect(thread(/progress update/).length).toBe(times.length);

      // `status` shows what is done and the next one due.
      const status = (await chat.say('status')).map((r) => r.payload.text).join('\n');
      expect(status).toMatch(/Done: on-site visit\. Next: diagnosis and repair plan, expected by /);
      const audited = (await audit(rig, row.id, 'milestone_%')).map((e) => `${e.action}:${e.to_value}`);
      expect(audited).toEqual(['milestone_reached:visit']);

      // Staff raise the tier: the deadlines and the milestones follow the major table (diagnosis 48 h after the visit, not 72 h).
      const raised = await slack.submitView({ user: AGENT, callbackId: 'case_severity_view', meta: { caseId: row.id, channel: CASES }, values: { severity: { type: 'static_select', selected_option: { value: 'major' } } } });
      expect(raised.status).toBe(200);
      const major = await until(async () => {
        const r = await rig.app.database.db.selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
        return r.severity === 'major' ? r : undefined;
      }, 'severity changed');
      expect(new Date(major.first_response_due_at).getTime() - new Date(major.created_at).getTime()).toBe(120_000); // 12 h × 10 s
      const plan = await rig.app.milestones.milestonesOf(rig.app.database.db, major);
      const visit = plan.find((m) => m.spec.id === 'visit')!;
      const diagnosis = plan.find((m) => m.spec.id === 'diagnosis')!;
      expect(diagnosis.dueAt.getTime() - visit.done!.at.getTime()).toBe(480_000); // 48 h × 10 s
      const jobs = (await rig.app.database.db.selectFrom('pgboss.job' as never).select(['data' as never]).where('name' as never, '=', 'case-milestone' as never).execute()) as Array<{ data: { milestoneId?: string; stage?: string; dueAt: string } }>;
      expect(jobs.some((j) => j.data.milestoneId === 'diagnosis' && j.data.stage === 'breach' && j.data.dueAt === diagnosis.dueAt.toISOString())).toBe(true);
    });
  });
});
