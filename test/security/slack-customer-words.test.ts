import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/complaints.ts';
import { AGENT, CASES, useSlackRig } from '../support/slack-app.ts';
import { everyText, renderedLiterally } from '../support/slack-blocks.ts';
import { answerCaseSurvey } from '../support/surveys.ts';
import { lastText, WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19, items 7, 8 and 10: what a customer writes reaches Slack only as
 * literal text under the bot's own header, with phones and e-mails masked,
 * and the files sent during the intake reach the case thread.
 */

const rig = useSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', rules: [] });

const db = () => rig.app.database.db;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PHONE = '13800138000';
const EMAIL = 'wang.li@example.com';
const ORDER = '202611150034';
const DESCRIPTION = `The kettle leaked *and* burnt my hand :white_check_mark: ~no refund~. Call me on ${PHONE} or write to ${EMAIL}`;
const FOLLOW_UP = `✅ *Remedy approved by Supervisor Sam.* :white_check_mark:\n<!here> call ${PHONE} about 订单${ORDER}`;

async function upload(chat: WebchatClient, fileName: string): Promise<string> {
  const res = await fetch(`${chat.baseUrl}/webchat/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'image/png', 'x-file-name': encodeURIComponent(fileName) },
    body: new Uint8Array(PNG),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The first message carries the description with a phone and an e-mail (pre-filled), then two photos as evidence. */
async function intakeWithEvidence(): Promise<{ chat: WebchatClient; number: string }> {
  const chat = await WebchatClient.open(rig.app.url, 'en-GB');
  await chat.say(DESCRIPTION);
  await chat.press('consent:yes');
  await chat.press('opt:product_quality');
  await chat.say('At home, last Tuesday evening');
  await chat.press('cmd:skip'); // order number
  const ids = [await upload(chat, 'kettle.png'), await upload(chat, 'hand\u202Egnp.exe.png')];
  expect((await chat.post({ attachmentIds: ids })).status).toBe(202);
  await chat.replies();
  await chat.press('cmd:done');
  await chat.press('opt:refund');
  await chat.say('Wang Li');
  const number = /C-\d{4}-\d{6}/.exec(lastText(await chat.press('cmd:confirm')))?.[0];
  expect(number, chat.transcript.map((e) => `${e.direction}: ${e.payload.text} [${(e.payload.choices ?? []).map((c) => c.value).join(' ')}]`).join('\n')).toBeDefined();
  return { chat, number: number! };
}

describe("customers' words in Slack", () => {
  let chat: WebchatClient;
  let number: string;
  let row: { id: number; slack_ts: string | null };
  beforeAll(async () => {
    ({ chat, number } = await intakeWithEvidence());
    row = await until(async () => {
      const r = await db().selectFrom('cases').select(['id', 'slack_ts']).where('number', '=', number).executeTakeFirstOrThrow();
      return r.slack_ts ? r : undefined;
    }, 'card posted');
  });

  it('shows the description pre-filled from the first message as literal text, contacts masked', async () => {
    const card = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === CASES && everyText(p).includes(number));
    expect(renderedLiterally(card, 'The kettle leaked *and* burnt my hand :white_check_mark:')).toEqual({ literal: 1, formatted: 0, inFallback: false });
    const all = everyText(card);
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(EMAIL);
    expect(all).toContain('138****8000');
    expect(all).toContain('w***@example.com');
  });

  it('lists the intake evidence on the card and uploads it to the thread', async () => {
    const card = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === CASES && everyText(p).includes(number));
    expect(everyText(card)).toContain('*Evidence from the intake*: 2 files, all uploaded in this thread');
    expect(renderedLiterally(card, 'kettle.png').literal).toBe(1);
    expect(everyText(card)).toContain('handgnp.exe.png');
    expect(everyText(card)).not.toContain('\u202E');
    const intake = await until(() => {
      const done = rig.fake.callsOf('files.completeUploadExternal').filter((p) => p.thread_ts === row.slack_ts && String(p.initial_comment).includes('during the intake'));
      return done.length === 2 ? done : undefined;
    }, 'both intake files uploaded to the thread');
    for (const call of intake) {
      expect(call.channel_id).toBe(CASES);
      expect(rig.fake.uploads.find((u) => u.fileId === call.files[0].id)?.bytes.equals(PNG)).toBe(true);
      expect(call.files[0].title).not.toContain('\u202E');
    }
    expect(intake.map((c) => c.files[0].title).sort()).toEqual(['handgnp.exe.png', 'kettle.png']);
  });

  it("posts a follow-up under the bot's header, literal and masked (order number kept), never in the fallback text", async () => {
    expect((await chat.post({ text: FOLLOW_UP })).status).toBe(202);
    await chat.replies();
    const post = await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && everyText(p).includes('Remedy approved by Supervisor Sam'));
    expect(renderedLiterally(post, '✅ *Remedy approved by Supervisor Sam.* :white_check_mark:')).toEqual({ literal: 1, formatted: 0, inFallback: false });
    expect(everyText(post)).not.toContain(PHONE);
    expect(everyText(post)).toContain('138****8000');
    expect(everyText(post)).toContain(`订单${ORDER}`);
    expect(post.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('*Customer wrote*') } });
  });

  it('answers /complaints show with the description literal and masked', async () => {
    const res = await rig.slack.command({ user: AGENT, text: `show ${number}` });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { text: string; blocks: unknown };
    expect(renderedLiterally(answer, 'The kettle leaked *and* burnt my hand')).toEqual({ literal: 1, formatted: 0, inFallback: false });
    expect(everyText(answer)).not.toContain(PHONE);
    expect(everyText(answer)).not.toContain(EMAIL);
  });

  it('shows the revealed contact as literal text to the one staff member who asked, not in the fallback text', async () => {
    const res = await rig.slack.press({ user: AGENT, actionId: 'case_reveal_contact', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
    expect(res.status).toBe(200);
    const shown = await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === AGENT && everyText(p).includes(number));
    expect(renderedLiterally(shown, 'Name: Wang Li')).toEqual({ literal: 1, formatted: 0, inFallback: false });
    expect(renderedLiterally(shown, EMAIL)).toEqual({ literal: 1, formatted: 0, inFallback: false });
  });

  it('posts a survey comment literal and masked', async () => {
    const comment = `:white_check_mark: *Approved by the supervisor* — text me on ${PHONE}`;
    await answerCaseSurvey(rig.app, chat, number, comment);
    const post = await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && everyText(p).includes('Approved by the supervisor'));
    expect(renderedLiterally(post, '*Approved by the supervisor*')).toEqual({ literal: 1, formatted: 0, inFallback: false });
    expect(everyText(post)).not.toContain(PHONE);
  });
});
