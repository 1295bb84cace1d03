import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ANONYMISED_QUEUE } from '../../src/privacy/privacy.service.ts';
import { runRetention, type RetentionBatch } from '../../src/privacy/retention.ts';
import { createCase, createCustomer } from '../support/privacy-fixtures.ts';
import { policyFile } from '../support/policy-file.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The retention run works in bounded batches, one short transaction each
 * (issue #17: at a million cases no batch may hold its locks long): cases
 * and identities are taken `batchSize` at a time, each batch's audit events
 * and case-anonymised notices written inside its transaction, and a stop
 * request ends the run after the batch under way.
 */
const DAY = 86_400_000;
const NOW = new Date('2030-01-10T03:30:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ POLICY_FILE: policyFile({ timezone: 'UTC' }) }, { clock: () => NOW });
});
afterAll(async () => {
  await app?.stop();
});

describe('retention batches', () => {
  it('anonymises seven expired cases and their customers in batches of three, with one event and one notice per case', async () => {
    const db = app.database.db;
    const expired: number[] = [];
    const customers: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const customer = await createCustomer(db, { updated_at: daysAgo(1000) });
      const fixture = await createCase(db, customer, { status: 'closed', created_at: daysAgo(1200), resolved_at: daysAgo(1150), closed_at: daysAgo(1140) });
      expired.push(fixture.row.id);
      customers.push(customer.id);
    }
    // The last customer's pending survey question names its expired case: it goes with the case.
    await db
      .updateTable('customers')
      .set({ state: JSON.stringify({ v: 1, locale: 'en', survey: { caseId: expired[6], step: 'csat' } }) })
      .where('id', '=', customers[6]!)
      .execute();
    const keeper = await createCustomer(db, { updated_at: daysAgo(1) });
    const fresh = await createCase(db, keeper, { status: 'new', created_at: daysAgo(3) });

    const batches: RetentionBatch[] = [];
    let held = 0;
    const report = await runRetention(
      {
        db,
        policy: app.policy,
        logger: app.logger,
        hooks: [],
        notify: (trx, notice) => app.timers.schedule(trx, CASE_ANONYMISED_QUEUE, notice, NOW),
        notices: {
          hold: (trx) => {
            held += 1;
            app.timers.holdIn(trx);
          },
          flush: (trx) => app.timers.flush(trx),
        },
      },
      NOW,
      { batchSize: 3, onBatch: (b) => batches.push(b) },
    );

    expect(report.casesAnonymised).toBe(7);
    expect(report.identitiesAnonymised).toBe(7);
    expect(batches.map((b) => [b.kind, b.rows])).toEqual([
      ['cases', 3],
      ['cases', 3],
      ['cases', 1],
      ['identities', 3],
      ['identities', 3],
      ['identities', 1],
    ]);
    expect(held).toBe(6);
    for (const b of batches) expect(b.ms).toBeGreaterThan(0);

    const rows = await db.selectFrom('cases').select(['id', 'anonymised_at']).where('id', 'in', [...expired, fresh.row.id]).execute();
    for (const row of rows) expect(row.anonymised_at === null).toBe(row.id === fresh.row.id);
    const events = await db.selectFrom('case_events').select('case_id').where('action', '=', 'anonymised').where('case_id', 'in', expired).execute();
    expect(events.map((e) => e.case_id).sort((a, b) => a - b)).toEqual([...expired].sort((a, b) => a - b));
    const state = await db.selectFrom('customers').select('state').where('id', '=', customers[6]!).executeTakeFirstOrThrow();
    expect((state.state as Record<string, unknown>).survey).toBeUndefined();
    const { rows: jobs } = await sql<{ n: string }>`SELECT count(*) AS n FROM pgboss.job WHERE name = ${CASE_ANONYMISED_QUEUE}`.execute(db);
    expect(Number(jobs[0]!.n)).toBe(7);
  });

  it('stops after the batch under way when asked; the next run goes on', async () => {
    const db = app.database.db;
    for (let i = 0; i < 4; i += 1) {
      const customer = await createCustomer(db, { updated_at: daysAgo(1) });
      await createCase(db, customer, { status: 'closed', created_at: daysAgo(1200), resolved_at: daysAgo(1150), closed_at: daysAgo(1140) });
    }
    const deps = { db, policy: app.policy, logger: app.logger, hooks: [], notify: async () => undefined };
    const stop = new AbortController();
    const first = await runRetention(deps, NOW, { batchSize: 2, signal: stop.signal, onBatch: () => stop.abort() });
    expect(first.casesAnonymised).toBe(2);
    const second = await runRetention(deps, NOW, { batchSize: 2 });
    expect(second.casesAnonymised).toBe(2);
  });
});
