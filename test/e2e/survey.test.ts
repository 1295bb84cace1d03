import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotFrameworkCustomer } from '../support/botframework-customer.ts';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeTelegramApi } from '../support/fake-telegram-api.ts';
import { policyFile } from '../support/policy-file.ts';
import { AGENT, blockText, CASES, startSlackRig, SUPERVISOR, type SlackTestRig } from '../support/slack-app.ts';
import { resolveInSlack, surveyRows, threadPosts } from '../support/surveys.ts';
import { createUser, TelegramCustomer } from '../support/telegram-customer.ts';
import { allText, WebchatClient } from '../support/webchat-client.ts';

const SECRET = 'test-secret_0123456789';
const QUESTION = 'Was your problem resolved?';
const telegram = new FakeTelegramApi();
const connector = new FakeBotConnector();
let rig: SlackTestRig;

beforeAll(async () => {
  await telegram.start();
  await connector.start();
  rig = await startSlackRig(
    { teams: { care: { assignment: 'claim' } }, defaultTeam: 'care' },
    {
      POLICY_FILE: policyFile({ survey: { delaySeconds: 1, reminderAfterSeconds: 600, expireAfterSeconds: 1200 } }),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      BOTFRAMEWORK_SDK: 'botbuilder',
      BOTFRAMEWORK_EMULATOR: 'true',
    },
  );
});
afterAll(async () => {
  await rig?.stop();
  await telegram.stop();
  await connector.stop();
});

const caseOf = (number: string) => rig.app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

describe('satisfaction survey after a resolution, end to end', () => {
  it('web chat: result at once, survey after the delay, answered with buttons, stored, credited to the owner, shown in Slack', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    const result = await chat.replies();
    expect(allText(result)).toContain(`Your case ${number} has been resolved.`);
    expect(allText(result)).not.toContain(QUESTION);

    const survey = await until(async () => {
      await chat.fetch(1);
      return chat.transcript.find((e) => e.direction === 'out' && e.payload.text.includes(QUESTION));
    }, 'survey on the web chat');
    expect(survey.payload.text).toContain(`Your case ${number} was resolved`);
    expect(survey.payload.choices?.map((c) => c.value)).toEqual(['survey:resolved:yes', 'survey:resolved:no']);
    const resolved = await caseOf(number);
    const [sent] = await surveyRows(rig, row.id);
    expect(sent).toMatchObject({ status: 'sent', owner: AGENT, channel: 'webchat' });
    expect(new Date(sent!.sent_at!).getTime() - new Date(resolved.resolved_at!).getTime()).toBeGreaterThanOrEqual(1000);

    await chat.press('survey:resolved:yes');
    await chat.press('survey:csat:5');
    await chat.say('Quick and friendly.');
    const thanks = await chat.press('survey:nps:10');
    expect(allText(thanks)).toBe('Thank you for your feedback!');

    const rows = await surveyRows(rig, row.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'answered', resolved: true, csat: 5, nps: 10, comment: 'Quick and friendly.', owner: AGENT });
    const posted = await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes('Satisfaction survey answered'));
    // The comment is the customer's: a literal block, not part of the mrkdwn text.
    expect(posted.text).toBe(`:bar_chart: *Satisfaction survey answered*: resolved *yes* · CSAT *5/5* · NPS *10* · credited to <@${AGENT}>`);
    expect(posted.blocks.at(-1)).toEqual({ type: 'section', text: { type: 'plain_text', text: 'Quick and friendly.', emoji: false } });
    const card = await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('CSAT *5/5*'));
    expect(blockText(card.blocks)).toContain(':bar_chart: CSAT *5/5* · NPS 10');
    expect(threadPosts(rig, row.slack_ts!, /Dissatisfied/)).toHaveLength(0);
    // Resolved and satisfied: closed (test/e2e/case-closing.test.ts).
    expect((await caseOf(number)).status).toBe('closed');
    // Sent once for this resolution.
    expect(chat.transcript.filter((e) => e.direction === 'out' && e.payload.text.includes(QUESTION))).toHaveLength(1);

    // Erasure replaces the thread post by the same result without the customer's comment.
    expect((await rig.slack.command({ user: SUPERVISOR, text: `erase-customer case ${number}` })).status).toBe(200);
    const postTs = rig.fake.tsOf(posted);
    const edited = await rig.fake.waitFor('chat.update', (p) => p.ts === postTs);
    expect(edited.text).toBe(`:bar_chart: *Satisfaction survey answered*: resolved *yes* · CSAT *5/5* · NPS *10* · credited to <@${AGENT}>`);
  });

  it('Telegram: answered with callback queries; "not resolved" and a low CSAT alert the thread and reopen the case', async () => {
    const customer = new TelegramCustomer(telegram, () => rig.app, SECRET, createUser());
    await customer.say('hi');
    const opened = await customer.say('talk to a person');
    const number = /C-\d{4}-\d{6}/.exec(opened.at(-1)!.text)![0];
    const row = await resolveInSlack(rig, number);
    const survey = await until(async () => (await customer.replies()).find((r) => r.text.includes(QUESTION)), 'survey on Telegram');
    expect(survey.choices.map((c) => c.value)).toEqual(['survey:resolved:yes', 'survey:resolved:no']);

    await customer.press('survey:resolved:no');
    await customer.press('survey:csat:1');
    await customer.press('survey:comment:skip');
    const closing = await customer.press('survey:nps:skip');
    expect(closing.at(-1)!.text).toContain(`We have reopened case ${number}`);

    const reopened = await caseOf(number);
    expect(reopened).toMatchObject({ status: 'reopened', resolved_at: null, owner: AGENT });
    expect(new Date(reopened.resolution_window_started_at!).getTime()).toBeGreaterThan(new Date(row.created_at).getTime());
    expect(await surveyRows(rig, row.id)).toEqual([expect.objectContaining({ status: 'answered', resolved: false, csat: 1, nps: null, comment: null, owner: AGENT })]);
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).startsWith(':warning: *Dissatisfied customer*'));
    expect(threadPosts(rig, row.slack_ts!, /Dissatisfied customer\* \(owner <@U0AGENT01>\)\. The case was \*reopened\*/)).toHaveLength(1);
    const events = await rig.app.database.db.selectFrom('case_events').select(['action', 'actor']).where('case_id', '=', row.id).orderBy('id').execute();
    expect(events.filter((e) => e.actor === 'customer').map((e) => e.action)).toEqual(['survey_answered', 'reopened', 'status_changed']);
    // Further messages go to the reopened case.
    await customer.say('Still no parcel here.');
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && blockText(p.blocks ?? []).includes('Still no parcel here.'));
  });

  it('Bot Framework: answered with suggested-action buttons and a typed number', async () => {
    const customer = new BotFrameworkCustomer(connector, () => rig.app, { id: `user-${randomUUID()}`, name: 'Bo Example' }, 'en-US');
    await customer.say('hi');
    const opened = await customer.say('talk to a person');
    const number = /C-\d{4}-\d{6}/.exec(opened.at(-1)!.text)![0];
    const row = await resolveInSlack(rig, number);
    await until(async () => (await customer.replies()).some((r) => r.text.includes(QUESTION)), 'survey on Bot Framework');
    await customer.press('survey:resolved:yes');
    await customer.say('4');
    await customer.press('survey:comment:skip');
    const thanks = await customer.press('survey:nps:8');
    expect(thanks.at(-1)!.text).toBe('Thank you for your feedback!');
    expect(await surveyRows(rig, row.id)).toEqual([expect.objectContaining({ status: 'answered', channel: 'botframework', resolved: true, csat: 4, nps: 8, owner: AGENT })]);
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes('CSAT *4/5* · NPS *8*'));
  });

  it('staff can skip the survey from the card before it is sent', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    await rig.slack.press({ user: AGENT, actionId: 'case_skip_survey', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes('chose to send no satisfaction survey'));
    await new Promise((r) => setTimeout(r, 2000)); // past the delay
    await chat.fetch();
    expect(chat.transcript.some((e) => e.payload.text.includes(QUESTION))).toBe(false);
    expect(await surveyRows(rig, row.id)).toEqual([expect.objectContaining({ status: 'skipped', sent_at: null })]);
  });
});
