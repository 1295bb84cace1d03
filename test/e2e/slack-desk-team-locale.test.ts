import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { AGENT, blockText, CASES, OUTSIDER, startSlackRig, type SlackTestRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

let rig: SlackTestRig;
beforeAll(async () => {
  // English desk (STAFF_LOCALE unset); the team handling deliveries reads Chinese.
  rig = await startSlackRig({
    teams: { care: { assignment: 'claim' }, delivery_cn: { assignment: 'claim', locale: 'zh-CN' } },
    defaultTeam: 'care',
    rules: [{ category: 'delivery_installation', team: 'delivery_cn' }],
  });
});
afterAll(async () => {
  await rig?.stop();
});

const cardOf = async (number: string) => {
  const row = await until(async () => {
    const r = await rig.app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
    return r?.slack_ts ? r : undefined;
  }, 'card posted');
  const posted = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === CASES && !p.thread_ts && blockText(p.blocks).includes(number));
  return { row, text: blockText(posted.blocks) };
};

async function command(user: string, text: string): Promise<string> {
  const res = await rig.slack.command({ user, text });
  expect(res.status).toBe(200);
  return ((await res.json()) as { text: string }).text;
}

describe('a team with its own desk language (routing file teams.<team>.locale)', () => {
  it("shows that team's cases in its language, and everything else in STAFF_LOCALE", async () => {
    const chinese = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url, 'en-GB'), 'delivery_installation');
    const english = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url, 'en-GB'), 'product_quality');

    const zhCard = await cardOf(chinese);
    expect(zhCard.row.team).toBe('delivery_cn');
    expect(zhCard.text).toContain('*状态*\n新建');
    expect(zhCard.text).toContain('*投诉类别*\n送货/安装');
    expect(zhCard.text).toContain('认领');
    expect(zhCard.text).not.toContain('*Status*');
    const enCard = await cardOf(english);
    expect(enCard.row.team).toBe('care');
    expect(enCard.text).toContain('*Status*\nNew');
    expect(enCard.text).not.toContain('*状态*');

    // A refusal on the Chinese card is in Chinese; on the English card in English.
    await rig.slack.press({ user: OUTSIDER, actionId: 'case_claim', value: String(zhCard.row.id), channel: CASES, messageTs: zhCard.row.slack_ts! });
    await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === OUTSIDER && p.text === '只有客服频道的成员才能处理投诉单。未做任何更改。');
    await rig.slack.press({ user: OUTSIDER, actionId: 'case_claim', value: String(enCard.row.id), channel: CASES, messageTs: enCard.row.slack_ts! });
    await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === OUTSIDER && String(p.text).startsWith('Only members of the staff channel'));

    // Its thread notices and modals too.
    await rig.slack.press({ user: AGENT, actionId: 'case_assign', value: String(zhCard.row.id), channel: CASES, messageTs: zhCard.row.slack_ts! });
    const modal = await rig.fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_assign_view');
    expect(modal.view.title.text).toBe(`指派 ${chinese}`);
    await rig.slack.submitView({ user: AGENT, callbackId: 'case_assign_view', meta: { caseId: zhCard.row.id, channel: CASES }, values: { assignee: { type: 'users_select', selected_user: AGENT } } });
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === zhCard.row.slack_ts && p.text === `:bust_in_silhouette: 本投诉单现由 <@${AGENT}> 负责（<@${AGENT}> 指派）。`);

    // /complaints: one case in its team's language; help and lists in STAFF_LOCALE.
    expect(await command(AGENT, `show ${chinese}`)).toContain(`*${chinese}* · 一般 · 已指派`);
    expect(await command(AGENT, `show ${english}`)).toContain(`*${english}* · general · New`);
    expect(await command(AGENT, 'help')).toContain('cases at a glance');
  });
});
