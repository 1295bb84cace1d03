import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import { BotFrameworkCustomer, createActivity, postActivity } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeBotOpenId } from '../support/fake-bot-openid.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const connector = new FakeBotConnector();
let app: TestApp;

beforeAll(async () => {
  await connector.start();
});
afterAll(async () => {
  await connector.stop();
});

const customer = (extra: { channelId?: string } = {}) => new BotFrameworkCustomer(connector, () => app, { id: `user-${randomUUID()}`, name: 'Alice Example' }, 'en-US', extra);
const outboxOf = (c: BotFrameworkCustomer) =>
  app.database.db.selectFrom('outbox').selectAll().where('conversation_key', '=', `botframework:${c.externalId}`).orderBy('id').execute();

async function customerWithCase() {
  const c = customer();
  await c.say('hi');
  const replies = await c.say('talk to a person');
  const number = /C-\d{4}-\d{6}/.exec(replies.at(-1)!.text)![0];
  const row = await app.database.db.selectFrom('cases').select(['id', 'customer_id']).where('number', '=', number).executeTakeFirstOrThrow();
  return { c, caseId: row.id, customerId: row.customer_id };
}

// Both SDKs that can serve /api/messages (BOTFRAMEWORK_SDK) behave the same on the wire.
for (const sdk of ['botbuilder', 'agents'] as const) {
  describe(`served by ${sdk}`, () => {
    beforeAll(async () => {
      app = await startTestApp({ BOTFRAMEWORK_SDK: sdk, BOTFRAMEWORK_EMULATOR: 'true' });
    });
    afterAll(async () => {
      await app?.stop();
    });

    describe(`Bot Framework /api/messages (Emulator, no app id, ${sdk})`, () => {
      it('answers a body without a type with 400, and malformed JSON with 400', async () => {
        const c = customer();
        const noType = c.activity({ text: 'hi' });
        delete noType.type;
        expect((await postActivity(app.url, noType)).status).toBe(400);
        const malformed = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
        expect(malformed.status).toBe(400);
        expect(connector.sentTo(c.conversationId)).toEqual([]);
      });

      it('refuses an unauthenticated activity whose serviceUrl is not on this machine', async () => {
        const res = await postActivity(app.url, createActivity('https://smba.trafficmanager.net/teams/', { id: 'u1' }, 'c1', { text: 'hi' }));
        expect(res.status).toBe(401);
      });

      it('stores the conversation reference and replies from the outbox to the conversation, not to the turn', async () => {
        const c = customer();
        const replies = await c.say('The washing machine leaks water from the door after two weeks.');
        expect(replies.at(-1)!.text).toContain('It sounds like a problem with product quality');
        const customerRow = await app.database.db.selectFrom('customers').selectAll().where('external_id', '=', c.externalId).executeTakeFirstOrThrow();
        expect(customerRow.address).toMatchObject({
          channelId: 'emulator',
          serviceUrl: connector.url,
          conversation: { id: c.conversationId },
          user: { id: c.user.id },
          bot: { id: 'hearken-bot' },
        });
        const [sent] = connector.sentTo(c.conversationId);
        expect(sent!.activity).toMatchObject({ type: 'message', from: { id: 'hearken-bot' }, recipient: { id: c.user.id }, conversation: { id: c.conversationId } });
        expect(sent!.activity.suggestedActions.actions[0]).toMatchObject({ type: 'messageBack', title: "Yes, that's it", value: { hearkenChoice: 'opt:product_quality' } });
      });

      it('delivers a later message (a staff reply) from the stored reference alone', async () => {
        const { c, caseId, customerId } = await customerWithCase();
        const { address } = await app.database.db.selectFrom('customers').select('address').where('id', '=', customerId).executeTakeFirstOrThrow();
        await enqueueOutbound(app.database.db, [{ customerId, caseId, channel: 'botframework', conversationKey: `botframework:${c.externalId}`, address, payload: { text: 'We have refunded your order.' } }]);
        app.outbox.kick();
        const replies = await c.replies();
        expect(replies.map((r) => r.text)).toEqual(['We have refunded your order.']);
      });

      it('greets the person added to the conversation with the welcome, once: not for the bot joining, not again on redelivery', async () => {
        const welcome = app.catalog.t('en', 'messages.welcome');
        // Web Chat (Direct Line): the bot joins, then the user.
        const c = customer();
        expect(await c.post(c.activity({ type: 'conversationUpdate', membersAdded: [{ id: 'hearken-bot', name: 'hearken' }] }))).toEqual([]);
        const joined = c.activity({ type: 'conversationUpdate', membersAdded: [{ id: c.user.id, name: 'Alice Example' }] });
        const replies = await c.post(joined);
        expect(replies).toHaveLength(1);
        expect(replies[0]!.text).toContain(welcome);
        expect(replies[0]!.text).toContain('tell me what happened');
        expect(connector.sentTo(c.conversationId)[0]!.activity).toMatchObject({ recipient: { id: c.user.id }, conversation: { id: c.conversationId } });
        expect(await c.post(joined)).toEqual([]);
        expect((await c.say('The washing machine leaks water from the door after two weeks.')).at(-1)!.text).toContain('It sounds like a problem with');
        // Opening the chat again mid-intake repeats the pending question, not the welcome.
        const again = await c.post(c.activity({ type: 'conversationUpdate', membersAdded: [{ id: c.user.id }] }));
        expect(again.map((r) => r.text)).toEqual([expect.stringContaining('It sounds like a problem with')]);

        // The Emulator: bot and user in one activity, one greeting.
        const e = customer();
        const both = await e.post(e.activity({ type: 'conversationUpdate', membersAdded: [{ id: 'hearken-bot' }, { id: e.user.id, name: 'User' }] }));
        expect(both).toHaveLength(1);
        expect(both[0]!.text).toContain(welcome);
      });

      it('ignores activities that are not messages, people leaving, and group conversations', async () => {
        const c = customer();
        expect((await postActivity(app.url, c.activity({ type: 'typing' }))).status).toBe(200);
        expect((await postActivity(app.url, c.activity({ type: 'conversationUpdate', membersRemoved: [{ id: c.user.id }] }))).status).toBe(200);
        expect((await postActivity(app.url, c.activity({ type: 'conversationUpdate', membersAdded: [{ id: c.user.id }], conversation: { id: 'group-2', isGroup: true } }))).status).toBe(200);
        expect((await postActivity(app.url, c.activity({ text: 'hello all', conversation: { id: 'group-1', isGroup: true } }))).status).toBe(200);
        const rows = await app.database.db.selectFrom('customers').selectAll().where('external_id', 'in', [c.externalId, 'emulator:conversation:group-1', 'emulator:conversation:group-2']).execute();
        expect(rows).toEqual([]);
      });

      it('renders choices for Teams as hero-card buttons, six to a card', async () => {
        const c = customer({ channelId: 'msteams' });
        const replies = await c.say('The washing machine leaks water from the door after two weeks.');
        const activity = connector.sentTo(c.conversationId).at(-1)!.activity;
        expect(activity.suggestedActions).toBeUndefined();
        const cards = activity.attachments.filter((a: { contentType: string }) => a.contentType === 'application/vnd.microsoft.card.hero');
        expect(cards.length).toBeGreaterThanOrEqual(1);
        for (const card of cards) expect(card.content.buttons.length).toBeLessThanOrEqual(6);
        expect(replies.at(-1)!.choices.map((x) => x.value)).toContain('opt:product_quality');
      });
    });

    describe(`Bot Framework delivery through the outbox (${sdk})`, () => {
      it('waits out a 429 Retry-After and then delivers the message exactly once', async () => {
        const c = customer();
        connector.failNext(429, { headers: { 'retry-after': '1' }, match: (a) => a.conversation?.id === c.conversationId });
        const replies = await c.say('hello');
        expect(replies).toHaveLength(1);
        const attempts = connector.calls.filter((call) => call.conversationId === c.conversationId);
        expect(attempts.map((a) => a.outcome)).toEqual([429, 'ok']);
        expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
        // The outbox retried (not the SDK): two attempts on the row.
        expect((await outboxOf(c))[0]).toMatchObject({ status: 'sent', attempts: 2 });
      });

      it('retries a 502 with backoff', async () => {
        const c = customer();
        connector.failNext(502, { match: (a) => a.conversation?.id === c.conversationId });
        const replies = await c.say('hello');
        expect(replies).toHaveLength(1);
        const attempts = connector.calls.filter((call) => call.conversationId === c.conversationId);
        expect(attempts.map((a) => a.outcome)).toEqual([502, 'ok']);
      });

      it('gives up when the user blocked the bot (403) and records it on the case', async () => {
        const { c, caseId } = await customerWithCase();
        connector.failNext(403, { match: (a) => a.conversation?.id === c.conversationId });
        await c.say('Any news?');
        const rows = await outboxOf(c);
        expect(rows.at(-1)).toMatchObject({ status: 'failed', attempts: 1 });
        const events = await app.database.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('action', '=', 'delivery_failed').execute();
        expect(events).toHaveLength(1);
        expect(events[0]!.details).toMatchObject({ channel: 'botframework' });
      });
    });
  });
}

describe('Bot Framework with an app id', () => {
  const appId = '00000000-0000-0000-0000-000000000001';
  // The channel's signing keys, published by a fake token service (BOTFRAMEWORK_OPENID_METADATA_URL).
  const openId = new FakeBotOpenId();
  let secured: TestApp;
  beforeAll(async () => {
    await openId.start(['msteams']);
    secured = await startTestApp({ BOTFRAMEWORK_SDK: 'botbuilder', MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-password', BOTFRAMEWORK_OPENID_METADATA_URL: openId.metadataUrl });
  });
  afterAll(async () => {
    await secured?.stop();
    await openId.stop();
  });

  const teamsMessage = () => createActivity(connector.url, { id: `29:user-${randomUUID()}` }, `a:conv-${randomUUID()}`, { text: 'hello', channelId: 'msteams', conversation: { id: `a:conv-${randomUUID()}`, conversationType: 'personal' } });
  const deliveriesOf = async (activity: Record<string, unknown>) =>
    secured.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('delivery_id', 'like', `%:${String(activity.id)}`).execute();

  it('accepts an activity with a token signed by the channel key for this bot, and handles it', async () => {
    const activity = teamsMessage();
    const res = await postActivity(secured.url, activity, openId.sign(appId, connector.url));
    expect(res.status).toBe(200);
    expect(await deliveriesOf(activity)).toHaveLength(1);
    const from = (activity.from as { id: string }).id;
    const conversationId = (activity.conversation as { id: string }).id;
    const customer = await secured.database.db.selectFrom('customers').select('address').where('external_id', '=', `msteams:conversation:${conversationId}`).executeTakeFirstOrThrow();
    expect(customer.address).toMatchObject({ serviceUrl: connector.url, user: { id: from } });
  });

  it('refuses with 401, handling nothing, a token signed by another key, for another bot, expired, or for another service URL', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused = {
      otherKey: openId.sign(appId, connector.url, {}, otherKey),
      otherAudience: openId.sign('00000000-0000-0000-0000-000000000002', connector.url),
      expired: openId.sign(appId, connector.url, { nbf: Math.floor(Date.now() / 1000) - 7200, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
      otherServiceUrl: openId.sign(appId, 'https://smba.trafficmanager.net/emea/'),
    };
    for (const [why, token] of Object.entries(refused)) {
      const activity = teamsMessage();
      const res = await postActivity(secured.url, activity, token);
      expect({ why, status: res.status }).toEqual({ why, status: 401 });
      expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: 'The request could not be authenticated.' } });
      expect(await deliveriesOf(activity)).toEqual([]);
    }
  });

  it('refuses a request without a JWT with 401 and handles nothing', async () => {
    const activity = createActivity(connector.url, { id: `user-${randomUUID()}` }, `conv-${randomUUID()}`, { text: 'hello', channelId: 'msteams' });
    const res = await postActivity(secured.url, activity);
    expect(res.status).toBe(401);
    expect(await deliveriesOf(activity)).toEqual([]);
  });

  it('refuses a request with a token that is not a valid JWT with 401', async () => {
    const activity = createActivity(connector.url, { id: `user-${randomUUID()}` }, `conv-${randomUUID()}`, { text: 'hello', channelId: 'msteams' });
    const res = await postActivity(secured.url, activity, 'Bearer not.a.jwt');
    expect(res.status).toBe(401);
  });

  it('is on without BOTFRAMEWORK_EMULATOR and says so', () => {
    expect(secured.logs.find((l) => l.msg === 'hearken started')).toMatchObject({ channels: ['webchat', 'botframework'] });
  });
});
