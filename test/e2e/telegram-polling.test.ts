import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { createCallbackUpdate, createMessageUpdate, createUser } from '../support/telegram-customer.ts';
import { startTestApp, tempDataDir, type TestApp } from '../support/test-app.ts';

/**
 * Long polling (no PUBLIC_URL) when handling an update fails: the database
 * refuses to record its delivery, through a trigger on inbound_deliveries
 * (real database errors, on PGlite and PostgreSQL alike).
 */
const fakes: FakeTelegramApi[] = [];
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  for (const fake of fakes.splice(0)) await fake.stop();
});

async function pollingApp(env: Record<string, string> = {}, fake?: FakeTelegramApi): Promise<{ app: TestApp; fake: FakeTelegramApi }> {
  if (!fake) {
    fake = new FakeTelegramApi();
    await fake.start();
    fakes.push(fake);
  }
  const app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, ...env });
  apps.push(app);
  const polls = fake.callsOf('getUpdates').length;
  await fake.waitFor(() => fake.callsOf('getUpdates').length > polls);
  return { app, fake };
}

/**
 * Deliveries listed in test_refused ('*': all) fail to be recorded;
 * test_arrivals lists, in commit order, the deliveries that were recorded.
 */
async function installDatabaseFault(app: TestApp): Promise<{ refuse: (deliveryId: string) => Promise<void>; allow: () => Promise<void>; arrivals: () => Promise<string[]> }> {
  const db = app.database.db;
  await sql`CREATE TABLE IF NOT EXISTS test_refused (delivery_id text)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS test_arrivals (seq serial, delivery_id text)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION test_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_refused WHERE delivery_id IN (NEW.delivery_id, '*')) THEN
        RAISE EXCEPTION 'test: the database refuses this delivery';
      END IF;
      INSERT INTO test_arrivals (delivery_id) VALUES (NEW.delivery_id);
      RETURN NEW;
    END $$`.execute(db);
  await sql`DROP TRIGGER IF EXISTS test_gate ON inbound_deliveries`.execute(db);
  await sql`CREATE TRIGGER test_gate BEFORE INSERT ON inbound_deliveries FOR EACH ROW EXECUTE FUNCTION test_gate()`.execute(db);
  return {
    refuse: async (deliveryId) => void (await sql`INSERT INTO test_refused VALUES (${deliveryId})`.execute(db)),
    allow: async () => void (await sql`DELETE FROM test_refused`.execute(db)),
    arrivals: async () => (await sql<{ delivery_id: string }>`SELECT delivery_id FROM test_arrivals ORDER BY seq`.execute(db)).rows.map((r) => r.delivery_id),
  };
}

const logged = (app: TestApp, msg: string) => app.logs.filter((l) => l.msg === msg);
const idOf = (update: Record<string, unknown>) => Number(update.update_id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function droppedMetric(app: TestApp): Promise<number> {
  const text = await app.metrics.registry.getSingleMetricAsString('hearken_inbound_dropped_total');
  return Number(/^hearken_inbound_dropped_total\{channel="telegram"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('Telegram long polling when handling an update fails', () => {
  it('handles the update again once the database is back: answered exactly once, the chat in arrival order, other chats not held up', async () => {
    const { app, fake } = await pollingApp();
    const fault = await installDatabaseFault(app);
    const alice = createUser();
    const bob = createUser();
    const first = createMessageUpdate(alice, { text: '/start' });
    // A button pressed at the first question (not one it offers): answered, and the question asked again.
    const second = createCallbackUpdate(alice, 'opt:product_quality', 0);
    const other = createMessageUpdate(bob, { text: '/start' });
    // The database refuses Alice's first message for a moment.
    await fault.refuse(`${fake.botId}:${idOf(first)}`);
    fake.pushUpdate(first);
    fake.pushUpdate(second);
    fake.pushUpdate(other);

    await fake.waitFor(() => logged(app, 'telegram update failed; will retry').length > 0);
    await fake.waitFor(() => fake.sentTo(bob.id).length > 0);
    // Alice's second message waits for her first: nothing was recorded or answered for her.
    expect(fake.sentTo(alice.id)).toEqual([]);
    expect(await fault.arrivals()).toEqual([`${fake.botId}:${idOf(other)}`]);
    // Nothing of Alice's was confirmed to Telegram while her first message was not handled.
    expect(fake.callsOf('getUpdates').every((c) => Number(c.params.offset ?? 0) <= idOf(first))).toBe(true);

    await fault.allow();
    await fake.waitFor(() => fake.sentTo(alice.id).some((c) => String(c.params.text).includes('Please write a little more')));
    await sleep(1_500);
    const arrivals = await fault.arrivals();
    expect(arrivals.filter((d) => d.startsWith(`${fake.botId}:`))).toEqual([idOf(other), idOf(first), idOf(second)].map((id) => `${fake.botId}:${id}`));
    // One welcome for each /start, however often the updates were fetched.
    const welcomes = (chatId: number) => fake.sentTo(chatId).filter((c) => String(c.params.text).startsWith('Hello!'));
    expect(welcomes(alice.id)).toHaveLength(1);
    expect(welcomes(bob.id)).toHaveLength(1);
    expect(String(fake.sentTo(alice.id).at(-1)!.params.text)).toContain('Please write a little more');
    expect(fake.callsOf('answerCallbackQuery').filter((c) => c.params.callback_query_id === `cb${idOf(second)}`)).toHaveLength(1);
    expect(logged(app, 'telegram update failed; will retry')[0]).toMatchObject({ updateId: idOf(first), attempt: 1, delayMs: 1000 });
    expect(logged(app, 'telegram update dropped after repeated failures')).toEqual([]);
    // Everything handled is confirmed by the next poll.
    await fake.waitFor(() => Number(fake.callsOf('getUpdates').at(-1)!.params.offset) === idOf(other) + 1);
    expect(await droppedMetric(app)).toBe(0);
  });

  it('drops an update that keeps failing after TELEGRAM_UPDATE_ATTEMPTS tries, logs it without personal data and counts it; the chat goes on', async () => {
    const { app, fake } = await pollingApp({ TELEGRAM_UPDATE_ATTEMPTS: '3' });
    const fault = await installDatabaseFault(app);
    const carol = createUser({ first_name: 'Carolina', last_name: 'Poisonous' });
    const poison = createMessageUpdate(carol, { text: '/start' });
    await fault.refuse(`${fake.botId}:${idOf(poison)}`);
    fake.pushUpdate(poison);

    await fake.waitFor(() => logged(app, 'telegram update dropped after repeated failures').length > 0, 15_000);
    const failures = logged(app, 'telegram update failed; will retry');
    expect(failures.map((l) => [l.updateId, l.attempt, l.delayMs])).toEqual([[idOf(poison), 1, 1000], [idOf(poison), 2, 2000]]);
    expect(logged(app, 'telegram update failed').filter((l) => l.updateId === idOf(poison))).toHaveLength(3);
    const [dropped] = logged(app, 'telegram update dropped after repeated failures');
    expect(dropped).toMatchObject({ level: 50, channel: 'telegram', updateId: idOf(poison), attempts: 3 });
    const lines = JSON.stringify(app.logs);
    for (const personal of ['Carolina', 'Poisonous']) expect(lines).not.toContain(personal);
    expect(lines).not.toMatch(new RegExp(`\\b${carol.id}\\b`));
    expect(await droppedMetric(app)).toBe(1);

    // The dropped update is confirmed; the customer's next message is handled.
    const next = createMessageUpdate(carol, { text: '/start' });
    fake.pushUpdate(next);
    await fake.waitFor(() => fake.sentTo(carol.id).length > 0);
    expect(Number(fake.callsOf('getUpdates').at(-1)!.params.offset)).toBeGreaterThan(idOf(poison));
    expect(await fault.arrivals()).toEqual([`${fake.botId}:${idOf(next)}`]);
  });

  it('keeps polling after getUpdates fails: shows the error in /healthz, removes a webhook set meanwhile (409), and handles what comes after', async () => {
    const { app, fake } = await pollingApp();
    const health = async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { channels: Record<string, string> }).channels.telegram;
    // A webhook set by someone else meanwhile: Telegram refuses getUpdates with 409 (three times here).
    fake.failNext('getUpdates', { error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active" }, { times: 3 });
    const erin = createUser();
    fake.pushUpdate(createMessageUpdate(erin, { text: '/start' }));
    await fake.waitFor(() => fake.sentTo(erin.id).length > 0);
    await fake.waitFor(() => logged(app, 'telegram polling failed; will retry').length > 0);
    expect(logged(app, 'telegram polling failed; will retry')[0]).toMatchObject({ err: { code: 409 } });
    expect(await health()).toContain('409');
    await fake.waitFor(() => fake.callsOf('getUpdates').at(-1)!.outcome === 'ok' && logged(app, 'telegram polling failed; will retry').length === 3, 15_000);
    expect(fake.callsOf('deleteWebhook').length).toBeGreaterThanOrEqual(2);
    expect(await health()).toBe('ok');
    const later = createUser();
    fake.pushUpdate(createMessageUpdate(later, { text: '/start' }));
    await fake.waitFor(() => fake.sentTo(later.id).length > 0);
  });

  it('leaves a held update unconfirmed when the app stops: the next start handles it', async () => {
    const dataDir = tempDataDir();
    const { app, fake } = await pollingApp({ DATA_DIR: dataDir });
    const fault = await installDatabaseFault(app);
    await fault.refuse('*');
    const dave = createUser();
    const update = createMessageUpdate(dave, { text: '/start' });
    fake.pushUpdate(update);
    await fake.waitFor(() => logged(app, 'telegram update failed; will retry').length > 0);
    await app.stop();
    apps.splice(apps.indexOf(app), 1);
    expect(fake.callsOf('getUpdates').every((c) => Number(c.params.offset ?? 0) <= idOf(update))).toBe(true);

    // Same database (the refusal is still in it), same bot: the update comes again.
    const restarted = await pollingApp({ DATA_DIR: dataDir }, fake);
    await fake.waitFor(() => logged(restarted.app, 'telegram update failed; will retry').length > 0);
    await (await installDatabaseFault(restarted.app)).allow();
    await fake.waitFor(() => fake.sentTo(dave.id).length > 0);
    await sleep(500);
    expect(fake.sentTo(dave.id)).toHaveLength(1);
  });
});
