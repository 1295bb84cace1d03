import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../support/test-database.ts';
import { startTestApp, tempDataDir, type TestApp } from '../support/test-app.ts';
import type { BotReply, ChannelDriver, ChatCustomer } from './channel-driver.ts';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const last = (replies: BotReply[]): BotReply => {
  const reply = replies.at(-1);
  if (!reply) throw new Error('the bot did not reply');
  return reply;
};
const allText = (replies: BotReply[]): string => replies.map((r) => r.text).join('\n');
const values = (reply: BotReply): string[] => reply.choices.map((c) => c.value);
const caseNumberIn = (text: string): string => {
  const number = /C-\d{4}-\d{6}/.exec(text)?.[0];
  if (!number) throw new Error(`no case number in: ${text}`);
  return number;
};

/**
 * The channel contract: every customer channel passes these, through its own
 * real entry point (like botbuilder's storageBaseTests). The app runs on a
 * persistent database so that one test can restart it mid-intake.
 */
export function channelContractTests(driver: ChannelDriver): void {
  let app: TestApp;
  let env: Record<string, string>;
  let dataDir: string | undefined;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    if (!databaseUrl) dataDir = tempDataDir();
    env = { ...(await driver.setup()), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }) };
    app = await startTestApp(env);
    driver.attach(app);
  });
  afterAll(async () => {
    await app?.stop();
    await driver.teardown();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const caseRow = (number: string) => app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

  /**
   * The consent question comes with what the intake still needs: the name
   * (unless the channel's profile gave it) and a contact, or just a yes.
   */
  async function consentStep(customer: ChatCustomer, replies: BotReply[], answer: { name: string; contact?: string; yes: string }): Promise<BotReply[]> {
    expect(values(last(replies))).toContain('consent:no');
    if (customer.profileName && answer.contact) return customer.say(answer.contact);
    if (customer.profileName) return customer.say(answer.yes);
    return customer.say(answer.contact ? `${answer.name} ${answer.contact}` : answer.name);
  }

  describe(`channel contract: ${driver.channel}`, () => {
    it('is on, and says so in the start log', () => {
      const started = app.logs.find((l) => l.msg === 'hearken started') as { channels: string[] } | undefined;
      expect(started?.channels).toContain(driver.channel);
    });

    it('takes a whole complaint in English, with buttons, and stores the case', async () => {
      const customer = driver.openCustomer({ locale: 'en', name: 'Alice Example' });
      let replies = await customer.say('Hello');
      expect(last(replies).text).toContain('tell me what happened');
      replies = await customer.say('The washing machine leaks water from the door after two weeks.');
      expect(last(replies).text).toContain('It sounds like a problem with product quality: is that right?');
      expect(values(last(replies))[0]).toBe('opt:product_quality');
      replies = await customer.press('opt:product_quality');
      expect(last(replies).text).toContain('When and where');
      expect(values(last(replies))).toEqual(['cmd:skip']);
      replies = await customer.say('3 November, at home in Leeds, order ORD-552211');
      expect(last(replies).text).toContain('What would you like us to do?');
      replies = await customer.say('2');
      expect(last(replies).text).toContain('Please pick one of the options');
      replies = await customer.say('a replacement please');
      if (!customer.profileName) {
        expect(last(replies).text).toContain('please give me your name and a phone number or e-mail address');
        replies = await customer.say('Alice Example');
      }
      expect(last(replies).text).toContain('phone number or');
      replies = await customer.say('not a phone');
      expect(last(replies).text).toMatch(/not a phone number or e-mail|give me your name and a phone number/);
      replies = await customer.say('alice@example.com');
      const summary = last(replies);
      expect(summary.text).toContain('Shall I submit it?');
      for (const line of ['Category: Product quality', 'Order number: ORD-552211', 'You would like: Replacement', 'Name: Alice Example', 'Contact: alice@example.com']) {
        expect(summary.text).toContain(line);
      }
      expect(values(summary)).toEqual(['cmd:confirm', 'cmd:edit', 'cmd:cancel']);

      replies = await customer.press('cmd:confirm');
      const number = caseNumberIn(last(replies).text);
      expect(last(replies).text).toContain('within 24 hours');
      const row = await caseRow(number);
      expect(row).toMatchObject({
        channel: driver.channel,
        status: 'new',
        severity: 'general',
        category: 'product_quality',
        description: 'Hello\nThe washing machine leaks water from the door after two weeks.',
        when_where: '3 November, at home in Leeds, order ORD-552211',
        order_ref: 'ORD-552211',
        desired_resolution: 'replacement',
        contact_name: 'Alice Example',
        contact_email: 'alice@example.com',
        consent_given: true,
        opened_via: 'intake',
      });

      replies = await customer.say('I also noticed a burning smell yesterday.');
      expect(last(replies).text).toContain(`Added to your case ${number}`);
      replies = await customer.say('status');
      expect(last(replies).text).toMatch(new RegExp(`Case ${number} \\(.+\\): received\\.`));
      replies = await customer.say('new');
      expect(last(replies).text).toContain('tell me what happened');
    });

    it('takes a whole complaint in Chinese, read from the first message, and rates it major', async () => {
      const customer = driver.openCustomer({ locale: 'zh-CN', name: '王小明' });
      let replies = await customer.say('我买的热水器安装后漏电，我家人受伤了，订单号 ORD-778899，电话 13800138000');
      expect(last(replies).text).toMatch(/^听到这个情况我非常抱歉/);
      expect(last(replies).text).toContain('对吗？');
      replies = await customer.press(values(last(replies))[0]!);
      expect(last(replies).text).toContain('什么时候、在哪里发生的');
      replies = await customer.say('没有');
      expect(last(replies).text).toContain('您希望我们怎么处理');
      replies = await customer.say('赔偿');
      replies = await consentStep(customer, replies, { name: '王小明', yes: '好的' });
      const summary = last(replies);
      expect(summary.text).toContain('确认无误就可以提交了');
      for (const line of ['订单号: ORD-778899', '联系方式: 138 0013 8000', '姓名: 王小明', '希望处理方式: 赔偿']) {
        expect(summary.text).toContain(line);
      }
      replies = await customer.say('没问题，提交吧');
      const number = caseNumberIn(last(replies).text);
      expect(last(replies).text).toContain('12 小时内');
      expect(last(replies).text).toContain('北京时间');
      const row = await caseRow(number);
      expect(row).toMatchObject({ channel: driver.channel, locale: 'zh-CN', severity: 'major', contact_phone: '+8613800138000', contact_name: '王小明' });
    });

    it("answers in the language the channel reports, whatever the text's script", async () => {
      const customer = driver.openCustomer({ locale: 'zh-CN' });
      const replies = await customer.say('hi');
      expect(last(replies).text).toContain('请简单说说发生了什么');
    });

    it('keeps a file as evidence of the case and tells the customer when a file is refused', async () => {
      const customer = driver.openCustomer({ locale: 'en' });
      await customer.say('The installer cracked the wall tiles and left without a word.');
      let replies = await customer.press('opt:delivery_installation');
      expect(last(replies).text).toContain('order number or photos');

      replies = await customer.sendFile({ fileName: 'tiles.png', mimeType: 'image/png', content: PNG });
      expect(last(replies).text).toMatch(/Received .+ \(1 file\(s\) so far\)/);
      replies = await customer.sendFile({ fileName: 'notes.zip', mimeType: 'application/zip', content: Buffer.from('PK\u0003\u0004') });
      expect(allText(replies)).toMatch(/PDF documents are/);

      replies = await customer.say('talk to a person');
      const number = caseNumberIn(last(replies).text);
      const row = await caseRow(number);
      expect(row.evidence).toEqual([expect.objectContaining({ mimeType: 'image/png', sizeBytes: PNG.length })]);
      const stored = await app.database.db.selectFrom('attachments').selectAll().where('case_id', '=', row.id).execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ channel: driver.channel, mime_type: 'image/png', size_bytes: PNG.length });
      expect(Buffer.from(stored[0]!.content!).equals(PNG)).toBe(true);
    });

    it('ignores a duplicate delivery of the same message', async () => {
      const customer = driver.openCustomer({ locale: 'en' });
      const first = await customer.say('hello there');
      expect(last(first).text).toContain('tell me what happened');
      const before = await app.database.db.selectFrom('customers').select(['id', 'state']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      const again = await customer.redeliverLast();
      expect(again).toEqual([]);
      const after = await app.database.db.selectFrom('customers').select(['id', 'state']).where('id', '=', before.id).executeTakeFirstOrThrow();
      expect(after.state).toEqual(before.state);
      const duplicates = app.logs.filter((l) => l.msg === 'duplicate inbound delivery ignored' && l.channel === driver.channel);
      expect(duplicates.length).toBeGreaterThan(0);
    });

    it('resumes an intake where it was after the app restarts', async () => {
      const customer = driver.openCustomer({ locale: 'en' });
      await customer.say('The cashier shouted at me in front of other customers.');
      const replies = await customer.press('opt:service_attitude');
      expect(last(replies).text).toContain('When and where');

      await app.stop();
      app = await startTestApp(env);
      driver.attach(app);

      const resumed = await customer.say('Saturday at the Leeds store');
      expect(last(resumed).text).toContain('What would you like us to do?');
    });

    it('writes no personal data to the logs', () => {
      const logs = JSON.stringify(app.logs);
      for (const personal of ['Alice', 'alice@example.com', '13800138000', '王小明', 'washing machine', 'cashier', 'Leeds', 'tiles.png']) {
        expect(logs).not.toContain(personal);
      }
    });

    it("shows each customer only their own cases on status", async () => {
      const alice = driver.openCustomer({ locale: 'en' });
      await alice.say('hi');
      const opened = await alice.say('talk to a person');
      const number = caseNumberIn(last(opened).text);

      const bob = driver.openCustomer({ locale: 'en' });
      const bobStatus = await bob.say('status');
      expect(last(bobStatus).text).toContain('You have no complaints with us yet');
      expect(allText(bobStatus)).not.toContain(number);
      const aliceStatus = await alice.say('status');
      expect(last(aliceStatus).text).toContain(number);
    });
  });
}
