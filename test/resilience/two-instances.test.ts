import { Agent } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatIdOf, post, TELEGRAM_INTAKE, telegramTarget } from '../../bench/customers.ts';
import { FakeTelegram } from '../../bench/fake-telegram.ts';
import { WEBHOOK_SECRET } from '../../bench/targets.ts';
import { checkDeliveries, freshDatabase, query, spawnApp, type AppProcess } from './support.ts';

/**
 * Two app processes on one PostgreSQL, as behind a load balancer: each
 * customer's updates land alternately on one and the other.
 */
const fake = new FakeTelegram();
let databaseUrl: string;
const apps: AppProcess[] = [];

beforeAll(async () => {
  await fake.start();
  databaseUrl = await freshDatabase('hk_two');
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.process.stop()));
  await fake.stop();
});

it('handles intakes whose messages alternate between two instances: one case each, every reply once, in order', async () => {
  apps.push(await spawnApp({ databaseUrl, fake }), await spawnApp({ databaseUrl, fake }));
  const agent = new Agent({ keepAlive: true });
  const people = Array.from({ length: 4 }, (_, n) => ({ id: 8_000 + n, extra: {} }));
  await Promise.all(
    people.map(async (person, p) => {
      const conversation = `tg:${chatIdOf(person)}`;
      for (const [index, step] of TELEGRAM_INTAKE.entries()) {
        const app = apps[(index + p) % 2]!;
        const { path, headers, body } = telegramTarget(app.url, WEBHOOK_SECRET).request(person, step);
        expect((await post(agent, app.url, path, headers, body)).status).toBe(200);
        const reply = await fake.hub.waitForCount(conversation, index + 1, 10_000);
        expect(reply?.text).toMatch(step.expect!);
      }
    }),
  );
  agent.destroy();
  await new Promise((r) => setTimeout(r, 500));

  const cases = await query<{ customer_id: string }>(databaseUrl, 'SELECT customer_id FROM cases');
  expect(cases).toHaveLength(people.length);
  expect(new Set(cases.map((c) => c.customer_id)).size).toBe(people.length);
  // Both instances did work.
  for (const app of apps) expect(app.process.logs.filter((l) => l.msg === 'telegram update handled').length).toBeGreaterThan(0);
  const deliveries = await checkDeliveries(databaseUrl, fake);
  expect(deliveries.delivered).toBe(people.length * TELEGRAM_INTAKE.length);
  expect(deliveries.duplicates).toBe(0);
});
