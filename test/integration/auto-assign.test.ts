import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import type { NewCaseRow } from '../../src/db/schema.ts';
import { pickAssignee } from '../../src/staff/auto-assign.ts';

let database: DatabaseHandle;
let customerId: number;
let seq = 0;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(database.db);
  customerId = (await database.db.insertInto('customers').values({ channel: 'webchat', external_id: 'v1', address: '{}', display_name: null, locale: 'en', state: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await database?.close();
});

const CASE_DEFAULTS = {
  channel: 'webchat',
  locale: 'en',
  severity: 'general',
  severity_reasons: '[]',
  category: null,
  description: null,
  when_where: null,
  order_ref: null,
  desired_resolution: null,
  evidence: '[]',
  contact_name: null,
  contact_phone: null,
  contact_email: null,
  consent_given: false,
  consent_version: null,
  consent_at: null,
  opened_via: 'intake',
  first_responded_at: null,
  resolved_at: null,
  closed_at: null,
} satisfies Partial<NewCaseRow>;

async function addCase(team: string, owner: string | null, status = 'assigned'): Promise<number> {
  seq += 1;
  const now = new Date();
  const row = await database.db
    .insertInto('cases')
    .values({
      ...CASE_DEFAULTS,
      number: `C-2026-${String(seq).padStart(6, '0')}`,
      customer_id: customerId,
      status,
      owner,
      team,
      first_response_due_at: now,
      resolution_due_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const pick = (team: string, members: string[], strategy: 'round_robin' | 'least_loaded' | 'claim', caseId: number) =>
  database.db.transaction().execute((trx) => pickAssignee(trx, { team, members, strategy, caseId }));

describe('auto-assignment', () => {
  it('goes round robin after whoever got the team’s last case', async () => {
    const members = ['U0A', 'U0B', 'U0C'];
    const owners: Array<string | undefined> = [];
    for (let i = 0; i < 4; i += 1) {
      const caseId = await addCase('rr', null, 'new');
      const owner = await pick('rr', members, 'round_robin', caseId);
      owners.push(owner);
      await database.db.updateTable('cases').set({ owner: owner ?? null }).where('id', '=', caseId).execute();
    }
    expect(owners).toEqual(['U0A', 'U0B', 'U0C', 'U0A']);
  });

  it('goes to the member with the fewest open cases, ties to the earlier member', async () => {
    await addCase('ll', 'U0X');
    await addCase('ll', 'U0X');
    await addCase('other-team', 'U0Y');
    await addCase('ll', 'U0Z', 'resolved');
    await addCase('ll', 'U0Z', 'closed');
    expect(await pick('ll', ['U0X', 'U0Y', 'U0Z'], 'least_loaded', await addCase('ll', null, 'new'))).toBe('U0Z');
    await addCase('ll', 'U0Z');
    expect(await pick('ll', ['U0X', 'U0Y', 'U0Z'], 'least_loaded', await addCase('ll', null, 'new'))).toBe('U0Y');
  });

  it('assigns nobody when the team works by claim', async () => {
    expect(await pick('claimers', ['U0A'], 'claim', await addCase('claimers', null, 'new'))).toBeUndefined();
  });
});
