import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentsChannel, AgentsConfigurationError } from '../../adapters/agents/agents.adapter.ts';
import type { AppContext } from '../../adapters/channel-module.ts';
import { createActivity, postActivity } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeBotOpenId } from '../support/fake-bot-openid.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Teams / Bot Framework on the Microsoft 365 Agents SDK (BOTFRAMEWORK_SDK=agents):
 * the SDK's JWT validation against a local token service, and never open
 * without a client id unless the operator asked for the Emulator.
 */

const appId = '00000000-0000-0000-0000-0000000a6e27';
const tenant = '11111111-2222-3333-4444-555555555555';
const connector = new FakeBotConnector();
const openId = new FakeBotOpenId();
let secured: TestApp;

beforeAll(async () => {
  await connector.start();
  await openId.start(['msteams']);
  // The SDK's own setting names; authorityEndpoint points its key lookup at the local token service.
  secured = await startTestApp({ BOTFRAMEWORK_SDK: 'agents', clientId: appId, clientSecret: 'not-a-real-secret', tenantId: tenant, authorityEndpoint: openId.url });
});
afterAll(async () => {
  await secured?.stop();
  await openId.stop();
  await connector.stop();
});

const teamsMessage = () => {
  const conversation = `a:conv-${randomUUID()}`;
  return createActivity(connector.url, { id: `29:user-${randomUUID()}` }, conversation, { text: 'hello', channelId: 'msteams', conversation: { id: conversation, conversationType: 'personal' } });
};
const deliveriesOf = (app: TestApp, activity: Record<string, unknown>) =>
  app.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('delivery_id', 'like', `%:${String(activity.id)}`).execute();
const token = (claims: Record<string, unknown> = {}, audience = appId, serviceUrl = connector.url) => openId.sign(audience, serviceUrl, { iss: openId.tenantIssuer(tenant), ...claims });
const refusals = (app: TestApp) => app.logs.filter((l) => l.msg === 'bot framework request refused');

describe('Agents SDK with a client id', () => {
  it('is on, on the Agents SDK, with JWT authentication', () => {
    expect(secured.logs.find((l) => l.msg === 'bot framework channel on')).toMatchObject({ sdk: 'agents', authentication: 'jwt' });
    const started = secured.logs.find((l) => l.msg === 'hearken started') as { channels: string[]; off: string[] };
    expect(started.channels).toEqual(['webchat', 'botframework']);
    expect(started.off.filter((o) => o.startsWith('botframework'))).toEqual([]);
  });

  it('accepts an activity with a valid token for this bot and handles it', async () => {
    const activity = teamsMessage();
    const res = await postActivity(secured.url, activity, token());
    expect(res.status).toBe(200);
    expect(await deliveriesOf(secured, activity)).toHaveLength(1);
    const conversationId = (activity.conversation as { id: string }).id;
    const customer = await secured.database.db.selectFrom('customers').select('address').where('external_id', '=', `msteams:conversation:${conversationId}`).executeTakeFirstOrThrow();
    expect(customer.address).toMatchObject({ serviceUrl: connector.url, user: { id: (activity.from as { id: string }).id } });
  });

  it('refuses with 401, handling nothing and logging one line each, tokens that are wrong in any way', async () => {
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      none: undefined,
      garbage: 'Bearer not.a.jwt',
      otherScheme: 'Basic dXNlcjpwYXNz',
      otherKey: openId.sign(appId, connector.url, { iss: openId.tenantIssuer(tenant) }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      otherAudience: token({}, '00000000-0000-0000-0000-000000000002'),
      expired: token({ nbf: now - 7200, iat: now - 7200, exp: now - 3600 }),
      otherServiceUrl: token({}, appId, 'https://smba.trafficmanager.net/emea/'),
      // Signed with the right key (Entra's keys are shared across tenants), but issued for another tenant.
      otherTenant: token({ iss: openId.tenantIssuer('99999999-2222-3333-4444-555555555555') }),
    };
    const before = refusals(secured).length;
    for (const [why, authorization] of Object.entries(refused)) {
      const activity = teamsMessage();
      const res = await postActivity(secured.url, activity, authorization);
      expect({ why, status: res.status }).toEqual({ why, status: 401 });
      expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: 'The request could not be authenticated.' } });
      expect(await deliveriesOf(secured, activity)).toEqual([]);
    }
    const lines = refusals(secured).slice(before);
    expect(lines).toHaveLength(Object.keys(refused).length);
    for (const line of lines) {
      expect(line).toMatchObject({ channel: 'botframework', status: 401, reason: expect.stringMatching(/^(no_token|token_refused)$/) });
      expect(JSON.stringify(line)).not.toMatch(/Bearer|eyJ|hello/);
    }
  });

  it('answers a body that is not an activity with 400', async () => {
    const res = await fetch(`${secured.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token() }, body: '{"text":"hi"}' });
    expect(res.status).toBe(400);
  });
});

describe('Agents SDK without a client id: never open', () => {
  it('keeps the channel off without clientId and without BOTFRAMEWORK_EMULATOR: /api/messages answers nothing', async () => {
    const app = await startTestApp({ BOTFRAMEWORK_SDK: 'agents' });
    try {
      expect(app.logs.find((l) => l.msg === 'hearken started')).toMatchObject({ channels: ['webchat'], off: expect.arrayContaining(['botframework (no clientId)']) });
      const activity = createActivity('http://127.0.0.1:9/', { id: 'u1' }, `c-${randomUUID()}`, { text: 'hi' });
      expect((await postActivity(app.url, activity)).status).toBe(404);
      expect(await deliveriesOf(app, activity)).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it('refuses to start with a secret or tenant but no client id', async () => {
    await expect(startTestApp({ BOTFRAMEWORK_SDK: 'agents', clientSecret: 'a-secret', tenantId: tenant })).rejects.toThrow(/clientId: a secret or tenant is set without clientId/);
  });

  it('refuses to start with botbuilder-only token settings, which the Agents SDK would ignore', async () => {
    await expect(startTestApp({ BOTFRAMEWORK_SDK: 'agents', clientId: appId, BOTFRAMEWORK_OPENID_METADATA_URL: openId.metadataUrl })).rejects.toThrow(/BOTFRAMEWORK_OPENID_METADATA_URL: applies to BOTFRAMEWORK_SDK=botbuilder only/);
  });

  it('cannot be built open: no client id and no Emulator mode is refused', () => {
    expect(() => new AgentsChannel({} as AppContext, { emulator: false })).toThrow(AgentsConfigurationError);
  });

  it('in Emulator mode answers only an Emulator on this machine', async () => {
    const app = await startTestApp({ BOTFRAMEWORK_SDK: 'agents', BOTFRAMEWORK_EMULATOR: 'true' });
    try {
      expect(app.logs.find((l) => l.msg === 'bot framework channel on')).toMatchObject({ sdk: 'agents', authentication: 'none (emulator, loopback only)' });
      const remote = createActivity('https://smba.trafficmanager.net/teams/', { id: 'u1' }, `c-${randomUUID()}`, { text: 'hi' });
      const res = await postActivity(app.url, remote);
      expect(res.status).toBe(401);
      expect(await deliveriesOf(app, remote)).toEqual([]);
      expect(refusals(app)).toEqual([expect.objectContaining({ status: 401, reason: 'not_local' })]);
    } finally {
      await app.stop();
    }
  });

  it('refuses the Emulator mode in production, as the SDK requires a client id there', async () => {
    await expect(startTestApp({ BOTFRAMEWORK_SDK: 'agents', BOTFRAMEWORK_EMULATOR: 'true', NODE_ENV: 'production' })).rejects.toThrow(/BOTFRAMEWORK_EMULATOR: without clientId it is refused in production/);
  });
});
