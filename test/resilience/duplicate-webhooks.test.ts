import { Agent } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatIdOf, post, TELEGRAM_INTAKE, telegramTarget } from '../../bench/customers.ts';
import { FakeTelegram } from '../../bench/fake-telegram.ts';
import { WEBHOOK_SECRET } from '../../bench/targets.ts';
import { checkDeliveries, freshDatabase, query, spawnApp, type AppProcess } from './support.ts';

const fake = new FakeTelegram();
let databaseUrl: string;
let app: AppProcess | undefined;

beforeAll(async () => {
  await fake.start();
  databaseUrl = await freshDatabase('hk_dupes');
});
afterAll(async () => {
  await app?.process.stop();
  await fake.stop();
});

it('every update delivered three times (two at once, one after the ack): one message handled, one reply, one case per intake', async () => {
  app = await spawnApp({ databaseUrl, fake });
  const target = telegramTarget(app.url, WEBHOOK_SECRET);
  const agent = new Agent({ keepAlive: true });
  const people = Array.from({ length: 6 }, (_, n) => ({ id: 7_000 + n, extra: {} }));
  const statuses: number[] = [];
  await Promise.all(
    people.map(async (person) => {
      const conversation = `tg:${chatIdOf(person)}`;
      for (const [index, step] of TELEGRAM_INTAKE.entries()) {
        const { path, headers, body } = target.request(person, step);
        const twice = await Promise.all([post(agent, app!.url, path, headers, body), post(agent, app!.url, path, headers, body)]);
        const again = await post(agent, app!.url, path, headers, body);
        statuses.push(...twice.map((r) => r.status), again.status);
        const reply = await fake.hub.waitForCount(conversation, index + 1, 10_000);
        expect(reply?.text).toMatch(step.expect!);
      }
    }),
  );
  agent.destroy();
  await new Promise((r) => setTimeout(r, 500));

  const cases = await query<{ customer_id: string }>(databaseUrl, 'SELECT customer_id FROM cases');
  const inbound = await query<{ count: string }>(databaseUrl, `SELECT count(*) FROM inbound_deliveries WHERE channel = 'telegram'`);
  const deliveries = await checkDeliveries(databaseUrl, fake);
  const ignored = app.process.logs.filter((l) => l.msg === 'duplicate inbound delivery ignored').length;
  console.log(`duplicate deliveries: ${JSON.stringify({ posted: statuses.length, cases: cases.length, inbound: Number(inbound[0]!.count), ignored, ...deliveries })}`);

  expect(new Set(statuses)).toEqual(new Set([200]));
  expect(cases).toHaveLength(people.length);
  expect(new Set(cases.map((c) => c.customer_id)).size).toBe(people.length);
  expect(Number(inbound[0]!.count)).toBe(people.length * TELEGRAM_INTAKE.length);
  expect(ignored).toBe(2 * people.length * TELEGRAM_INTAKE.length);
  expect(deliveries.outboxRows).toBe(people.length * TELEGRAM_INTAKE.length);
  expect(deliveries.delivered).toBe(people.length * TELEGRAM_INTAKE.length);
  expect(deliveries.duplicates).toBe(0);
});
