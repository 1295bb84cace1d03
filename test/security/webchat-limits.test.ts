import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendTranscript } from '../../adapters/webchat/webchat.repository.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19, item 5: per-address limits on new sessions and uploads (429 +
 * Retry-After, the address taken from X-Forwarded-For only when TRUST_PROXY
 * trusts the peer), the token checked before an upload's body is read, a cap
 * on a visitor's unattached files (deleted after the intake expiry by a
 * recurring job: test/integration/upload-sweep.test.ts), and long polls
 * woken by the transcript's NOTIFY instead of querying the database while
 * they wait.
 */
// The start of a real PNG: uploads are judged by their bytes (file-type).
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
// A fixed app clock: the token buckets do not refill during the test.
const now = new Date();
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(
    {
      TRUST_PROXY: 'loopback',
      WEBCHAT_SESSION_BURST: '3',
      WEBCHAT_SESSIONS_PER_HOUR: '1',
      WEBCHAT_UPLOAD_BURST: '3',
      WEBCHAT_UPLOADS_PER_HOUR: '1',
      WEBCHAT_UNATTACHED_UPLOADS: '2',
    },
    { clock: () => now },
  );
});
afterAll(async () => {
  await app?.stop();
});

const from = (address: string) => ({ 'x-forwarded-for': address });
const newSession = (address: string) => fetch(`${app.url}/webchat/session`, { method: 'POST', headers: from(address) });
async function sessionFor(address: string): Promise<WebchatClient> {
  const res = await newSession(address);
  expect(res.status).toBe(201);
  return new WebchatClient(app.url, ((await res.json()) as { token: string }).token);
}
const upload = (chat: WebchatClient, address: string) =>
  fetch(`${app.url}/webchat/attachments`, {
    method: 'POST',
    headers: { ...from(address), authorization: `Bearer ${chat.token}`, 'content-type': 'image/png', 'x-file-name': 'photo.png' },
    body: new Uint8Array(PNG),
  });
const customersNow = async () => Number((await app.database.db.selectFrom('customers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('new sessions per client address', () => {
  it('refuses the one past the burst with 429 and Retry-After, creates nothing for it, and keeps other addresses apart', async () => {
    for (let i = 0; i < 3; i += 1) expect((await newSession('203.0.113.10')).status).toBe(201);
    const before = await customersNow();
    const refused = await newSession('203.0.113.10');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(await customersNow()).toBe(before);
    expect((await newSession('203.0.113.11')).status).toBe(201);
  });

  it('takes the address from the peer when TRUST_PROXY is off: a forged X-Forwarded-For does not buy new sessions', async () => {
    const direct = await startTestApp({ WEBCHAT_SESSION_BURST: '2', WEBCHAT_SESSIONS_PER_HOUR: '1' });
    try {
      const statuses: number[] = [];
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        statuses.push((await fetch(`${direct.url}/webchat/session`, { method: 'POST', headers: from(address) })).status);
      }
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await direct.stop();
    }
  });
});

describe('uploads', () => {
  it('caps files not yet part of a case per visitor, then limits uploads per address (429 both)', async () => {
    const chat = await sessionFor('203.0.113.20');
    expect((await upload(chat, '203.0.113.20')).status).toBe(201);
    expect((await upload(chat, '203.0.113.20')).status).toBe(201);
    const third = await upload(chat, '203.0.113.20');
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('too_many_files');

    // The address has used its burst of 3 (the refused upload counted): another visitor there waits.
    const other = await sessionFor('203.0.113.20');
    const limited = await upload(other, '203.0.113.20');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await upload(other, '203.0.113.21')).status).toBe(201);
  });

  it('answers 401 to an upload without a valid token before reading its body', async () => {
    const url = new URL(`${app.url}/webchat/attachments`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${'b'.repeat(43)}`, 'content-type': 'image/png', 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
      // One chunk of the announced 10 MB, then nothing: a server that reads the body first never answers.
      req.write(Buffer.alloc(64 * 1024));
    });
    expect(status).toBe(401);
  });
});

describe('long polls', () => {
  it('wake when a line is committed and NOTIFYed by any writer (another instance), without querying meanwhile', async () => {
    const chat = await sessionFor('203.0.113.40');
    const waiting = chat.fetch(20);
    // Either way the line is returned: found by the poll's first read, or (the case meant here) by the wake-up.
    await new Promise((r) => setTimeout(r, 300));
    await appendTranscript(app.database.db, chat.visitorId, 'out', { text: 'from elsewhere' }, true);
    const started = Date.now();
    const lines = await waiting;
    expect(lines.map((l) => l.payload.text)).toEqual(['from elsewhere']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('do not find a line that nobody announced before their wait ends (no polling of the table)', async () => {
    const chat = await sessionFor('203.0.113.41');
    const started = Date.now();
    const waiting = chat.fetch(4);
    // The one wall-clock pause: the line must be written after the poll's first read (an empty table then).
    await new Promise((r) => setTimeout(r, 1_000));
    await appendTranscript(app.database.db, chat.visitorId, 'out', { text: 'silent' }, false);
    const lines = await waiting;
    // Found by the read after the wait, not by a query during it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_900);
    expect(lines.map((l) => l.payload.text)).toEqual(['silent']);
  });
});
