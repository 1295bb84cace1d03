import { describe, expect, it } from 'vitest';
import type { MilestoneTimer } from '../../src/sla/milestone.service.ts';
import { policyFile } from '../support/policy-file.ts';
import { traditionalChineseCase } from '../support/sla-cases.ts';
import { useTestApp } from '../support/test-app.ts';

/** One milestone an hour away: its breach below is fired by hand, as its timer would. */
const POLICY = policyFile({
  milestones: {
    general: [{ id: 'verify', label: { en: 'initial verification', 'zh-CN': '初步核实' }, dueSeconds: 3600, reminderAt: 0.5, tellCustomer: true }],
    major: [],
  },
});

const app = useTestApp({ POLICY_FILE: POLICY });

describe('a milestone breach through the customer’s conversation', () => {
  it('reaches the customer once, in the script they write, on the outbox row of the case', async () => {
    const { chat, row, before } = await traditionalChineseCase(app);
    const [verify] = await app.milestones.milestonesOf(app.database.db, row);

    const timer: MilestoneTimer = { kind: 'milestone', caseId: row.id, milestoneId: 'verify', stage: 'breach', dueAt: verify!.dueAt.toISOString() };
    await app.milestones.handle(timer);
    await app.milestones.handle(timer); // a redelivered timer tells nothing more

    const notices = (await chat.replies(300)).filter((e) => e.payload.text.startsWith('非常抱歉'));
    expect(notices.map((n) => n.payload.text)).toEqual([expect.stringContaining(`非常抱歉：您的投訴（投訴單號 ${row.number}）的初步核實未能在承諾的時間內完成。`)]);
    expect(chat.transcript.slice(before).filter((e) => e.direction === 'out')).toHaveLength(1);
    const rows = await app.database.db.selectFrom('outbox').select(['case_id', 'customer_id', 'payload']).where('case_id', '=', row.id).execute();
    expect(rows.filter((r) => String((r.payload as { text: string }).text).startsWith('非常抱歉'))).toEqual([
      { case_id: row.id, customer_id: row.customer_id, payload: { text: notices[0]!.payload.text } },
    ]);
  });
});
