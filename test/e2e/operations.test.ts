import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelModule } from '../../adapters/channel-module.ts';
import { englishIntake } from '../support/intake-scripts.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
let app: TestApp;
let now = new Date();
let platformError: string | undefined;
/** A channel whose platform is failing (as Telegram would report through lastError). */
const flakyChannel = (): ChannelModule => ({ name: 'flaky', lastError: () => platformError });

beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: TOKEN }, { clock: () => now, modules: [flakyChannel] });
});
afterAll(async () => {
  await app?.stop();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one series in Prometheus text format, or undefined when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('/readyz', () => {
  it('is ready with the database reachable and every migration applied', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      database: 'ok',
      migrations: { status: 'ok' },
      channels: { webchat: { status: 'ok' }, flaky: { status: 'ok' } },
    });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("reports a channel's last error as degraded, without credentials", async () => {
    platformError = 'request to https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe failed';
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'degraded', channels: { flaky: { status: 'error' } } });
    expect(body.channels.flaky.lastError).toBe('request to https://api.telegram.org/bot[redacted]/getMe failed');
    platformError = undefined;
  });

  it('answers 503 while a migration is missing', async () => {
    const db = app.database.db;
    const row = await db.selectFrom('kysely_migration' as never).selectAll().where('name' as never, '=', '2026-11-22T0300_privacy' as never).executeTakeFirstOrThrow();
    await db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '2026-11-22T0300_privacy' as never).execute();
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', database: 'ok', migrations: { status: 'pending', pending: ['2026-11-22T0300_privacy'] } });
    } finally {
      await db.insertInto('kysely_migration' as never).values(row as never).execute();
    }
  });
});

describe('/metrics', () => {
  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts what an end-to-end intake did', async () => {
    const before = await scrape();
    const inboundBefore = value(before, 'hearken_inbound_messages_total', { channel: 'webchat' }) ?? 0;
    const outboundBefore = value(before, 'hearken_outbound_messages_total', { channel: 'webchat' }) ?? 0;
    expect(value(before, 'hearken_open_cases', { severity: 'general' })).toBe(0);
    expect(value(before, 'hearken_open_cases', { severity: 'major' })).toBe(0);

    const person = await englishIntake(app, {
      name: 'Morgan Metrics',
      phone: '+44 7911 123555',
      phoneNormalised: '+447911123555',
      email: 'morgan@example.com',
      description: 'The washing machine drum makes a grinding noise every cycle.',
      whenWhere: 'Laundry room, since Friday',
      followUp: 'Morgan again: it now stops halfway.',
    });
    const duplicate = await person.chat.post({ id: 'metrics-duplicate-1', text: 'hello again' });
    expect(duplicate.status).toBe(202);
    expect((await person.chat.post({ id: 'metrics-duplicate-1', text: 'hello again' })).status).toBe(202);

    const db = app.database.db;
    const handled = await db.selectFrom('inbound_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('channel', '=', 'webchat').executeTakeFirstOrThrow();
    const sent = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('channel', '=', 'webchat').where('status', '=', 'sent').executeTakeFirstOrThrow();
    const after = await scrape();
    expect(value(after, 'hearken_inbound_messages_total', { channel: 'webchat' })).toBe(Number(handled.n));
    expect(value(after, 'hearken_inbound_messages_total', { channel: 'webchat' })! - inboundBefore).toBeGreaterThanOrEqual(7);
    expect(value(after, 'hearken_inbound_duplicates_total', { channel: 'webchat' })).toBe(1);
    expect(value(after, 'hearken_outbound_messages_total', { channel: 'webchat' })).toBe(Number(sent.n));
    expect(value(after, 'hearken_outbound_messages_total', { channel: 'webchat' })! - outboundBefore).toBeGreaterThanOrEqual(7);
    expect(value(after, 'hearken_open_cases', { severity: 'general' })).toBe(1);
    expect(value(after, 'hearken_outbox_pending')).toBe(0);
    expect(value(after, 'hearken_outbox_oldest_pending_seconds')).toBe(0);
    expect(value(after, 'hearken_open_cases_overdue', { deadline: 'first_response' })).toBe(0);
    expect(value(after, 'hearken_deadlines_breached', { severity: 'general' })).toBe(0);
    expect(value(after, 'hearken_database_up')).toBe(1);
    expect(value(after, 'hearken_process_resident_memory_bytes')).toBeGreaterThan(0);
    // No survey sent yet: no response rate (test/security/survey-metrics.test.ts has one).
    expect(value(after, 'hearken_surveys_sent')).toBe(0);
    expect(value(after, 'hearken_survey_response_rate')).toBeNaN();
  });

  it('shows deadlines, breaches, the outbox backlog and delivery failures', async () => {
    const db = app.database.db;
    const open = await db.selectFrom('cases').select(['id', 'customer_id']).where('status', '=', 'new').executeTakeFirstOrThrow();
    // Another engineer's deadline watcher records breaches like this.
    await db.insertInto('case_events').values({ case_id: open.id, at: now, actor: 'system', action: 'deadline_breached', details: JSON.stringify({ deadline: 'first_response' }) }).execute();
    now = new Date(Date.now() + 4 * 86_400_000);
    // A message for a channel this instance has no sender for: retried, pending.
    await db
      .insertInto('outbox')
      .values({ customer_id: open.customer_id, case_id: open.id, channel: 'telegram', conversation_key: 'telegram:metrics', address: '{}', payload: '{}', created_at: new Date(Date.now() - 60_000) })
      .execute();
    app.outbox.kick();
    await expect.poll(async () => value(await scrape(), 'hearken_delivery_failures_total', { channel: 'telegram', kind: 'retry' }), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    expect(value(text, 'hearken_deadlines_breached', { severity: 'general' })).toBe(1);
    expect(value(text, 'hearken_open_cases_overdue', { deadline: 'first_response' })).toBe(1);
    expect(value(text, 'hearken_open_cases_overdue', { deadline: 'resolution' })).toBe(1);
    expect(value(text, 'hearken_outbox_pending')).toBe(1);
    expect(value(text, 'hearken_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(59);
  });

  it('is served without a token when none is configured', async () => {
    const open = await startTestApp();
    try {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('hearken_inbound_messages_total');
      const chat = await WebchatClient.open(open.url);
      await chat.say('hi');
      expect(value(await (await fetch(`${open.url}/metrics`)).text(), 'hearken_inbound_messages_total', { channel: 'webchat' })).toBe(1);
    } finally {
      await open.stop();
    }
  });
});
