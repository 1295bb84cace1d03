import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createMessageUpdate, createUser } from '../support/telegram-customer.ts';

/** Issue 19, item 18: /healthz shows platform problems through the same redaction as /readyz. */
const LEAKED = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const fake = new FakeTelegramApi();
let app: TestApp;

beforeAll(async () => {
  await fake.start();
  // Long polling (no PUBLIC_URL): a failed getUpdates is the channel's last error.
  app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url });
});
afterAll(async () => {
  await app?.stop();
  await fake.stop();
});

describe('/healthz and /readyz', () => {
  it('show a platform error carrying a bot token redacted, the same text on both', async () => {
    fake.failNext('getUpdates', { error_code: 400, description: `Bad Request: upstream https://api.example/bot${LEAKED}/getUpdates` }, { times: 100 });
    // Ends the poll in flight, so the next getUpdates meets the failure.
    fake.pushUpdate(createMessageUpdate(createUser(), { text: '/start' }));
    const health = async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { channels: Record<string, string> }).channels.telegram!;
    await expect.poll(health, { timeout: 15_000 }).toContain('400');
    const fromHealth = await health();
    const ready = (await (await fetch(`${app.url}/readyz`)).json()) as { channels: Record<string, { lastError?: string }> };
    expect(fromHealth).not.toContain(LEAKED);
    expect(fromHealth).toContain('[redacted]');
    expect(ready.channels.telegram!.lastError).toBe(fromHealth);
  });
});
