import { describe, expect, it } from 'vitest';
import { findCaseCustomer } from '../../src/cases/case.repository.ts';
import { createLogger } from '../../src/logger.ts';
import { MILESTONE_QUEUE, MilestoneService, type MilestoneTimer } from '../../src/sla/milestone.service.ts';
import { DeskRelay } from '../../src/staff/desk-relay.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { policyFile } from '../support/policy-file.ts';
import { openHandoverCase, probeUntil, startTwoInstances, timersSettled } from '../support/sla-cases.ts';

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh });
/**
 * Seconds-long milestones, no two stages due at once: verify due 2 s after opening (reminder 1 s), plan 3 s after
 * verify (reminder at 1.5 s after it); deadlines far away so only milestones fire.
 */
const SHORT = policyFile({
  deadlines: {
    general: { firstResponseSeconds: 3600, resolutionSeconds: 7200, reminderAt: 0.5, extensionSeconds: 3600 },
    major: { firstResponseSeconds: 3600, resolutionSeconds: 7200, reminderAt: 0.5, extensionSeconds: 3600 },
  },
  milestones: {
    general: [
      { id: 'verify', label: label('initial verification', '初步核实'), dueSeconds: 2, reminderAt: 0.5, tellCustomer: true },
      { id: 'plan', label: label('handling plan', '处理方案'), dueSeconds: 3, from: 'verify', reminderAt: 0.5 },
    ],
    major: [],
  },
});

async function milestoneEvents(app: TestApp, caseId: number) {
  const rows = await app.database.db
    .selectFrom('case_events')
    .select(['action', 'to_value'])
    .where('case_id', '=', caseId)
    .where('action', 'like', 'milestone_%')
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.action}:${r.to_value}`);
}

const ALL_STAGES = ['milestone_reminder:verify', 'milestone_breached:verify', 'milestone_reminder:plan', 'milestone_breached:plan'];

describe('milestones on durable timers', { timeout: 90_000 }, () => {
  it('reminds, then breaches and tells the customer a new expectation — each once, in order, chained from the projection', async () => {
    const app = await startTestApp({ POLICY_FILE: SHORT });
    try {
      const { chat, caseId } = await openHandoverCase(app);
      const events = await probeUntil(() => milestoneEvents(app, caseId), (e) => e.length >= 4);
      expect(events).toEqual(ALL_STAGES);
      const notices = (await chat.replies(300)).map((r) => r.payload.text);
      expect(notices).toEqual([
        expect.stringMatching(/^We're sorry: for your case C-\d{4}-\d{6}, initial verification was not done within the time we promised\. The reason: .+ We now expect it by /),
        expect.stringMatching(/^We're sorry: for your case C-\d{4}-\d{6}, handling plan was not done/),
      ]);
      const recorded = await app.database.db.selectFrom('case_milestones').selectAll().where('case_id', '=', caseId).orderBy('milestone_id').execute();
      expect(recorded.map((r) => [r.milestone_id, r.done_at, r.breached_at !== null])).toEqual([
        ['plan', null, true],
        ['verify', null, true],
      ]);
      await timersSettled(app.database.db, MILESTONE_QUEUE);
      expect(await milestoneEvents(app, caseId)).toHaveLength(4);
    } finally {
      await app.stop();
    }
  });

  it('marks a milestone reached: the customer is told, the next one counts from it', async () => {
    const app = await startTestApp({ POLICY_FILE: SHORT, TIMER_POLL_SECONDS: '60' });
    try {
      const { chat, caseId } = await openHandoverCase(app);
      const row = await app.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      const at = new Date(new Date(row.created_at).getTime() + 500);
      // As a staff action marks it: the customer's row locked before the case, and handed in.
      const mark = (input: { milestoneId: string; skip: boolean; note: string | null }) =>
        app.database.db.transaction().execute(async (trx) => app.milestones.mark(trx, row, await findCaseCustomer(trx, caseId, { lock: true }), { ...input, by: 'slack:U1', now: at }));
      const outcome = await mark({ milestoneId: 'verify', skip: false, note: null });
      expect(outcome).toMatchObject({ ok: true, told: true });
      const again = await mark({ milestoneId: 'verify', skip: false, note: null });
      expect(again).toEqual({ ok: false, reason: 'already_done' });
      const skip = await mark({ milestoneId: 'plan', skip: true, note: 'x' });
      expect(skip).toEqual({ ok: false, reason: 'not_skippable' });
      const plan = (await app.milestones.milestonesOf(app.database.db, row, at)).find((m) => m.spec.id === 'plan')!;
      expect(plan.dueAt.getTime() - at.getTime()).toBe(3000);
      await app.outbox.kick();
      const told = await probeUntil(() => chat.replies(200), (r) => r.length > 0);
      expect(told.map((r) => r.payload.text)).toEqual([expect.stringMatching(/^Update on your case C-\d{4}-\d{6}: initial verification is done\. Next: handling plan, expected by /)]);
      expect(await milestoneEvents(app, caseId)).toEqual(['milestone_reached:verify']);
      // `status` shows the milestones done and the next one due.
      const status = (await chat.say('status')).map((r) => r.payload.text).join('\n');
      expect(status).toMatch(/Case C-\d{4}-\d{6} .*Done: initial verification\. Next: handling plan, expected by /);
    } finally {
      await app.stop();
    }
  });

  it('fires each milestone timer once with two instances on one database', async () => {
    const { first, stop } = await startTwoInstances({ POLICY_FILE: SHORT }, async (first, timers) => {
      const service = new MilestoneService({
        db: first.database.db, timers, policy: first.policy, desk: new DeskRelay(), logger: createLogger('silent'),
        clock: () => new Date(), outboxWritten: () => first.outbox.kick(), conversations: first.conversations,
      });
      await timers.work<MilestoneTimer>(MILESTONE_QUEUE, (data) => service.handle(data));
    });
    try {
      const { chat, caseId } = await openHandoverCase(first);
      await probeUntil(() => milestoneEvents(first, caseId), (e) => e.length >= 4);
      await timersSettled(first.database.db, MILESTONE_QUEUE);
      expect(await milestoneEvents(first, caseId)).toEqual(ALL_STAGES);
      expect((await chat.replies(300)).filter((r) => r.payload.text.startsWith("We're sorry"))).toHaveLength(2);
    } finally {
      await stop();
    }
  });
});
