import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allText, lastText, WebchatClient } from '../support/webchat-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function caseRow(number: string) {
  return app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
}

describe('web chat intake, end to end over HTTP', () => {
  it('takes a whole complaint in English, with buttons, and stores the case', async () => {
    const chat = await WebchatClient.open(app.url, 'en-GB');
    let replies = await chat.say('Hello');
    expect(lastText(replies)).toContain('tell me what happened');
    expect(replies.at(-1)!.payload.choices).toBeUndefined();

    replies = await chat.say('The washing machine leaks water from the door after two weeks.');
    expect(lastText(replies)).toContain("I'm sorry about this");
    expect(lastText(replies)).toContain('It sounds like a problem with product quality: is that right?');
    expect(replies.at(-1)!.payload.choices!.map((c) => c.value)).toEqual([
      'opt:product_quality',
      'opt:service_attitude',
      'opt:price_billing',
      'opt:delivery_installation',
      'opt:after_sales_repair',
      'opt:other',
    ]);

    replies = await chat.say('yes');
    expect(lastText(replies)).toContain('When and where did it happen? If you have an order number or photos');
    expect(replies.at(-1)!.payload.choices!.map((c) => c.value)).toEqual(['cmd:skip']);
    replies = await chat.say('3 November, at home in Leeds, order ORD-552211');
    expect(lastText(replies)).toContain('What would you like us to do?');
    replies = await chat.say('2');
    expect(lastText(replies)).toContain('Please pick one of the options');
    replies = await chat.say('a replacement please');
    expect(lastText(replies)).toContain('please give me your name and a phone number or e-mail address');
    replies = await chat.say('Alice Example');
    expect(lastText(replies)).toContain('phone number or an e-mail');
    replies = await chat.say('not a phone');
    expect(lastText(replies)).toContain('not a phone number or e-mail');
    replies = await chat.say('alice@example.com');
    const summary = replies.at(-1)!;
    expect(summary.payload.text).toContain('Shall I submit it?');
    const fields = Object.fromEntries(summary.payload.card!.fields.map((f) => [f.label, f.value]));
    expect(fields).toMatchObject({
      Category: 'Product quality',
      'Order number': 'ORD-552211',
      'You would like': 'Replacement',
      Name: 'Alice Example',
      Contact: 'alice@example.com',
    });

    replies = await chat.say('looks good');
    const confirmation = lastText(replies);
    const number = /C-\d{4}-\d{6}/.exec(confirmation)?.[0];
    expect(number, confirmation).toBeDefined();
    expect(confirmation).toContain('Beijing time (within 24 hours)');

    const row = await caseRow(number!);
    expect(row).toMatchObject({
      channel: 'webchat',
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
      consent_version: '2026-11',
      opened_via: 'intake',
    });
    expect(new Date(row.first_response_due_at).getTime() - new Date(row.created_at).getTime()).toBe(24 * 3600 * 1000);
    expect(new Date(row.resolution_due_at).getTime() - new Date(row.created_at).getTime()).toBe(72 * 3600 * 1000);
    const events = await app.database.db.selectFrom('case_events').selectAll().where('case_id', '=', row.id).execute();
    expect(events.map((e) => e.action)).toEqual(['created']);

    // After submit: messages go to the case, `status` answers, `new` starts another.
    replies = await chat.say('I also noticed a burning smell yesterday.');
    expect(lastText(replies)).toContain(`Added to your case ${number}`);
    const messages = await app.database.db.selectFrom('case_messages').selectAll().where('case_id', '=', row.id).execute();
    expect(messages.map((m) => [m.direction, m.body])).toEqual([['customer', 'I also noticed a burning smell yesterday.']]);
    replies = await chat.say('status');
    expect(lastText(replies)).toMatch(new RegExp(`Case ${number} \\(.+\\): received\\.`));
    replies = await chat.say('new');
    expect(lastText(replies)).toContain('tell me what happened');
  });

  it('takes a whole complaint in Chinese, read from the first message, and rates it major', async () => {
    const chat = await WebchatClient.open(app.url, 'zh-CN');
    let replies = await chat.say('我买的热水器安装后漏电，我家人受伤了，订单号 ORD-778899，电话 13800138000');
    // Concern first, no privacy notice; the category is proposed for one tap.
    expect(lastText(replies)).toMatch(/^听到这个情况我非常抱歉/);
    expect(lastText(replies)).not.toContain('保存');
    expect(lastText(replies)).toContain('对吗？');
    replies = await chat.press(replies.at(-1)!.payload.choices![0]!.value);
    expect(lastText(replies)).toContain('什么时候、在哪里发生的');
    replies = await chat.say('没有');
    expect(lastText(replies)).toContain('您希望我们怎么处理');
    replies = await chat.say('赔偿');
    expect(lastText(replies)).toContain('请问怎么称呼您？我们会保存您的称呼和联系方式（138 0013 8000）');
    replies = await chat.say('王小明');
    const summary = replies.at(-1)!;
    expect(summary.payload.text).toContain('确认无误就可以提交了');
    const fields = Object.fromEntries(summary.payload.card!.fields.map((f) => [f.label, f.value]));
    expect(fields).toMatchObject({ 订单号: 'ORD-778899', 联系方式: '138 0013 8000', 姓名: '王小明', 希望处理方式: '赔偿' });
    replies = await chat.say('没问题，提交吧');
    const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
    expect(lastText(replies)).toContain('投诉单号');
    expect(lastText(replies)).toContain('北京时间');
    expect(lastText(replies)).not.toContain('UTC');
    expect(lastText(replies)).toContain('12 小时内');
    const row = await caseRow(number!);
    expect(row).toMatchObject({ locale: 'zh-CN', severity: 'major', contact_phone: '+8613800138000', desired_resolution: 'compensation' });
    expect(row.severity_reasons).toEqual(expect.arrayContaining(['injury: "受伤"', 'fire_electric: "漏电"', 'remedy:compensation']));
    // The audit log says why, in the same words.
    const created = await app.database.db.selectFrom('case_events').select('details').where('case_id', '=', row.id).where('action', '=', 'created').executeTakeFirstOrThrow();
    expect(created.details).toMatchObject({ severity: 'major', severityReasons: row.severity_reasons });
  });

  it('opens a case at once when the customer asks for a person, without contact details as consent was not given', async () => {
    const chat = await WebchatClient.open(app.url);
    await chat.say('hi');
    let replies = await chat.say('My order never arrived and nobody answers the phone, call me on +44 20 7946 0958.');
    expect(lastText(replies)).toContain('It sounds like');
    replies = await chat.say('talk to a person');
    const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
    expect(lastText(replies)).toContain("I've passed you to our staff");
    const row = await caseRow(number!);
    expect(row).toMatchObject({ opened_via: 'person', consent_given: false, contact_name: null, contact_email: null, contact_phone: null });
  });

  it('ignores a duplicate delivery of the same message', async () => {
    const chat = await WebchatClient.open(app.url);
    const first = await chat.post({ id: 'dup-message-0001', text: 'hello there' });
    const again = await chat.post({ id: 'dup-message-0001', text: 'hello there' });
    expect(await first.json()).toEqual({ accepted: true, duplicate: false });
    expect(await again.json()).toEqual({ accepted: true, duplicate: true });
    const replies = await chat.replies();
    expect(replies).toHaveLength(1);
  });

  it('answers bad requests with clear 4xx errors and keeps the conversation', async () => {
    const chat = await WebchatClient.open(app.url);
    const noToken = await fetch(`${app.url}/webchat/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noToken.status).toBe(401);
    const malformed = await fetch(`${app.url}/webchat/messages`, {
      method: 'POST',
      body: '{"id": "abc',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${chat.token}` },
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const huge = await chat.post({ text: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    const empty = await chat.post({ text: '   ' });
    expect(empty.status).toBe(400);
    const unknownField = await chat.post({ text: 'hi', admin: true });
    expect(unknownField.status).toBe(400);

    await chat.say('hello');
    const tooLong = await chat.say('y'.repeat(4001));
    expect(allText(tooLong)).toContain('too long');
    expect(lastText(tooLong)).toContain('tell me what happened');
    const binary = await chat.say('\u0000\u0001\u0002\u200b');
    expect(lastText(binary)).toContain("didn't catch that");
    const ok = await chat.say('The delivery driver left the parcel in the rain.');
    expect(lastText(ok)).toContain('It sounds like a problem with delivery or installation');
  });

  it('serves the page with every script it loads, from this server, each as JavaScript and none inline', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    // default-src 'self': a script from elsewhere, or written into the page, would not run.
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const tags = html.match(/<script\b[^>]*>/g) ?? [];
    const sources = tags.map((tag) => /\ssrc="([^"]+)"/.exec(tag)?.[1]);
    expect(sources).toEqual(['/webchat/outbox.js', '/webchat/tray.js', '/webchat/chat-format.js', '/webchat/chat-texts.js', '/webchat/chat-session.js', '/webchat/chat-view.js', '/webchat/chat-embed.js', '/webchat/chat.js']);
    expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    for (const src of [...sources, '/widget.js']) {
      const res = await fetch(`${app.url}${src}`);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type'), src).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control'), src).toBe('public, max-age=300');
      expect((await res.text()).length, src).toBeGreaterThan(0);
    }
  });
});
