import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRA_HOST, hostsFile, selfSignedCertificate, type TokenRequest } from '../support/fake-entra.ts';

/**
 * Outgoing Teams messages on the Microsoft 365 Agents SDK with client
 * credentials, offline: MSAL only talks HTTPS to an authority it knows (for
 * any other host it first asks login.microsoftonline.com's instance
 * discovery), so the fake Entra (test/support/fake-entra.ts) has to BE
 * login.microsoftonline.com. The scenario (test/support/agents-entra-scenario.ts)
 * runs in its own user, mount and network namespace (`unshare`, no root
 * needed where unprivileged user namespaces are allowed, as on Debian),
 * where a hosts file sends that name to 127.0.0.1 and the fake listens on
 * port 443 with a certificate made for this run, trusted through
 * NODE_EXTRA_CA_CERTS. Nothing in hearken, the SDK or MSAL is replaced.
 */

interface ScenarioResult {
  inboundStatus: number;
  customerStored: boolean;
  outboxIdle: boolean;
  outbox: Array<{ status: string; attempts: number; last_error: string | null }>;
  tokenRequests: TokenRequest[];
  deliveries: Array<{ authorization: string | null; outcome: 'ok' | number; type: string }>;
  logs: Array<Record<string, unknown>>;
}

const clientId = '00000000-0000-0000-0000-0000000e7e1d';
const tenantId = '11111111-2222-3333-4444-5555555e7e1d';

async function runScenario(failures: { times: number; status?: number; waitMs?: number } = { times: 0 }): Promise<{ result: ScenarioResult; secret: string; output: string }> {
  const secret = `hearken-test-secret-${randomBytes(12).toString('hex')}`;
  const tls = selfSignedCertificate([ENTRA_HOST]);
  const hosts = hostsFile(tls.dir, [ENTRA_HOST]);
  const script = 'ip link set lo up && mount --bind "$SCENARIO_HOSTS" /etc/hosts && exec "$0" --import tsx test/support/agents-entra-scenario.ts';
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${process.env.PATH}:/usr/sbin:/sbin`,
    // The namespace has only its own loopback: the scenario runs on the embedded database.
    TEST_DATABASE_URL: undefined,
    NODE_EXTRA_CA_CERTS: tls.cert,
    SCENARIO_HOSTS: hosts,
    ENTRA_KEY: tls.key,
    ENTRA_CERT: tls.cert,
    ENTRA_FAILURES: String(failures.times),
    ENTRA_FAILURE_STATUS: String(failures.status ?? 503),
    SCENARIO_OUTBOX_WAIT_MS: String(failures.waitMs ?? 60_000),
    SCENARIO_CLIENT_ID: clientId,
    SCENARIO_TENANT_ID: tenantId,
    SCENARIO_CLIENT_SECRET: secret,
  };
  try {
    const child = spawn('unshare', ['--user', '--map-root-user', '--mount', '--net', 'sh', '-c', script, process.execPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    if (code !== 0 || !line) throw new Error(`the scenario did not finish (exit ${code}): is \`unshare --user --map-root-user --mount --net\` allowed here?\n${output.slice(-4000)}`);
    return { result: JSON.parse(line.slice('RESULT '.length)) as ScenarioResult, secret, output };
  } finally {
    rmSync(tls.dir, { recursive: true, force: true });
  }
}

const issued = (r: TokenRequest): string | undefined => ('accessToken' in r.outcome ? r.outcome.accessToken : undefined);

describe('Agents SDK outgoing messages with client credentials (fake Entra over HTTPS)', () => {
  it('gets a token with clientId, clientSecret and tenantId and sends the replies with it', { timeout: 120_000 }, async () => {
    const { result, secret, output } = await runScenario();
    expect(result.inboundStatus).toBe(200);
    expect(result.customerStored).toBe(true);
    expect(result.outboxIdle).toBe(true);
    // One client-credentials request for the Bot Connector's scope, with the configured secret; MSAL caches the token.
    expect(result.tokenRequests).toEqual([{ tenant: tenantId, grantType: 'client_credentials', clientId, scope: 'https://api.botframework.com/.default', secretMatches: true, outcome: { accessToken: expect.stringMatching(/^fake-entra-/) } }]);
    const token = issued(result.tokenRequests[0]!)!;
    expect(result.deliveries.length).toBeGreaterThan(0);
    for (const delivery of result.deliveries) expect(delivery).toMatchObject({ authorization: `Bearer ${token}`, outcome: 'ok' });
    expect(result.outbox.length).toBe(result.deliveries.length);
    for (const row of result.outbox) expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    const everything = JSON.stringify(result.logs) + output.replace(/^RESULT .*$/m, '');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(token);
  });

  it('survives a token endpoint that refuses: the reply waits in the outbox and goes out with a token once Entra answers', { timeout: 120_000 }, async () => {
    const { result, secret, output } = await runScenario({ times: 2, status: 401 });
    expect(result.inboundStatus).toBe(200);
    expect(result.outboxIdle).toBe(true);
    const outcomes = result.tokenRequests.map((r) => ('status' in r.outcome ? r.outcome.status : 'granted'));
    expect(outcomes).toEqual([401, 401, 'granted']);
    const token = issued(result.tokenRequests[2]!)!;
    // Nothing reached the connector without a token; every delivery carries the one granted.
    expect(result.deliveries.length).toBeGreaterThan(0);
    for (const delivery of result.deliveries) expect(delivery).toMatchObject({ authorization: `Bearer ${token}`, outcome: 'ok' });
    expect(result.outbox.every((row) => row.status === 'sent')).toBe(true);
    expect(Math.max(...result.outbox.map((row) => row.attempts))).toBe(3);
    const retries = result.logs.filter((l) => l.msg === 'delivery failed; will retry');
    expect(retries.map((l) => (l.err as { message?: string } | undefined)?.message)).toEqual(['botframework request failed: AgentsTokenUnavailable entra_401', 'botframework request failed: AgentsTokenUnavailable entra_401']);
    const everything = JSON.stringify(result.logs) + output.replace(/^RESULT .*$/m, '');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(token);
  });

  it('keeps the reply when Entra answers 400 (say, a wrong tenant): a token error is never taken for a conversation that is gone', { timeout: 120_000 }, async () => {
    const { result } = await runScenario({ times: 1, status: 400 });
    expect(result.tokenRequests.map((r) => ('status' in r.outcome ? r.outcome.status : 'granted'))).toEqual([400, 'granted']);
    expect(result.outboxIdle).toBe(true);
    expect(result.outbox.every((row) => row.status === 'sent')).toBe(true);
    expect(result.logs.filter((l) => l.msg === 'delivery failed; will retry').map((l) => (l.err as { message?: string } | undefined)?.message)).toEqual(['botframework request failed: AgentsTokenUnavailable entra_400']);
  });

  it('keeps the reply through an Entra outage (503): retried, not lost, MSAL holds back for its 60 s throttle', { timeout: 120_000 }, async () => {
    // MSAL throttles a client for 60 s after a 5xx (it reads "Retry-After" in a case that fetch's lower-cased headers never match),
    // so the reply goes out a minute or two later: here it is only shown to wait safely in the outbox.
    const { result, secret, output } = await runScenario({ times: 1, status: 503, waitMs: 6_000 });
    expect(result.inboundStatus).toBe(200);
    expect(result.tokenRequests.map((r) => ('status' in r.outcome ? r.outcome.status : 'granted'))).toEqual([503]);
    expect(result.deliveries).toEqual([]);
    expect(result.outbox.length).toBeGreaterThan(0);
    for (const row of result.outbox) expect(row.status).toBe('pending');
    expect(Math.max(...result.outbox.map((row) => row.attempts))).toBeGreaterThan(1);
    const everything = JSON.stringify(result.logs) + output.replace(/^RESULT .*$/m, '');
    expect(everything).not.toContain(secret);
    expect(result.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
