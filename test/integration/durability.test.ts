import { describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../support/test-database.ts';
import { startTestApp, tempDataDir } from '../support/test-app.ts';
import { policyFile } from '../support/policy-file.ts';
import { lastText, WebchatClient } from '../support/webchat-client.ts';

/** Same database for two app lifetimes: a PGlite directory, or a PostgreSQL database in CI. */
async function persistentEnv(): Promise<Record<string, string>> {
  const url = await createTestDatabaseUrl();
  return url ? { DATABASE_URL: url } : { DATA_DIR: tempDataDir() };
}

describe('durability', () => {
  it('resumes a half-finished intake after a restart', async () => {
    const env = await persistentEnv();
    let app = await startTestApp(env);
    const chat = await WebchatClient.open(app.url);
    await chat.say('The installer scratched the kitchen floor badly.');
    await app.stop();

    app = await startTestApp(env);
    try {
      const resumed = new WebchatClient(app.url, chat.token);
      await resumed.fetch();
      const replies = await resumed.press('opt:delivery_installation');
      expect(lastText(replies)).toContain('When and where');
      const customer = await app.database.db.selectFrom('customers').select('state').executeTakeFirstOrThrow();
      expect((customer.state as any).intake.draft).toMatchObject({
        category: 'delivery_installation',
        description: 'The installer scratched the kitchen floor badly.',
      });
    } finally {
      await app.stop();
    }
  });

  it('delivers after a restart what was committed but not yet sent (crash between commit and delivery)', async () => {
    const env = await persistentEnv();
    let app = await startTestApp(env);
    await app.outbox.stop(); // the process "dies" before its outbox delivers
    const chat = await WebchatClient.open(app.url);
    const res = await chat.post({ text: 'hello' });
    expect(res.status).toBe(202);
    const pending = await app.database.db.selectFrom('outbox').select(['status']).execute();
    expect(pending).toEqual([{ status: 'pending' }]);
    expect((await chat.fetch()).filter((e) => e.direction === 'out')).toEqual([]);
    await app.stop();

    app = await startTestApp(env);
    try {
      // The reply was leased to the dead process for direct delivery: it falls due when the lease ends.
      const replies = await new WebchatClient(app.url, chat.token).replies(150, 25);
      expect(replies).toHaveLength(1);
      expect(lastText(replies)).toContain('tell me what happened');
      const rows = await app.database.db.selectFrom('outbox').select(['status', 'attempts']).execute();
      expect(rows).toEqual([{ status: 'sent', attempts: 2 }]);
    } finally {
      await app.stop();
    }
  });

  it('reminds an abandoned intake once, then expires it, on durable timers', async () => {
    const app = await startTestApp({ POLICY_FILE: policyFile({ intake: { reminderAfterSeconds: 1, expireAfterSeconds: 3 } }) });
    try {
      const chat = await WebchatClient.open(app.url);
      await chat.say('hello');
      const reminder = await chat.replies(100, 10);
      expect(reminder.map((r) => r.payload.text)).toEqual([expect.stringContaining("You started a complaint but didn't finish it. Shall we continue? Please tell me what happened")]);
      const expiry = await chat.replies(100, 10);
      expect(expiry.map((r) => r.payload.text)).toEqual([expect.stringContaining('has expired')]);
      const customer = await app.database.db.selectFrom('customers').select('state').executeTakeFirstOrThrow();
      expect((customer.state as any).intake).toBeUndefined();
      expect(await app.database.db.selectFrom('cases').select('id').execute()).toEqual([]);
      // Nothing more is sent for this intake.
      expect(await chat.fetch(2)).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
