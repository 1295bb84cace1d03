import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { CaseListener, DeadlineEvent } from '../../src/cases/case-listener.ts';
import { createLogger } from '../../src/logger.ts';
import { DEADLINE_QUEUE, DeadlineService, type DeadlineTimer } from '../../src/sla/deadline.service.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';
import { startTestApp, tempDataDir, type TestApp } from '../support/test-app.ts';
import { policyFile } from '../support/policy-file.ts';
import { openHandoverCase, probeUntil, startTwoInstances, timersSettled } from '../support/sla-cases.ts';

/** Deadlines in seconds: first response 2 s (reminder at 1 s), resolution 6 s (reminder at 3 s): no two stages due at once. */
const SHORT = policyFile({
  deadlines: {
    general: { firstResponseSeconds: 2, resolutionSeconds: 6, reminderAt: 0.5, extensionSeconds: 3600 },
    major: { firstResponseSeconds: 2, resolutionSeconds: 6, reminderAt: 0.5, extensionSeconds: 3600 },
  },
});

function recorder() {
  const seen: Array<{ kind: 'reminder' | 'breach'; event: DeadlineEvent }> = [];
  const listener: CaseListener = {
    deadlineReminder: async (_trx, event) => void seen.push({ kind: 'reminder', event }),
    deadlineBreached: async (_trx, event) => void seen.push({ kind: 'breach', event }),
  };
  return { seen, module: () => ({ name: 'deadline-recorder', caseListener: listener }) };
}

async function marks(app: TestApp, caseId: number) {
  return app.database.db
    .selectFrom('case_events')
    .select(['action', 'to_value'])
    .where('case_id', '=', caseId)
    .where('action', 'like', 'deadline_%')
    .orderBy('id')
    .execute();
}

describe('deadlines on durable timers', () => {
  it('reminds, then escalates at the breach and tells the customer — each once, in order', async () => {
    const rec = recorder();
    const app = await startTestApp({ POLICY_FILE: SHORT }, { modules: [rec.module] });
    try {
      const { chat, caseId } = await openHandoverCase(app);
      const events = await probeUntil(() => marks(app, caseId), (m) => m.length >= 4);
      expect(events).toEqual([
        { action: 'deadline_reminder', to_value: 'first_response' },
        { action: 'deadline_breached', to_value: 'first_response' },
        { action: 'deadline_reminder', to_value: 'resolution' },
        { action: 'deadline_breached', to_value: 'resolution' },
      ]);
      expect(rec.seen.map((s) => `${s.kind}:${s.event.deadline}`)).toEqual([
        'reminder:first_response',
        'breach:first_response',
        'reminder:resolution',
        'breach:resolution',
      ]);
      const notices = (await chat.replies(300)).map((r) => r.payload.text);
      expect(notices).toEqual([
        expect.stringMatching(/^We're sorry: we have not answered your case C-\d{4}-\d{6} within the time we promised\. The reason: .+ we now expect to reply by /),
        expect.stringMatching(/^We're sorry: we have not resolved your case C-\d{4}-\d{6}/),
      ]);
      const row = await app.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(row.first_response_breached_at).not.toBeNull();
      expect(row.resolution_breached_at).not.toBeNull();
      await timersSettled(app.database.db, DEADLINE_QUEUE);
      expect(await marks(app, caseId)).toHaveLength(4);
    } finally {
      await app.stop();
    }
  });

  it('fires nothing for a case that was answered and resolved in time', async () => {
    const app = await startTestApp({ POLICY_FILE: SHORT });
    try {
      const { caseId } = await openHandoverCase(app);
      await app.database.db
        .updateTable('cases')
        .set({ status: 'resolved', first_responded_at: new Date(), resolved_at: new Date() })
        .where('id', '=', caseId)
        .execute();
      const completed = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${DEADLINE_QUEUE} AND state = 'completed'`.execute(app.database.db)).rows[0]!.n;
      expect(await probeUntil(completed, (n) => n >= 4, 30_000)).toBe(4); // all four timers fired and found nothing to do
      expect(await marks(app, caseId)).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it('pauses while waiting on the customer and moves the deadlines by the wait', async () => {
    const app = await startTestApp({ POLICY_FILE: SHORT, TIMER_POLL_SECONDS: '60' });
    try {
      const { caseId } = await openHandoverCase(app);
      const before = await app.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      const pausedAt = new Date(new Date(before.created_at).getTime() + 500);
      await app.database.db.transaction().execute((trx) => app.deadlines.pause(trx, caseId, pausedAt, 'staff:U1'));
      await app.database.db.transaction().execute((trx) => app.deadlines.resume(trx, caseId, new Date(pausedAt.getTime() + 10_000), 'customer'));
      const after = await app.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(new Date(after.first_response_due_at).getTime() - new Date(before.first_response_due_at).getTime()).toBe(10_000);
      expect(new Date(after.resolution_due_at).getTime() - new Date(before.resolution_due_at).getTime()).toBe(10_000);
      expect(after.sla_paused_at).toBeNull();
      // A severity change recomputes from the case's opening with the other row of the table.
      await app.database.db.transaction().execute((trx) => app.deadlines.severityChanged(trx, caseId, 'major', new Date()));
      const major = await app.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(new Date(major.first_response_due_at).getTime() - new Date(major.created_at).getTime()).toBe(2000);
    } finally {
      await app.stop();
    }
  });

  it('still fires after a restart between scheduling and firing', async () => {
    const url = await createTestDatabaseUrl();
    const env: Record<string, string> = { POLICY_FILE: SHORT, ...(url ? { DATABASE_URL: url } : { DATA_DIR: tempDataDir() }) };
    let app = await startTestApp(env);
    const { caseId } = await openHandoverCase(app);
    const opened = await app.database.db.selectFrom('cases').select('first_response_due_at').where('id', '=', caseId).executeTakeFirstOrThrow();
    await app.stop();
    // The first deadline passes while nothing runs.
    const untilDue = new Date(opened.first_response_due_at).getTime() + 200 - Date.now();
    if (untilDue > 0) await new Promise((r) => setTimeout(r, untilDue));
    app = await startTestApp(env);
    try {
      const done = (m: Array<{ action: string }>) => m.filter((e) => e.action === 'deadline_breached').length >= 2;
      const events = (await probeUntil(() => marks(app, caseId), done)).map((e) => `${e.action}:${e.to_value}`);
      await timersSettled(app.database.db, DEADLINE_QUEUE);
      expect((await marks(app, caseId)).length).toBe(events.length);
      // Both breaches fire once; the first response's reminder fell due while nothing ran, after its deadline: it is dropped.
      expect(events.filter((e) => e.startsWith('deadline_breached'))).toEqual(['deadline_breached:first_response', 'deadline_breached:resolution']);
      expect(events).not.toContain('deadline_reminder:first_response');
      const reminder = events.indexOf('deadline_reminder:resolution');
      if (reminder >= 0) expect(reminder).toBeLessThan(events.indexOf('deadline_breached:resolution'));
    } finally {
      await app.stop();
    }
  });

  it('fires each timer once with two instances on one database', async () => {
    const { first, stop } = await startTwoInstances({ POLICY_FILE: SHORT }, async (first, timers) => {
      const service = new DeadlineService({
        db: first.database.db, timers, policy: first.policy, logger: createLogger('silent'),
        clock: () => new Date(), outboxWritten: () => first.outbox.kick(), listeners: [], conversations: first.conversations,
      });
      await timers.work<DeadlineTimer>(DEADLINE_QUEUE, (data) => service.handle(data));
    });
    try {
      const { chat, caseId } = await openHandoverCase(first);
      const events = await probeUntil(() => marks(first, caseId), (m) => m.length >= 4);
      await timersSettled(first.database.db, DEADLINE_QUEUE);
      expect(await marks(first, caseId)).toHaveLength(4);
      expect(events).toHaveLength(4);
      expect((await chat.replies(300)).filter((r) => r.payload.text.startsWith("We're sorry"))).toHaveLength(2);
    } finally {
      await stop();
    }
  });
});
