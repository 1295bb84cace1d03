import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyFile } from '../support/policy-file.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

let app: TestApp;
beforeAll(async () => {
  // One token per 2 s: a slow run (a loaded machine) cannot refill one while the 12 requests are answered.
  app = await startTestApp({ POLICY_FILE: policyFile({ intake: { floodBurst: 5, floodPerSecond: 0.5 } }) });
});
afterAll(async () => {
  await app?.stop();
});

describe('a customer flooding the web chat', () => {
  it('is refused with 429 and Retry-After past the burst, and let through again later; other customers are unaffected', async () => {
    const flooder = await WebchatClient.open(app.url);
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => flooder.post({ text: `message ${i}` }).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), body: await r.json() }))));
    const accepted = statuses.filter((s) => s.status === 202);
    const refused = statuses.filter((s) => s.status === 429);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.retry).toMatch(/^\d+$/);
    expect(refused[0]!.body).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('too quickly') } });
    // Nothing of the refused messages was recorded.
    expect(await app.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('channel', '=', 'webchat').execute()).toHaveLength(5);

    const other = await WebchatClient.open(app.url);
    expect((await other.say('hello')).at(-1)!.payload.text).toContain('tell me what happened');

    await new Promise((r) => setTimeout(r, 2100));
    expect((await flooder.post({ text: 'after a pause' })).status).toBe(202);
  });
});

describe('a customer flooding Telegram', () => {
  it('gets every update acknowledged, one "slow down" message, and no more handled than the limit allows', async () => {
    const { FakeTelegramApi } = await import('../support/fake-telegram-api.ts');
    const { createMessageUpdate, createUser, postUpdate } = await import('../support/telegram-customer.ts');
    const fake = new FakeTelegramApi();
    await fake.start();
    const secret = 'flood-secret_0123456789';
    const tg = await startTestApp({
      // No refill within the test: exactly the burst is handled however slowly the 20 updates are.
      POLICY_FILE: policyFile({ intake: { floodBurst: 5, floodPerSecond: 0.01 } }),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_SECRET: secret,
      PUBLIC_URL: 'https://hearken.example.test',
    });
    try {
      const user = createUser();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => postUpdate(tg.url, secret, createMessageUpdate(user, { text: `spam ${i}` }, { update_id: 5_000 + i }))),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      await fake.waitFor(() => fake.callsOf('sendMessage').some((c) => /faster than I can take them/.test(String(c.params.text))));
      await new Promise((r) => setTimeout(r, 500));
      const sent = fake.callsOf('sendMessage').map((c) => String(c.params.text));
      expect(sent.filter((t) => /faster than I can take them/.test(t))).toHaveLength(1);
      expect(sent.length).toBeLessThanOrEqual(6); // at most the burst handled, plus the one notice
      expect(await tg.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('channel', '=', 'telegram').execute()).toHaveLength(20);
    } finally {
      await tg.stop();
      await fake.stop();
    }
  });
});
