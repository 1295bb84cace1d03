import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelModule } from '../../adapters/channel-module.ts';
import { chineseIntake, englishIntake, type ScriptedCustomer } from '../support/intake-scripts.ts';
import { findAnywhere, reportFigures } from '../support/privacy-fixtures.ts';
import { answerCaseSurvey } from '../support/surveys.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { allText, lastText, WebchatClient } from '../support/webchat-client.ts';

/** A stand-in for the Slack desk: records the case notices it gets. */
const anonymisedNotices: Array<{ number: string; reason: string }> = [];
const openedNotices: string[] = [];
const recordingDesk = (): ChannelModule => ({
  name: 'recording-desk',
  caseListener: {
    async caseOpened(_trx, event) {
      openedNotices.push(event.number);
    },
    async caseAnonymised(_trx, event) {
      anonymisedNotices.push({ number: event.number, reason: event.reason });
    },
  },
});

let app: TestApp;
let annabel: ScriptedCustomer;
let li: ScriptedCustomer;
const tomasz = { externalId: '777000111', name: 'Tomasz Telegramski', text: 'Tomasz here, the courier kicked my parcel' };

beforeAll(async () => {
  app = await startTestApp({}, { modules: [recordingDesk] });
  annabel = await englishIntake(app, {
    name: 'Annabel Quist',
    phone: '+44 7911 123461',
    phoneNormalised: '+447911123461',
    email: 'annabel.quist@example.org',
    description: 'The kettle switch melted and sparks came out of the base.',
    whenWhere: 'Last Tuesday at Quist Cottage, Lower Slaughter',
    followUp: 'Annabel again: the scorch mark on the worktop is permanent.',
    fileName: 'annabel-kettle.png',
  });
  li = await chineseIntake(app, {
    name: '李四海',
    phone: '13911112222',
    email: 'li.sihai@example.cn',
    description: '我买的吸尘器用了三天就坏了，客服一直不回复',
    followUp: '李四海补充：发票也丢了',
  });
  // Both cases resolved, and their satisfaction surveys answered with a comment.
  annabel.needles.push(await commentOn(annabel, 'The new kettle from Marjorie at the Lower Slaughter shop works.'));
  li.needles.push(await commentOn(li, '李四海：新吸尘器很好用'));
  // A Telegram identity with a profile name (the channel's own adapter lands later; the use case is the same).
  await app.conversations.handleInbound({
    channel: 'telegram',
    externalUserId: tomasz.externalId,
    address: { chatId: 777000111 },
    deliveryId: 'tg-update-1',
    text: tomasz.text,
    profile: { name: tomasz.name },
  });
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

describe('"delete my data" in the chat', () => {
  it('opens a case for staff with the number told to the customer, and erases nothing', async () => {
    const replies = await annabel.chat.say('delete my data');
    const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
    expect(lastText(replies)).toContain(`I've registered your request to delete your data as case ${number}`);
    const db = app.database.db;
    const request = await db.selectFrom('cases').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    expect(request).toMatchObject({ category: 'data_request', opened_via: 'data_request', severity: 'general', status: 'new', description: null, contact_phone: null });
    const created = await db.selectFrom('case_events').select(['action', 'details']).where('case_id', '=', request.id).executeTakeFirstOrThrow();
    expect(created).toEqual({ action: 'created', details: expect.objectContaining({ openedVia: 'data_request', request: 'erasure' }) });
    expect(openedNotices).toContain(number);
    // Nothing was erased: the complaint still holds what the customer gave.
    expect(await db.selectFrom('cases').select('contact_email').where('number', '=', annabel.caseNumber).executeTakeFirstOrThrow()).toEqual({ contact_email: annabel.email });

    const again = await annabel.chat.say('Delete my data!');
    expect(lastText(again)).toBe(`Your request to delete your data is already registered as case ${number}; our staff will reply here.`);
    expect(await db.selectFrom('cases').select('id').where('opened_via', '=', 'data_request').where('customer_id', '=', request.customer_id).execute()).toHaveLength(1);
  });

  it('understands Chinese, mid-intake, and drops the draft', async () => {
    const chat = await WebchatClient.open(app.url, 'zh-CN');
    await chat.say('你好');
    await chat.say('店员王大锤态度很差，还骂我，我的电话是13700001111');
    await chat.press('opt:service_attitude');
    const replies = await chat.say('删除我的数据');
    expect(allText(replies)).toContain('草稿已丢弃');
    expect(lastText(replies)).toMatch(/您的数据删除请求已登记，投诉单号 C-\d{4}-\d{6}/);
    // The draft is gone from the conversation state; the visitor's own transcript stays until staff erase.
    expect(await findAnywhere(app.database.db, ['王大锤', '13700001111'])).toEqual({ 'public.webchat_messages.payload': ['王大锤', '13700001111'] });
  });
});

describe('data export', () => {
  it('holds everything about the customer, and nothing about anyone else', async () => {
    const outcome = await app.privacy.exportCustomer({ caseNumber: annabel.caseNumber }, 'staff:U0123');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const data = outcome.data;
    const json = JSON.stringify(data);
    for (const needle of [annabel.name, annabel.phoneForms[1]!, annabel.email, annabel.description, annabel.whenWhere, annabel.followUp, annabel.fileName!]) {
      expect(json, needle).toContain(needle);
    }
    for (const needle of [...li.needles, tomasz.name, tomasz.text]) expect(json, needle).not.toContain(needle);

    expect(data.customer).toMatchObject({ channel: 'webchat', displayName: null });
    expect(data.cases.map((c) => [c.category, c.openedVia])).toEqual([
      ['product_quality', 'intake'],
      ['data_request', 'data_request'],
    ]);
    expect(data.cases[0]).toMatchObject({
      number: annabel.caseNumber,
      description: expect.stringContaining(annabel.description),
      whenWhere: annabel.whenWhere,
      contact: { name: annabel.name, phone: annabel.phoneForms[1], email: annabel.email },
      consent: { given: true, version: '2026-11' },
      messages: [{ direction: 'customer', body: annabel.followUp }],
    });
    expect((data.cases[0]!.auditEvents as Array<{ action: string }>).map((e) => e.action)).toEqual(['created', 'survey_sent', 'survey_answered', 'closed', 'status_changed']);
    // The case survey and its answers; the data request has none.
    expect(data.cases[0]!.surveys).toEqual([
      expect.objectContaining({ channel: 'webchat', status: 'answered', sentAt: expect.any(String), answers: { resolved: true, csat: 5, nps: null, comment: annabel.needles.at(-1) } }),
    ]);
    expect(data.cases[1]!.surveys).toEqual([]);
    expect(data.attachments).toEqual([expect.objectContaining({ case: annabel.caseNumber, fileName: annabel.fileName, mimeType: 'image/png' })]);
    expect(data.webchatTranscript.length).toBeGreaterThan(10);
    expect(data.outboundMessages.length).toBeGreaterThan(5);

    // The same customer found by channel identity; the request is audited.
    const byIdentity = await app.privacy.exportCustomer({ channel: 'webchat', externalId: data.customer.externalId }, 'cli:operator');
    expect(byIdentity.ok && byIdentity.data.cases.map((c) => c.number)).toEqual(data.cases.map((c) => c.number));
    const caseId = await caseIdOf(annabel.caseNumber);
    const events = await app.database.db.selectFrom('case_events').select(['actor', 'action']).where('case_id', '=', caseId).orderBy('id').execute();
    expect(events.filter((e) => e.action === 'data_exported')).toEqual([
      { actor: 'staff:U0123', action: 'data_exported' },
      { actor: 'cli:operator', action: 'data_exported' },
    ]);
    const requests = await app.database.db.selectFrom('privacy_requests').select(['kind', 'actor']).orderBy('id').execute();
    expect(requests).toEqual([
      { kind: 'export', actor: 'staff:U0123' },
      { kind: 'export', actor: 'cli:operator' },
    ]);
  });

  it('answers not_found for an unknown customer', async () => {
    expect(await app.privacy.exportCustomer({ caseNumber: 'C-1999-000001' }, 'cli:operator')).toEqual({ ok: false, reason: 'not_found' });
    expect(await app.privacy.exportCustomer({ channel: 'telegram', externalId: 'nobody' }, 'cli:operator')).toEqual({ ok: false, reason: 'not_found' });
  });
});

describe('erasure', () => {
  it('leaves no trace of the customer in any table, keeps the statistics and everyone else', async () => {
    const db = app.database.db;
    expect(Object.keys(await findAnywhere(db, annabel.needles)).length).toBeGreaterThan(3);
    const visitorId = (await db.selectFrom('customers').select('external_id').where('id', '=', (await db.selectFrom('cases').select('customer_id').where('number', '=', annabel.caseNumber).executeTakeFirstOrThrow()).customer_id).executeTakeFirstOrThrow()).external_id;
    const figures = await reportFigures(db);
    const outcome = await app.privacy.eraseCustomer({ caseNumber: annabel.caseNumber }, 'cli:operator');
    expect(outcome).toEqual({
      ok: true,
      summary: expect.objectContaining({ cases: [annabel.caseNumber, expect.stringMatching(/^C-/)], caseMessagesBlanked: 1, attachmentsDeleted: 1, transcriptLinesDeleted: expect.any(Number) }),
    });

    expect(await findAnywhere(db, [...annabel.needles, visitorId])).toEqual({});
    // The scan does find data that is still held.
    expect(Object.keys(await findAnywhere(db, [li.name, li.phone, tomasz.name])).length).toBeGreaterThanOrEqual(3);
    expect(await reportFigures(db)).toEqual(figures);

    const row = await db.selectFrom('cases').selectAll().where('number', '=', annabel.caseNumber).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ category: 'product_quality', severity: 'major', status: 'closed', desired_resolution: 'refund', consent_given: true, description: null });
    // The survey's scores stay for the reports; its comment is gone (the scan above).
    expect(await db.selectFrom('surveys').select(['status', 'resolved', 'csat', 'comment']).where('case_id', '=', row.id).execute()).toEqual([
      { status: 'answered', resolved: true, csat: 5, comment: null },
    ]);
    const events = await db.selectFrom('case_events').select(['actor', 'action', 'details']).where('case_id', '=', row.id).orderBy('id').execute();
    expect(events.at(-1)).toMatchObject({ actor: 'cli:operator', action: 'data_erased', details: { reason: 'erasure', messages: 1, attachments: 1 } });
    // One notice per erased case; timers fire in no set order.
    const byNumber = (a: { number: string }, b: { number: string }) => a.number.localeCompare(b.number);
    await expect.poll(() => [...anonymisedNotices].sort(byNumber), { timeout: 10_000 }).toEqual(
      (outcome.ok ? outcome.summary.cases.map((number) => ({ number, reason: 'erasure' })) : []).sort(byNumber),
    );

    expect(await app.privacy.eraseCustomer({ caseNumber: annabel.caseNumber }, 'cli:operator')).toEqual({ ok: false, reason: 'already_erased' });
  });

  it('treats the same browser as a new visitor afterwards', async () => {
    const again = new WebchatClient(app.url, annabel.chat.token);
    expect(await again.fetch()).toEqual([]); // the old transcript is gone
    const replies = await again.say('hello');
    expect(replies.at(-1)!.payload.text).toContain('tell me what happened');
  });

  it('removes a channel identity and its profile name', async () => {
    const outcome = await app.privacy.eraseCustomer({ channel: 'telegram', externalId: tomasz.externalId }, 'staff:U0999');
    expect(outcome).toMatchObject({ ok: true, summary: { cases: [] } });
    expect(await findAnywhere(app.database.db, [tomasz.name, tomasz.text])).toEqual({});
    const request = await app.database.db.selectFrom('privacy_requests').select(['kind', 'actor']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(request).toEqual({ kind: 'erasure', actor: 'staff:U0999' });
  });
});

/** Answers the customer's case survey with `comment`; returns the comment. */
async function commentOn(customer: ScriptedCustomer, comment: string): Promise<string> {
  await answerCaseSurvey(app, customer.chat, customer.caseNumber, comment);
  return comment;
}

async function caseIdOf(number: string): Promise<number> {
  return (await app.database.db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirstOrThrow()).id;
}
