import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseIntake, englishIntake, type ScriptedCustomer } from '../support/intake-scripts.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  // The most verbose level: whatever any component logs is collected.
  app = await startTestApp({ LOG_LEVEL: 'trace' });
});
afterAll(async () => {
  await app?.stop();
});

describe('logs carry no personal data', () => {
  it('after English and Chinese intakes, mistakes, a duplicate, a data request, an export and an erasure', async () => {
    const customers: ScriptedCustomer[] = [];
    customers.push(
      await englishIntake(app, {
        name: 'Henrietta Logsworth',
        phone: '+44 7700 900888',
        phoneNormalised: '+447700900888',
        email: 'henrietta.logsworth@example.net',
        description: 'The oven door glass shattered while baking bread yesterday.',
        whenWhere: '14 Wisteria Lane, around six in the evening',
        followUp: 'Henrietta here: my neighbour Dorian Quill saw it happen.',
        fileName: 'henrietta-oven-door.jpg',
      }),
    );
    customers.push(
      await chineseIntake(app, {
        name: '欧阳娜娜',
        phone: '13812345678',
        email: 'ouyang.nana@example.cn',
        description: '新买的冰箱坏了，冷藏室完全不制冷，食物都变质了',
        followUp: '欧阳娜娜补充：家住朝阳区幸福路8号',
      }),
    );
    const [english, chinese] = customers as [ScriptedCustomer, ScriptedCustomer];
    // A wrong answer that is itself personal data, and a redelivered message.
    await english.chat.say('new');
    await english.chat.say('Henrietta Logsworth, 07700 900888');
    const first = await english.chat.post({ id: 'log-duplicate-0001', text: 'Henrietta Logsworth again' });
    const again = await english.chat.post({ id: 'log-duplicate-0001', text: 'Henrietta Logsworth again' });
    expect([first.status, again.status]).toEqual([202, 202]);
    await english.chat.replies();
    await chinese.chat.say('删除我的数据');

    const visitorIds = await app.database.db.selectFrom('customers').select('external_id').where('channel', '=', 'webchat').execute();
    const exported = await app.privacy.exportCustomer({ caseNumber: chinese.caseNumber }, 'staff:U0LOG');
    expect(exported.ok).toBe(true);
    expect((await app.privacy.eraseCustomer({ caseNumber: english.caseNumber }, 'cli:operator')).ok).toBe(true);
    await app.privacy.runRetention();

    const needles = [
      ...customers.flatMap((c) => c.needles),
      'Dorian Quill',
      '07700 900888',
      ...customers.map((c) => c.chat.token),
      ...visitorIds.map((v) => v.external_id),
    ];
    expect(app.logs.length).toBeGreaterThan(5);
    const leaks = app.logs.flatMap((line) => {
      const text = JSON.stringify(line);
      return needles.filter((needle) => text.includes(needle) || text.includes(JSON.stringify(needle).slice(1, -1))).map((needle) => ({ needle, msg: line.msg }));
    });
    expect(leaks).toEqual([]);
    // The lines that matter are there, with ids and counts.
    const messages = new Set(app.logs.map((l) => l.msg));
    for (const msg of ['case opened', 'data request case opened', 'duplicate inbound delivery ignored', 'customer data exported', 'customer data erased', 'retention run finished']) {
      expect(messages, msg).toContain(msg);
    }
  });
});
