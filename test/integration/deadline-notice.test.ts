import { describe, expect, it } from 'vitest';
import type { DeadlineTimer } from '../../src/sla/deadline.service.ts';
import { traditionalChineseCase } from '../support/sla-cases.ts';
import { useTestApp } from '../support/test-app.ts';

// The default policy's deadlines are hours away: the breach below is fired by hand, as its timer would.
const app = useTestApp();

describe('a breach notice through the customer’s conversation', () => {
  it('reaches the customer once, in the script they write, on the outbox row of the breached case', async () => {
    const { chat, row, before } = await traditionalChineseCase(app);

    const timer: DeadlineTimer = { caseId: row.id, deadline: 'first_response', stage: 'breach', dueAt: new Date(row.first_response_due_at).toISOString() };
    await app.deadlines.handle(timer);
    await app.deadlines.handle(timer); // a redelivered timer tells nothing more

    const notices = (await chat.replies(300)).filter((e) => e.payload.text.startsWith('非常抱歉'));
    expect(notices.map((n) => n.payload.text)).toEqual([expect.stringContaining(`非常抱歉：我們未能在承諾的時間內答覆您的投訴（投訴單號 ${row.number}）`)]);
    expect(chat.transcript.slice(before).filter((e) => e.direction === 'out')).toHaveLength(1);
    const rows = await app.database.db.selectFrom('outbox').select(['case_id', 'customer_id', 'payload']).where('case_id', '=', row.id).execute();
    expect(rows.filter((r) => String((r.payload as { text: string }).text).startsWith('非常抱歉'))).toEqual([
      { case_id: row.id, customer_id: row.customer_id, payload: { text: notices[0]!.payload.text } },
    ]);
  });
});
