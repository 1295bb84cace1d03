import { randomUUID } from 'node:crypto';
import { TestClock } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_QUEUE } from '../../src/privacy/retention.ts';
import { createCase, createCustomer, findAnywhere, reportFigures, type CaseFixture } from '../support/privacy-fixtures.ts';
import { policyFile } from '../support/policy-file.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const DAY = 86_400_000;
const NOW = new Date('2030-01-10T03:30:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let app: TestApp;
let clockNow = NOW;
beforeAll(async () => {
  // Times below are in UTC (the shipped policy is Asia/Shanghai).
  app = await startTestApp({ POLICY_FILE: policyFile({ timezone: 'UTC' }) }, { clock: () => clockNow });
});
afterAll(async () => {
  await app?.stop();
});

describe('retention job', () => {
  it('is a durable daily schedule in the database', async () => {
    expect(await app.timers.recurringSchedules(RETENTION_QUEUE)).toEqual([{ cron: '30 3 * * *', timezone: 'UTC' }]);
  });

  it('anonymises exactly the expired cases and cleans old records, keeping the report figures', async () => {
    const db = app.database.db;
    const alice = await createCustomer(db, { updated_at: daysAgo(3) });
    const cases: Record<string, CaseFixture> = {
      closedLongAgo: await createCase(db, alice, { status: 'closed', created_at: daysAgo(1200), closed_at: daysAgo(1096), resolved_at: daysAgo(1097), severity: 'major' }),
      closedRecently: await createCase(db, alice, { status: 'closed', created_at: daysAgo(1200), closed_at: daysAgo(1094), resolved_at: daysAgo(1100) }),
      resolvedLongAgo: await createCase(db, alice, { status: 'resolved', created_at: daysAgo(1300), resolved_at: daysAgo(1100), category: 'price_billing' }),
      openUntouched: await createCase(db, alice, { status: 'in_progress', created_at: daysAgo(1200), updated_at: daysAgo(1200), category: 'service_attitude' }),
      openButActive: await createCase(db, alice, { status: 'in_progress', created_at: daysAgo(1200), updated_at: daysAgo(10) }),
      fresh: await createCase(db, alice, { status: 'new', created_at: daysAgo(5) }),
    };
    // Files the customer sent after the case opened hang off a case message, not attachments.case_id.
    const laterFile = async (fixture: CaseFixture, name: string, uploadedDaysAgo: number) => {
      const id = randomUUID();
      await db.insertInto('attachments').values({ id, customer_id: alice.id, case_id: null, channel: 'webchat', file_name: name, mime_type: 'application/pdf', size_bytes: 1, content: Buffer.from('z'), created_at: daysAgo(uploadedDaysAgo) } as never).execute();
      await db.insertInto('case_messages').values({ case_id: fixture.row.id, direction: 'customer', body: `see ${name}`, attachments: JSON.stringify([{ id, fileName: name, mimeType: 'application/pdf', sizeBytes: 1 }]) }).execute();
      fixture.texts.push(name);
      return id;
    };
    await laterFile(cases.closedLongAgo!, 'alice-old-invoice.pdf', 1150);
    const keptLaterFile = await laterFile(cases.openButActive!, 'alice-recent-invoice.pdf', 40);
    const expired = ['closedLongAgo', 'resolvedLongAgo', 'openUntouched'];
    const kept = ['closedRecently', 'openButActive', 'fresh'];
    // The customer's conversation points at an expired case: it must not keep collecting messages there.
    await db.updateTable('customers').set({ state: JSON.stringify({ v: 1, locale: 'en', activeCase: { id: cases.openUntouched!.row.id, number: cases.openUntouched!.row.number } }) }).where('id', '=', alice.id).execute();

    // Bob abandoned an intake 40 days ago; Carol's is 2 days old, with a file uploaded long before.
    const bobDraft = { consent: true, description: 'Bob Abandoned wrote about a blender', phone: '+447700111222', evidence: [] };
    const bob = await createCustomer(db, { display_name: 'Bob Abandoned', updated_at: daysAgo(40), state: intakeState(bobDraft, daysAgo(40)) });
    const bobFile = randomUUID();
    await db.insertInto('attachments').values({ id: bobFile, customer_id: bob.id, case_id: null, channel: 'webchat', file_name: 'bob-receipt.pdf', mime_type: 'application/pdf', size_bytes: 1, content: Buffer.from('x'), created_at: daysAgo(40) } as never).execute();
    const carolFile = randomUUID();
    const carolDraft = { consent: true, description: 'Carol Current is still typing', evidence: [{ id: carolFile, fileName: 'carol.png', mimeType: 'image/png', sizeBytes: 1 }] };
    const carol = await createCustomer(db, { updated_at: daysAgo(2), state: intakeState(carolDraft, daysAgo(2)) });
    await db.insertInto('attachments').values({ id: carolFile, customer_id: carol.id, case_id: null, channel: 'webchat', file_name: 'carol.png', mime_type: 'image/png', size_bytes: 1, content: Buffer.from('y'), created_at: daysAgo(40) } as never).execute();

    await db.insertInto('webchat_messages').values([
      { visitor_id: bob.external_id, direction: 'in', payload: JSON.stringify({ text: 'Bob Abandoned here' }), created_at: daysAgo(40) },
      { visitor_id: carol.external_id, direction: 'in', payload: JSON.stringify({ text: 'old line' }), created_at: daysAgo(91) },
      { visitor_id: carol.external_id, direction: 'in', payload: JSON.stringify({ text: 'recent line' }), created_at: daysAgo(2) },
    ] as never).execute();
    const outbox = (customerId: number, status: string, sentDaysAgo: number) => ({
      customer_id: customerId, case_id: null, channel: 'webchat', conversation_key: `webchat:${customerId}`, address: '{}',
      payload: JSON.stringify({ text: `sent ${sentDaysAgo} days ago` }), status, created_at: daysAgo(sentDaysAgo), sent_at: status === 'sent' ? daysAgo(sentDaysAgo) : null,
      next_attempt_at: daysAgo(sentDaysAgo),
    });
    await db.insertInto('outbox').values([outbox(carol.id, 'sent', 31), outbox(carol.id, 'failed', 45), outbox(carol.id, 'sent', 29), outbox(carol.id, 'pending', 1)] as never).execute();
    await db.insertInto('inbound_deliveries').values([
      { channel: 'telegram', delivery_id: 'old-update', received_at: daysAgo(31) },
      { channel: 'telegram', delivery_id: 'new-update', received_at: daysAgo(1) },
    ] as never).execute();

    // Both were sent a survey campaign: the mark goes with Bob's identity only.
    const campaign = await db.insertInto('survey_campaigns').values({ name: 'Winter check', started_by: 'U0SUPER01', started_at: daysAgo(50) }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('campaign_marks').values([bob.id, carol.id].map((customer_id) => ({ campaign_id: campaign.id, customer_id, stage: 'send' as const }))).execute();

    const figuresBefore = await reportFigures(db);
    app.logs.length = 0;
    clockNow = NOW;
    const report = await app.privacy.runRetention();

    expect(report).toEqual({
      casesAnonymised: 3,
      caseMessagesBlanked: 4,
      attachmentsDeleted: 5, // three evidence files, one sent later in a message, Bob's orphan upload
      intakesCleared: 1,
      identitiesAnonymised: 1, // Bob: no case, no contact for 40 days
      transcriptLinesDeleted: 2, // Bob's (with his identity), Carol's 91-day-old line
      outboxRowsDeleted: 2,
      deliveryIdsDeleted: 1,
    });
    expect(await reportFigures(db)).toEqual(figuresBefore);

    for (const name of expired) {
      const fixture = cases[name]!;
      const row = await db.selectFrom('cases').selectAll().where('id', '=', fixture.row.id).executeTakeFirstOrThrow();
      expect(row, name).toMatchObject({
        description: null, when_where: null, order_ref: null, contact_name: null, contact_phone: null, contact_email: null,
        evidence: [{ mimeType: 'image/jpeg', sizeBytes: 3 }],
        category: fixture.row.category, severity: fixture.row.severity, status: fixture.row.status, consent_given: true,
      });
      expect(row.anonymised_at).toEqual(NOW);
      expect(row.created_at).toEqual(fixture.row.created_at);
      expect(row.first_response_due_at).toEqual(fixture.row.first_response_due_at);
      const messages = await db.selectFrom('case_messages').select(['body', 'attachments']).where('case_id', '=', row.id).orderBy('id').execute();
      expect(messages[0]).toEqual({ body: '', attachments: [{ mimeType: 'image/jpeg', sizeBytes: 3 }] });
      expect(messages.every((m) => m.body === '')).toBe(true);
      const events = await db.selectFrom('case_events').select(['actor', 'action', 'details']).where('case_id', '=', row.id).orderBy('id').execute();
      const files = name === 'closedLongAgo' ? 2 : 1;
      expect(events.at(-1)).toEqual({ actor: 'system:retention', action: 'anonymised', details: { reason: 'retention', messages: files, attachments: files, outboxRows: 0 } });
    }
    expect(await findAnywhere(db, expired.flatMap((name) => cases[name]!.texts))).toEqual({});
    for (const name of kept) {
      const row = await db.selectFrom('cases').selectAll().where('id', '=', cases[name]!.row.id).executeTakeFirstOrThrow();
      expect(row, name).toMatchObject({ description: cases[name]!.row.description, contact_email: cases[name]!.row.contact_email, anonymised_at: null });
    }
    const keptTexts = await findAnywhere(db, kept.flatMap((name) => cases[name]!.texts));
    expect(Object.keys(keptTexts).length).toBeGreaterThan(0);

    const customers = await db.selectFrom('customers').select(['id', 'external_id', 'display_name', 'state', 'anonymised_at']).where('id', 'in', [alice.id, bob.id, carol.id]).orderBy('id').execute();
    expect(customers[0]).toMatchObject({ external_id: alice.external_id, state: { v: 1, locale: 'en' }, anonymised_at: null });
    expect(customers[1]).toMatchObject({ external_id: `anonymised:${bob.id}`, display_name: null, state: {}, anonymised_at: NOW });
    expect(customers[2]).toMatchObject({ external_id: carol.external_id, state: intakeState(carolDraft, daysAgo(2)) });
    expect(await findAnywhere(db, ['Bob Abandoned', '+447700111222', 'bob-receipt.pdf'])).toEqual({});
    expect(await db.selectFrom('attachments').select('id').where('id', 'in', [carolFile, keptLaterFile]).execute()).toHaveLength(2);
    expect((await db.selectFrom('webchat_messages').select('payload').execute()).map((r) => r.payload)).toEqual([{ text: 'recent line' }]);
    expect((await db.selectFrom('outbox').select(['status', 'payload']).where('customer_id', '=', carol.id).orderBy('id').execute()).map((r) => r.status)).toEqual(['sent', 'pending']);
    expect((await db.selectFrom('campaign_marks').select('customer_id').where('campaign_id', '=', campaign.id).execute()).map((r) => r.customer_id)).toEqual([carol.id]);
    expect((await db.selectFrom('inbound_deliveries').select('delivery_id').where('channel', '=', 'telegram').execute()).map((r) => r.delivery_id)).toEqual(['new-update']);

    // What it did is logged as counts only.
    const line = app.logs.find((l) => l.msg === 'retention run finished');
    expect(line).toMatchObject({ casesAnonymised: 3, identitiesAnonymised: 1 });
    const logged = JSON.stringify(app.logs);
    for (const text of [...expired.flatMap((name) => cases[name]!.texts), 'Bob Abandoned', bob.external_id]) expect(logged).not.toContain(text);

    // A second run on the same day finds nothing more.
    const again = await app.privacy.runRetention();
    expect(Object.values(again).every((n) => n === 0)).toBe(true);

    // A day later the case closed 1094 days ago has expired too.
    clockNow = new Date(NOW.getTime() + 2 * DAY);
    expect((await app.privacy.runRetention()).casesAnonymised).toBe(1);
    expect(await db.selectFrom('cases').select('anonymised_at').where('id', '=', cases.closedRecently!.row.id).executeTakeFirstOrThrow()).toEqual({ anonymised_at: clockNow });
  });
});

describe('retention schedule', () => {
  it('runs the job once a day at the configured time, on pg-boss time', async () => {
    const timerClock = new TestClock('2030-01-10T03:00:00Z');
    const scheduled = await startTestApp({ POLICY_FILE: policyFile({ timezone: 'UTC' }) }, { timerClock, clock: () => new Date(timerClock.now()) });
    const runs = () => scheduled.logs.filter((l) => l.msg === 'retention run finished').map((l) => l.at);
    const tickUntil = async (ms: number) => {
      for (let waited = 0; waited < ms; waited += 60_000) {
        await timerClock.tick(60_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    try {
      await tickUntil(60_000);
      expect(runs()).toEqual([]);
      await timerClock.setTime('2030-01-10T03:29:30Z');
      await tickUntil(60_000);
      await expect.poll(runs, { timeout: 15_000 }).toHaveLength(1);
      expect(Date.parse(String(runs()[0]))).toBeGreaterThanOrEqual(Date.parse('2030-01-10T03:30:00Z'));
      await timerClock.setTime('2030-01-11T03:29:30Z');
      await tickUntil(60_000);
      await expect.poll(runs, { timeout: 15_000 }).toHaveLength(2);
    } finally {
      await scheduled.stop();
    }
  }, 120_000);
});

function intakeState(draft: Record<string, unknown>, lastActivity: Date) {
  const at = lastActivity.toISOString();
  return { v: 1, locale: 'en', intake: { id: '1', step: 'category', history: [], draft, misses: 0, editing: false, startedAt: at, lastActivityAt: at, reminded: false } };
}
