import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerOnWebchat, webchatReply, webchatSend } from '../support/complaints.ts';
import { answerUntilSummary } from '../support/intake-flow.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { lastText, WebchatClient, type ChatEntry } from '../support/webchat-client.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const caseRow = (number: string) => app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const values = (replies: ChatEntry[]) => (replies.at(-1)?.payload.choices ?? []).map((c) => c.value);
const caseNumber = (replies: ChatEntry[]) => {
  const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
  if (!number) throw new Error(`no case number in: ${lastText(replies)}`);
  return number;
};

describe('the web chat intake understands customers and loses nothing, end to end', () => {
  it('keeps both halves of a complaint sent as two messages (the second while a button question is open)', async () => {
    const chat = await WebchatClient.open(app.url, 'zh-CN');
    await chat.say('我妈妈七十多岁了，在你们店里被店员推了一下');
    let replies = await chat.say('差点摔倒，幸好没受伤，但是老人家吓坏了，这是什么服务态度');
    expect(lastText(replies)).toMatch(/^这段内容我已补充到您的投诉里。/);
    replies = await chat.press('opt:service_attitude');
    await answerUntilSummary(webchatSend(chat), webchatReply(replies), { details: '周日上午在你们超市', resolution: 'apology', name: '张伟', contact: '13987654321' });
    const number = caseNumber(await chat.say('确认'));
    const row = await caseRow(number);
    expect(row.description).toBe('我妈妈七十多岁了，在你们店里被店员推了一下\n差点摔倒，幸好没受伤，但是老人家吓坏了，这是什么服务态度');
    // An elderly person pushed is serious; "幸好没受伤" denies an injury, so none is recorded.
    expect(row.severity).toBe('major');
    expect(row.severity_reasons.join(' ')).not.toContain('受伤');
  });

  it.each([
    ['en', 'The microwave door came off when I opened it. Nobody was hurt, luckily.'],
    ['zh-CN', '微波炉的门一开就掉下来了，幸好没有人受伤'],
  ] as const)('does not take a denied injury for one (%s)', async (locale, story) => {
    const chat = await WebchatClient.open(app.url, locale);
    await answerOnWebchat(chat, story, { category: 'product_quality', resolution: 'repair', name: 'Kim Park', contact: `kim.${locale}@example.org` });
    const row = await caseRow(caseNumber(await chat.press('cmd:confirm')));
    expect(row).toMatchObject({ severity: 'general', severity_reasons: [] });
  });

  it('replaces the contact edited at the summary, and stores an e-mail written in brackets without them', async () => {
    const chat = await WebchatClient.open(app.url, 'en-GB');
    await answerOnWebchat(chat, 'The installer cracked my kitchen tiles and left without a word. Write to me at (dana@example.org)', {
      category: 'delivery_installation',
      resolution: 'repair',
      name: 'Dana Smith',
    });
    await chat.press('cmd:edit');
    let replies = await chat.press('edit:contact');
    expect(lastText(replies)).toContain('phone number or an e-mail');
    replies = await chat.say('+44 20 7946 0958');
    expect(Object.fromEntries(replies.at(-1)!.payload.card!.fields.map((f) => [f.label, f.value]))).toMatchObject({ Contact: '+44 20 7946 0958' });
    const row = await caseRow(caseNumber(await chat.press('cmd:confirm')));
    expect(row).toMatchObject({ contact_phone: '+442079460958', contact_email: null, contact_name: 'Dana Smith' });
  });

  it('starts a new complaint after "cancel" with a case open, instead of adding it to the old case', async () => {
    const chat = await WebchatClient.open(app.url, 'en-GB');
    await chat.say('hi');
    const first = caseNumber(await chat.say('talk to a person'));
    await chat.say('cancel');
    const replies = await chat.say('Separate problem: the blender I bought yesterday smells of burning plastic.');
    expect(lastText(replies)).toContain('It sounds like a problem with');
    expect(lastText(replies)).not.toContain(first);
    const messages = await app.database.db.selectFrom('case_messages').select('body').where('case_id', '=', (await caseRow(first)).id).execute();
    expect(messages).toEqual([]);
  });

  it('asks whether a new story belongs to the open case or is a new complaint, with buttons', async () => {
    let now = Date.now();
    const clocked = await startTestApp({}, { clock: () => new Date(now) });
    try {
      const chat = await WebchatClient.open(clocked.url, 'en-GB');
      await chat.say('hi');
      const first = caseNumber(await chat.say('talk to a person'));
      now += 3 * 3600_000;
      let replies = await chat.say('My new washing machine flooded the bathroom this morning, the floor is ruined.');
      expect(lastText(replies)).toBe(`You have a complaint open (case ${first}). Is this message about it, or a new complaint?`);
      expect(values(replies)).toEqual(['followup:case', 'followup:new']);
      replies = await chat.press('followup:new');
      expect(lastText(replies)).toContain('It sounds like a problem with');
    } finally {
      await clocked.stop();
    }
  });

  it('offers "skip" only where it is allowed, and answers a typed skip where it is not', async () => {
    const chat = await WebchatClient.open(app.url, 'en-GB');
    let replies = await chat.say('The courier threw my parcel over the fence and the screen cracked.');
    expect(values(replies)).not.toContain('cmd:skip');
    replies = await chat.say('skip');
    expect(lastText(replies)).toMatch(/^This question can't be skipped/);
    replies = await chat.press('opt:delivery_installation');
    expect(values(replies)).toEqual(['cmd:skip']);
    replies = await chat.say("I don't have it");
    expect(lastText(replies)).toContain('What would you like us to do?');
    expect(values(replies)).not.toContain('cmd:skip');
  });

  it('confirms the proposed category with one tap, and a wrong guess costs one tap', async () => {
    const chat = await WebchatClient.open(app.url, 'zh-CN');
    let replies = await chat.say('你们送货的师傅把冰箱送来时门已经撞凹了，还不肯帮我搬进屋');
    expect(lastText(replies)).toMatch(/听起来是.+的问题，对吗？/);
    const [yes, ...others] = replies.at(-1)!.payload.choices!;
    expect(yes!.label).toBe('对，是这个');
    expect(others.map((c) => c.value)).not.toContain(yes!.value);
    replies = await chat.press('opt:service_attitude');
    expect(lastText(replies)).toContain('什么时候、在哪里发生的');
  });

  it.each([
    ['zh-CN', '我买的吹风机用了两天就坏了，没有风出来，订单 202611150034', ['好的', '没有', '换货吧', '王小明 138-0013-8000（微信同号）', '没问题，提交吧']],
    ['en', 'The kettle I bought stopped heating after two days, order #A123456', ['yes please', 'no', 'a replacement please', 'Sam Lee sam@example.com', 'looks good']],
  ] as const)('takes typed answers in %s from first message to case', async (locale, story, typed) => {
    const chat = await WebchatClient.open(app.url, locale);
    let replies = await chat.say(story);
    for (const words of typed.slice(0, -1)) {
      replies = await chat.say(words);
      expect(lastText(replies)).not.toMatch(/Please pick|请点选|Please give me your name and a phone|请告诉我您的称呼/);
    }
    const row = await caseRow(caseNumber(await chat.say(typed.at(-1)!)));
    expect(row).toMatchObject({ category: 'product_quality', desired_resolution: 'replacement', order_ref: locale === 'en' ? 'A123456' : '202611150034', consent_given: true });
    if (locale === 'zh-CN') expect(row).toMatchObject({ contact_phone: '+8613800138000', contact_name: '王小明' });
    else expect(row).toMatchObject({ contact_email: 'sam@example.com', contact_name: 'Sam Lee' });
  });

  it('answers Traditional Chinese in Traditional Chinese and reads it for fields and severity', async () => {
    const chat = await WebchatClient.open(app.url, 'zh-CN');
    let replies = await chat.say('我姓林，冰箱插頭冒煙了，差點起火，訂單號 XX20261101-88');
    expect(lastText(replies)).toContain('聽到這個情況我非常抱歉');
    expect(lastText(replies)).toContain('對嗎？');
    replies = await chat.press(values(replies)[0]!);
    replies = await chat.say('昨晚在家裡');
    replies = await chat.say('退款');
    expect(lastText(replies)).toContain('為了把處理結果告訴您，請留下您的手機號或郵箱');
    replies = await chat.say('0912345678 lin@example.tw');
    expect(lastText(replies)).toContain('以下是您的投訴內容');
    const row = await caseRow(caseNumber(await chat.say('確認送出')));
    expect(row).toMatchObject({ severity: 'major', order_ref: 'XX20261101-88', contact_name: '林', contact_email: 'lin@example.tw' });
    expect(row.description).toBe('我姓林，冰箱插頭冒煙了，差點起火，訂單號 XX20261101-88');
  });
});
