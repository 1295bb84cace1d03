import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCase } from '../../src/cases/case.repository.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ databaseUrl: await createTestDatabaseUrl(), dataDir: 'memory://' });
  await migrateToLatest(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

async function open(at: Date) {
  const customer = await handle.db
    .insertInto('customers')
    .values({ channel: 'webchat', external_id: `v-${at.getTime()}`, address: '{}', display_name: null, locale: 'en', state: '{}', updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return createCase(
    handle.db,
    {
      customer_id: customer.id,
      channel: 'webchat',
      locale: 'en',
      status: 'new',
      severity: 'minor',
      severity_reasons: '[]',
      evidence: '[]',
      consent_given: false,
      opened_via: 'intake',
      first_response_due_at: at,
      resolution_due_at: at,
      resolution_window_started_at: at,
      created_at: at,
      updated_at: at,
    },
    { actor: `customer:${customer.id}`, details: { severity: 'minor' } },
  );
}

it('numbers cases C-YYYY-NNNNNN from the sequence (wider past a million) and records the created event in the same statement', async () => {
  const first = await open(new Date('2026-03-01T10:00:00Z'));
  const second = await open(new Date('2027-01-02T10:00:00Z'));
  expect(first.number).toBe('C-2026-000001');
  expect(second.number).toBe('C-2027-000002');
  await sql`ALTER SEQUENCE case_number_seq RESTART WITH 1234567`.execute(handle.db);
  expect((await open(new Date('2027-01-03T10:00:00Z'))).number).toBe('C-2027-1234567');

  const events = await handle.db.selectFrom('case_events').select(['case_id', 'at', 'actor', 'action', 'to_value', 'details']).where('case_id', '=', first.id).execute();
  expect(events).toEqual([
    { case_id: first.id, at: new Date('2026-03-01T10:00:00Z'), actor: `customer:${first.customer_id}`, action: 'created', to_value: 'new', details: { severity: 'minor' } },
  ]);
});
