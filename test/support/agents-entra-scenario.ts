/**
 * Run by test/e2e/agents-entra.test.ts inside a private network and mount
 * namespace, where login.microsoftonline.com is 127.0.0.1 (a hosts file) and
 * this process trusts the fake's certificate (NODE_EXTRA_CA_CERTS): the
 * Agents SDK and MSAL run unmodified with the production default authority.
 *
 * A Teams customer writes; hearken's replies go out through the outbox
 * (continueConversation, the SDK's connector client), whose token MSAL gets
 * from the fake Entra with the client credentials. The first token requests
 * fail (ENTRA_FAILURES, with ENTRA_FAILURE_STATUS); the outbox is awaited
 * SCENARIO_OUTBOX_WAIT_MS at most. Prints one line: `RESULT <json>`.
 */
import { randomUUID } from 'node:crypto';
import { createActivity, postActivity } from './botframework-customer.ts';
import { FakeBotConnector } from './fake-bot-connector.ts';
import { FakeBotOpenId } from './fake-bot-openid.ts';
import { ENTRA_HOST, FakeEntra } from './fake-entra.ts';
import { waitForOutboxIdle } from './outbox-idle.ts';
import { startTestApp } from './test-app.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const appId = env('SCENARIO_CLIENT_ID');
const tenant = env('SCENARIO_TENANT_ID');
const secret = env('SCENARIO_CLIENT_SECRET');

const openId = new FakeBotOpenId();
const entra = new FakeEntra({ key: env('ENTRA_KEY'), cert: env('ENTRA_CERT'), clientSecret: secret, jwks: () => openId.jwks(['msteams']), host: ENTRA_HOST, port: 443 });
const connector = new FakeBotConnector();
await entra.start();
await connector.start();
const failures = Number(process.env.ENTRA_FAILURES ?? '0');
if (failures > 0) entra.failNext(Number(process.env.ENTRA_FAILURE_STATUS ?? '503'), failures);

// The SDK's own setting names, and no authorityEndpoint: the default, https://login.microsoftonline.com.
const app = await startTestApp({ BOTFRAMEWORK_SDK: 'agents', clientId: appId, clientSecret: secret, tenantId: tenant });
try {
  const conversationId = `a:conv-${randomUUID()}`;
  const activity = createActivity(connector.url, { id: `29:user-${randomUUID()}` }, conversationId, { text: 'hello', channelId: 'msteams', conversation: { id: conversationId, conversationType: 'personal' } });
  // A channel token as Entra issues it for this tenant: the SDK fetches the tenant's keys from the fake over HTTPS.
  const token = openId.sign(appId, connector.url, { iss: `https://${ENTRA_HOST}/${tenant}/v2.0` });
  const inbound = await postActivity(app.url, activity, token);
  const customer = await app.database.db.selectFrom('customers').select('id').where('external_id', '=', `msteams:conversation:${conversationId}`).executeTakeFirst();
  const conversationKey = `botframework:msteams:conversation:${conversationId}`;
  let outboxIdle = true;
  try {
    await waitForOutboxIdle(app.database.db, conversationKey, Number(process.env.SCENARIO_OUTBOX_WAIT_MS ?? '60000'));
  } catch {
    outboxIdle = false;
  }
  const outbox = await app.database.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('conversation_key', '=', conversationKey).execute();
  const result = {
    inboundStatus: inbound.status,
    customerStored: Boolean(customer),
    outboxIdle,
    outbox,
    tokenRequests: entra.tokenRequests,
    deliveries: connector.calls.filter((c) => c.conversationId === conversationId).map((c) => ({ authorization: c.authorization ?? null, outcome: c.outcome, type: c.activity.type })),
    logs: app.logs,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} finally {
  await app.stop();
  await connector.stop();
  await entra.stop();
}
