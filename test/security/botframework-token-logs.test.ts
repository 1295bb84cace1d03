import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createActivity, postActivity } from '../support/botframework-customer.ts';
import { FakeBotOpenId } from '../support/fake-bot-openid.ts';
import { createTestDatabaseUrl } from '../support/test-database.ts';

/**
 * Issue 19 item 13: a refused Bot Framework token must not print the SDK's
 * stack traces (or its signing key) to stderr: one JSON log line per
 * refusal, nothing about the caller in it. Runs `src/main.ts` as a process,
 * so everything the SDK writes to the real stderr is seen.
 */

const appId = '00000000-0000-0000-0000-00000000f00d';
const tenant = '11111111-2222-3333-4444-55555555f00d';
const openId = new FakeBotOpenId();
const serviceUrl = 'https://smba.trafficmanager.net/emea/';
const children: Array<ReturnType<typeof spawn>> = [];

beforeAll(async () => {
  await openId.start(['msteams']);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await openId.stop();
});

async function until(check: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Both SDKs that can serve /api/messages; the Agents SDK's tokens name the tenant's issuer (its keys come from authorityEndpoint). */
const sdks: Record<string, () => { env: Record<string, string>; claims: Record<string, unknown> }> = {
  botbuilder: () => ({ env: { BOTFRAMEWORK_SDK: 'botbuilder', MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-password', BOTFRAMEWORK_OPENID_METADATA_URL: openId.metadataUrl }, claims: {} }),
  // The SDK's connection names, which the SDK also reads from the environment itself: hearken's settings (issuer validation) must still hold.
  agents: () => ({
    env: {
      BOTFRAMEWORK_SDK: 'agents',
      connections__serviceConnection__settings__clientId: appId,
      connections__serviceConnection__settings__clientSecret: 'not-a-real-secret',
      connections__serviceConnection__settings__tenantId: tenant,
      connections__serviceConnection__settings__authorityEndpoint: openId.url,
    },
    claims: { iss: openId.tenantIssuer(tenant) },
  }),
};

for (const [sdk, setup] of Object.entries(sdks)) {
  it(`refuses bad tokens with 401, one JSON log line each, and nothing on stderr (${sdk})`, async () => {
    let stdout = '';
    let stderr = '';
    const { env, claims } = setup();
    const databaseUrl = await createTestDatabaseUrl();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: 'memory://',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
    const refusals = () =>
      stdout
        .split('\n')
        .filter((line) => line.includes('bot framework request refused'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await until(() => /"url":"http:\/\/127\.0\.0\.1:\d+"/.test(stdout), () => `the app to start; ${output()}`);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stdout)![1]!;

    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      otherKey: openId.sign(appId, serviceUrl, claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      expired: openId.sign(appId, serviceUrl, { ...claims, nbf: now - 7200, iat: now - 7200, exp: now - 3600 }),
      otherAudience: openId.sign('00000000-0000-0000-0000-000000000bad', serviceUrl, claims),
      garbage: 'Bearer not.a.token',
      none: undefined,
      // Signed with the right key but issued for another tenant: refused only while issuer validation is on.
      otherTenant: openId.sign(appId, serviceUrl, { ...claims, ...(claims.iss ? { iss: openId.tenantIssuer('99999999-2222-3333-4444-55555555f00d') } : { iss: 'https://sts.windows.net/99999999-2222-3333-4444-55555555f00d/' }) }),
    };
    for (const [why, token] of Object.entries(tokens)) {
      const activity = createActivity(serviceUrl, { id: `29:${randomUUID()}`, name: 'Private Person' }, `a:${randomUUID()}`, { channelId: 'msteams', text: 'my phone is 555 0100' });
      const res = await postActivity(url, activity, token);
      expect({ why, status: res.status }).toEqual({ why, status: 401 });
    }
    await until(() => refusals().length >= Object.keys(tokens).length, () => `a refusal line per request; ${output()}`);

    expect(refusals()).toHaveLength(Object.keys(tokens).length);
    for (const line of refusals()) {
      expect(line).toMatchObject({ level: expect.any(Number), channel: 'botframework', status: 401 });
      expect(JSON.stringify(line)).not.toMatch(/Private Person|555 0100|Bearer|eyJ/);
    }
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toMatch(/BEGIN PUBLIC KEY|Error finding key|TokenExpiredError|JsonWebTokenError/);
    expect(stderr.trim()).toBe('');
    child.kill('SIGTERM');
  });
}
