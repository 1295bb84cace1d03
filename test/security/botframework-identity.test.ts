import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.ts';
import { BotFrameworkCustomer, createActivity, postActivity } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeBotOpenId } from '../support/fake-bot-openid.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 19 item 3: a Bot Framework customer is who the channel vouches for
 * (Teams: tenant + Azure AD object id; elsewhere: the conversation), not
 * from.id, and a stored reply address never moves to another conversation.
 */

const connector = new FakeBotConnector();
let app: TestApp;

beforeAll(async () => {
  await connector.start();
  app = await startTestApp({ BOTFRAMEWORK_SDK: 'botbuilder', BOTFRAMEWORK_EMULATOR: 'true' });
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

const caseNumberIn = (text: string) => /C-\d{4}-\d{6}/.exec(text)![0];
const allText = (replies: Array<{ text: string }>) => replies.map((r) => r.text).join('\n');
const addressOf = async (a: TestApp, externalId: string) =>
  (await a.database.db.selectFrom('customers').select('address').where('channel', '=', 'botframework').where('external_id', '=', externalId).executeTakeFirstOrThrow()).address as {
    conversation: { id: string };
  };

async function victimWithCase() {
  const victim = new BotFrameworkCustomer(connector, () => app, { id: `user-${randomUUID()}`, name: 'Victor Victim' });
  await victim.say('hi');
  const number = caseNumberIn((await victim.say('talk to a person')).at(-1)!.text);
  return { victim, number };
}

describe('Direct Line / Web Chat / Emulator: the conversation is the customer', () => {
  it("a message from another conversation with the victim's from.id neither sees their cases nor takes their reply address", async () => {
    const { victim, number } = await victimWithCase();
    const attacker = new BotFrameworkCustomer(connector, () => app, { id: victim.user.id, name: 'Mallory' });
    expect(attacker.conversationId).not.toBe(victim.conversationId);
    const status = await attacker.say('status');
    expect(allText(status)).not.toContain(number);
    expect(status.at(-1)!.text).toContain('You have no complaints with us yet');

    expect((await addressOf(app, victim.externalId)).conversation.id).toBe(victim.conversationId);
    const victimStatus = await victim.say('status');
    expect(victimStatus.at(-1)!.text).toContain(number);
    expect(connector.sentTo(victim.conversationId).at(-1)!.activity.text).toContain(number);
  });

  it('the migration rekeys customers stored under the old from.id identity, so they keep their cases', async () => {
    const { victim, number } = await victimWithCase();
    const db = app.database.db as unknown as Kysely<any>;
    // As hearken stored them before: `<channelId>:<from.id>`, plus a second old row (another from.id) in the same conversation.
    await db.updateTable('customers').set({ external_id: `emulator:${victim.user.id}` }).where('external_id', '=', victim.externalId).execute();
    const { address } = await db.selectFrom('customers').select('address').where('external_id', '=', `emulator:${victim.user.id}`).executeTakeFirstOrThrow();
    await db
      .insertInto('customers')
      .values({ channel: 'botframework', external_id: `emulator:later-${randomUUID()}`, address: JSON.stringify(address), locale: 'en', state: JSON.stringify({}) })
      .execute();

    await migrations['2026-11-29T1100_s-files_botframework_identity']!.up(db);

    const rows = await db.selectFrom('customers').select(['external_id']).where('address', '@>', JSON.stringify({ conversation: { id: victim.conversationId } })).orderBy('id').execute();
    expect(rows.map((r) => r.external_id)).toEqual([victim.externalId, expect.stringMatching(/^emulator:later-/)]);
    expect((await victim.say('status')).at(-1)!.text).toContain(number);
  });
});

// Both SDKs that can serve /api/messages key Teams customers the same way.
for (const sdk of ['botbuilder', 'agents'] as const) {
  describe(`Teams: the tenant and the Azure AD object id are the customer (${sdk})`, () => {
    const appId = '00000000-0000-0000-0000-00000000cafe';
    const openId = new FakeBotOpenId();
    const entraTenant = '11111111-2222-3333-4444-55555555cafe';
    let teams: TestApp;
    beforeAll(async () => {
      await openId.start(['msteams']);
      teams = await startTestApp(
        sdk === 'botbuilder'
          ? { BOTFRAMEWORK_SDK: sdk, MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-password', BOTFRAMEWORK_OPENID_METADATA_URL: openId.metadataUrl }
          : { BOTFRAMEWORK_SDK: sdk, clientId: appId, clientSecret: 'not-a-real-secret', tenantId: entraTenant, authorityEndpoint: openId.url },
      );
    });
    afterAll(async () => {
      await teams?.stop();
      await openId.stop();
    });

    const tenant = `tenant-${randomUUID()}`;
    const post = async (fromId: string, aadObjectId: string, conversationId: string) => {
      const activity = createActivity(connector.url, { id: fromId }, conversationId, {
        channelId: 'msteams',
        from: { id: fromId, aadObjectId, role: 'user' },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant },
        text: 'hello',
      });
      const res = await postActivity(teams.url, activity, openId.sign(appId, connector.url, sdk === 'agents' ? { iss: openId.tenantIssuer(entraTenant) } : {}));
      expect(res.status).toBe(200);
    };

    it('keys on tenant + AAD object id; another person with the same from.id is someone else', async () => {
      const fromId = `29:${randomUUID()}`;
      const [alice, mallory] = [randomUUID(), randomUUID()];
      await post(fromId, alice, `a:${randomUUID()}`);
      await post(fromId, mallory, `a:${randomUUID()}`);
      const rows = await teams.database.db.selectFrom('customers').select('external_id').where('external_id', 'like', `msteams:${tenant}:%`).execute();
      expect(rows.map((r) => r.external_id).sort()).toEqual([`msteams:${tenant}:${alice}`, `msteams:${tenant}:${mallory}`].sort());
    });

    it('does not move the stored conversation of a known person to another conversation, and logs that it did not', async () => {
      const aad = randomUUID();
      const first = `a:${randomUUID()}`;
      await post(`29:${randomUUID()}`, aad, first);
      await post(`29:${randomUUID()}`, aad, `a:${randomUUID()}`);
      expect((await addressOf(teams, `msteams:${tenant}:${aad}`)).conversation.id).toBe(first);
      expect(teams.logs.filter((l) => String(l.msg).startsWith('bot framework message from another conversation'))).toHaveLength(1);
    });
  });
}
