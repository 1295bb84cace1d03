import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';
import { freshDatabase } from './support.ts';

/**
 * Two instances on one PostgreSQL (issue 19, item 5): the visitor's long poll
 * waits on instance B while the message, and so the reply, is handled on A.
 * B learns of the reply from A's NOTIFY on its LISTEN connection; it does not
 * query the transcript while it waits.
 */
const apps: TestApp[] = [];
beforeAll(async () => {
  const databaseUrl = await freshDatabase('hk_webchat2');
  apps.push(await startTestApp({ DATABASE_URL: databaseUrl }));
  apps.push(await startTestApp({ DATABASE_URL: databaseUrl }));
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
});

it('wakes a long poll on one instance for a reply delivered by the other', async () => {
  const [a, b] = apps as [TestApp, TestApp];
  const onA = await WebchatClient.open(a.url, 'en-GB');
  const onB = new WebchatClient(b.url, onA.token, 'en-GB');
  for (const text of ['Hello', 'consent:yes']) {
    const waiting = onB.fetch(20);
    const started = Date.now();
    const res = text.includes(':') ? await onA.post({ choice: text }) : await onA.post({ text });
    expect(res.status).toBe(202);
    const lines = await waiting;
    expect(lines.some((l) => l.direction === 'out')).toBe(true);
    // Well before the 20 s wait ends: woken, not timed out.
    expect(Date.now() - started).toBeLessThan(10_000);
  }
});
