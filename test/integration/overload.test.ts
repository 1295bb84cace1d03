import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/channels/contract.ts';
import { InboundOverloaded } from '../../src/errors.ts';
import type { InboundOutcome } from '../../src/inbound/conversation.service.ts';
import { BotFrameworkCustomer, postActivity } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { createMessageUpdate, createUser, postUpdate } from '../support/telegram-customer.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Load shedding: when more customer messages wait for a transaction than
 * INBOUND_QUEUE_LIMIT, new ones are refused at once with 503 + Retry-After
 * (nothing recorded) instead of waiting past the platforms' time-outs; the
 * sender's retry is handled normally.
 */
const secret = 'overload-secret_0123456789';
let telegram: FakeTelegramApi;
let connector: FakeBotConnector;
let app: TestApp;

/** The whole file once per SDK that can serve /api/messages (BOTFRAMEWORK_SDK), each with fresh fakes and app. */
async function startApp(sdk: 'botbuilder' | 'agents') {
  telegram = new FakeTelegramApi();
  connector = new FakeBotConnector();
  await Promise.all([telegram.start(), connector.start()]);
  app = await startTestApp({
    INBOUND_QUEUE_LIMIT: '2',
    BOTFRAMEWORK_SDK: sdk,
    BOTFRAMEWORK_EMULATOR: 'true',
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_WEBHOOK_SECRET: secret,
    PUBLIC_URL: 'https://hearken.example.test',
  });
}

const webchatMessage = (visitor: string, text: string): InboundMessage => ({
  channel: 'webchat',
  externalUserId: visitor,
  address: { visitorId: visitor },
  deliveryId: `${visitor}:${randomUUID()}`,
  text,
  locale: 'en',
});

/**
 * Holds one message's transaction open until released, and fills the
 * queue behind it up to the limit (2): the next message is over the limit.
 */
async function saturate(): Promise<{ release: () => void; held: Promise<InboundOutcome[]> }> {
  let entered!: () => void;
  const inTransaction = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = app.conversations.handleInbound(webchatMessage(`held-${randomUUID()}`, 'hello'), async () => {
    entered();
    await gate;
  });
  await inTransaction;
  const queued = [1, 2].map(() => app.conversations.handleInbound(webchatMessage(`queued-${randomUUID()}`, 'hello')));
  await new Promise((resolve) => setImmediate(resolve));
  return { release, held: Promise.all([first, ...queued]) };
}

async function overloadedCount(channel: string): Promise<number> {
  const text = await app.metrics.registry.getSingleMetricAsString('hearken_inbound_overloaded_total');
  return Number(new RegExp(`^hearken_inbound_overloaded_total\\{channel="${channel}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

const deliveries = (channel: string) => app.database.db.selectFrom('inbound_deliveries').select('delivery_id').where('channel', '=', channel).execute();

for (const sdk of ['botbuilder', 'agents'] as const) {
  describe(`served by ${sdk}`, () => {
    beforeAll(() => startApp(sdk));
    afterAll(async () => {
      await app?.stop();
      await Promise.all([telegram.stop(), connector.stop()]);
    });

    describe('a full inbound queue', () => {
      it('refuses the next message with InboundOverloaded, keeps the queued ones, and handles the resend', async () => {
        const { release, held } = await saturate();
        const over = webchatMessage(`over-${randomUUID()}`, 'hello');
        const refused = await app.conversations.handleInbound(over).then(() => undefined, (error: unknown) => error);
        expect(refused).toBeInstanceOf(InboundOverloaded);
        expect(refused).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
        expect(await overloadedCount('webchat')).toBeGreaterThanOrEqual(1);
        expect(app.logs.some((l) => l.msg === 'inbound queue full; refusing messages (senders retry)')).toBe(true);

        release();
        expect((await held).every((o) => o.ok)).toBe(true);
        const resent = await app.conversations.handleInbound(over);
        expect(resent.ok).toBe(true);
      });

      it('answers each channel 503 with Retry-After and records nothing; the redelivery is handled and answered once', async () => {
        const visitor = await WebchatClient.open(app.url);
        const user = createUser();
        const update = createMessageUpdate(user, { text: 'hello' }, { update_id: 880_001 });
        const bfCustomer = new BotFrameworkCustomer(connector, () => app, { id: `user-${randomUUID()}`, name: 'Bo' });
        const activity = bfCustomer.activity({ text: 'hello' });
        const webchatBody = { id: randomUUID(), text: 'hello' };
        const webchatBefore = (await deliveries('webchat')).length;

        const { release, held } = await saturate();
        const [web, tg, bf] = await Promise.all([visitor.post(webchatBody), postUpdate(app.url, secret, update), postActivity(app.url, activity)]);
        for (const res of [web, tg, bf]) {
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(await res.json()).toEqual({ error: { code: 'overloaded', message: expect.stringContaining('again in a moment') } });
        }
        expect(await overloadedCount('telegram')).toBe(1);
        expect(await overloadedCount('botframework')).toBe(1);
        // (The embedded database's one connection is held by the gated transaction: read it after.)
        release();
        await held;
        expect(await deliveries('telegram')).toHaveLength(0);
        expect(await deliveries('botframework')).toHaveLength(0);
        expect(await deliveries('webchat')).toHaveLength(webchatBefore + 3);

        // What each sender does next: the page and Bot Framework resend, Telegram redelivers the same update.
        expect((await visitor.post(webchatBody)).status).toBe(202);
        expect((await visitor.replies()).at(-1)!.payload.text).toContain('tell me what happened');
        expect((await postUpdate(app.url, secret, update)).status).toBe(200);
        await telegram.waitFor(() => telegram.callsOf('sendMessage').length > 0);
        expect(telegram.callsOf('sendMessage').map((c) => String(c.params.text))).toEqual([expect.stringContaining('tell me what happened')]);
        const replies = await bfCustomer.post(activity);
        expect(replies.map((r) => r.text)).toEqual([expect.stringContaining('tell me what happened')]);
        expect(await deliveries('telegram')).toHaveLength(1);
        expect(await deliveries('botframework')).toHaveLength(1);
      });
    });
  });
}
