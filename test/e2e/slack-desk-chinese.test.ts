import { describe, expect, it } from 'vitest';
import { complainOnWebchat, HEATER_FIRE, quickCaseOnWebchat, until } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { AGENT, blockText, buttonIds, CASES, ephemeralAnswer, OUTSIDER, SUPERVISOR, SUPERVISORS, useSlackRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/** Short deadlines, so a case left alone gets its reminder and breach during the test (reminder at half the time). */
const SHORT = policyFile({
  deadlines: {
    general: { firstResponseSeconds: 3, resolutionSeconds: 8, reminderAt: 0.5, extensionSeconds: 3600 },
    major: { firstResponseSeconds: 3, resolutionSeconds: 8, reminderAt: 0.5, extensionSeconds: 3600 },
  },
});

/** English desk words that must not reach a Chinese desk (what the English catalogue writes). */
const ENGLISH_LABELS = [
  'Status', 'Severity', 'Category', 'Owner', 'Team', 'Customer', 'Contact', 'Claim', 'Assign', 'Request info', 'Resolve', 'Escalate', 'Reveal',
  'unassigned', 'Summary', 'because', 'First response', 'first response', 'Resolution', 'resolution', 'New', 'Assigned', 'In progress', 'major', 'general',
  'Beijing', 'UTC', 'Remedy', 'remedy *', 'approval', 'supervisor', 'Written', 'Determination', 'Root cause', 'root cause', 'Cancel', 'Save', 'deadline',
  'missed', 'Nobody', 'reached', 'proposed', 'Product quality', 'Compensation', 'webchat', 'Only members', 'Case ', 'owned by', 'due', 'Reason',
];

/** The bot's own words in a message: every text except the customer's literal blocks (plain_text, emoji off). */
function botText(message: { text?: unknown; blocks?: unknown }): string {
  const blocks = ((message.blocks ?? []) as Array<{ text?: { type?: string; emoji?: boolean } }>).filter((b) => !(b.text?.type === 'plain_text' && b.text.emoji === false));
  const literalContext = (blocks as Array<{ type: string; elements?: Array<{ type: string; emoji?: boolean }> }>).map((b) =>
    b.type === 'context' ? { ...b, elements: b.elements?.filter((e) => !(e.type === 'plain_text' && e.emoji === false)) } : b,
  );
  return `${String(message.text ?? '')}\n${blockText(literalContext)}`;
}

function expectNoEnglish(what: string, text: string): void {
  for (const word of ENGLISH_LABELS) expect(text, `${what} shows "${word}"`).not.toContain(word);
}

const rig = useSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', resolution: { currency: 'CNY' } }, { STAFF_LOCALE: 'zh-CN', POLICY_FILE: SHORT });

const db = () => rig.app.database.db;
const caseRow = (number: string) => db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

const command = (user: string, text: string) => ephemeralAnswer(rig.slack, user, text);

describe('the Slack desk in Chinese (STAFF_LOCALE=zh-CN), end to end', () => {
  it('shows card, buttons, modals, thread notices, /complaints, approval, reminder and breach in Chinese; the customer keeps their own words', async () => {
    const { fake, slack } = rig;
    const chat = await WebchatClient.open(rig.app.url, 'en-GB');
    const number = await complainOnWebchat(chat, HEATER_FIRE);

    // The card: Chinese labels and buttons, times in Beijing time, the severity rules named in Chinese with their ids.
    const posted = await fake.waitFor('chat.postMessage', (p) => p.channel === CASES && blockText(p.blocks).includes(number));
    const card = blockText(posted.blocks);
    expect(card).toContain(`${number} · 重大`);
    expect(card).toContain('*状态*\n新建');
    expect(card).toContain('*严重程度*\n重大');
    expect(card).toContain('*投诉类别*\n产品质量');
    expect(card).toContain('*负责人*\n_未指派_');
    expect(card).toContain('*客户来源渠道*\n网页在线客服');
    expect(card).toContain('*客户诉求*\n赔偿');
    expect(card).toMatch(/\*首次响应时限\*\n\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）/);
    expect(card).toContain('定级依据：人身伤害（injury）："injured"；起火/触电（fire_electric）："caught fire"；要求补偿（remedy:compensation）');
    expect(card).toContain('+861******8000');
    expect(card).not.toContain('13800138000');
    expect(posted.text).toBe(`投诉单 ${number}（重大，新建）`);
    const buttons = (posted.blocks as Array<{ type: string; elements?: Array<{ text: { text: string } }> }>).filter((b) => b.type === 'actions').flatMap((b) => b.elements!.map((e) => e.text.text));
    expect(buttons).toEqual(['认领', '指派…', '调整严重程度…', '请客户补充信息', '提交处理结果…', '升级…', '查看联系方式']);
    // The customer's words: unchanged, literal, under the bot's Chinese header.
    const summaryAt = (posted.blocks as Array<{ text?: { text: string } }>).findIndex((b) => b.text?.text === '*投诉内容* · 客户原话（联系方式已打码）：');
    const description = (await caseRow(number)).description!;
    expect(description).toContain('The heater caught fire in the night and my son was injured.');
    expect(posted.blocks[summaryAt + 1]).toEqual({ type: 'section', text: { type: 'plain_text', text: description, emoji: false } });
    expectNoEnglish('the card', botText(posted).replace(/"injured"|"caught fire"/g, ''));

    const emergency = await fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(number));
    expect(emergency.text).toMatch(new RegExp(`新的\\*重大\\*投诉 \\*${number}\\*，<#${CASES}>：立即启动应急处理，首次响应时限 .+（北京时间）。`));
    expectNoEnglish('the emergency notice', botText(emergency));

    const row = await until(async () => ((await caseRow(number)).slack_ts ? caseRow(number) : undefined), 'card ts stored');
    const cardTs = row.slack_ts!;
    const caseId = String(row.id);

    // A refusal, only to the one who pressed.
    await slack.press({ user: OUTSIDER, actionId: 'case_claim', value: caseId, channel: CASES, messageTs: cardTs });
    const refusal = await fake.waitFor('chat.postEphemeral', (p) => p.user === OUTSIDER);
    expect(refusal.text).toBe('只有客服频道的成员才能处理投诉单。未做任何更改。');

    // 认领: the card updates in place.
    await slack.press({ user: AGENT, actionId: 'case_claim', value: caseId, channel: CASES, messageTs: cardTs });
    const claimed = await fake.waitFor('chat.update', (p) => p.ts === cardTs && blockText(p.blocks).includes(`*负责人*\n<@${AGENT}>`));
    expect(blockText(claimed.blocks)).toContain('*状态*\n已指派');
    expect(buttonIds(claimed.blocks)).not.toContain('case_claim');

    // 请客户补充信息: the modal, then the thread says the question reached the customer.
    await slack.press({ user: AGENT, actionId: 'case_request_info', value: caseId, channel: CASES, messageTs: cardTs });
    const askModal = (await fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_request_info_view')).view;
    expect([askModal.title.text, askModal.submit.text, askModal.close.text]).toEqual(['请客户补充信息', '发送给客户', '取消']);
    expect(blockText(askModal.blocks)).toContain('要问客户的问题');
    expectNoEnglish('the request-info modal', blockText(askModal));
    await slack.submitView({ user: AGENT, callbackId: 'case_request_info_view', meta: { caseId: row.id, channel: CASES }, values: { question: { type: 'plain_text_input', value: 'What is the model number?' } } });
    const delivered = await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && String(p.text).includes('补充信息的问题已送达客户。'));
    expect(delivered.text).toBe(':white_check_mark: 补充信息的问题已送达客户。');

    // The customer answers: relayed under a Chinese header, their words literal and unchanged.
    await chat.say('It is model HX-200 *bold* <!here>');
    const relayed = await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && blockText(p.blocks ?? []).includes('HX-200'));
    expect(relayed.text).toBe(':speech_balloon: 客户在本帖中发来了消息');
    expect(relayed.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':speech_balloon: *客户留言*（客户原话，以纯文本显示；联系方式已打码）：' } },
      { type: 'section', text: { type: 'plain_text', text: 'It is model HX-200 *bold* <!here>', emoji: false } },
    ]);
    await until(async () => (await caseRow(number)).status === 'in_progress', 'back in progress');

    // 提交处理结果…: a Chinese form; a bad amount is refused in Chinese; a major case's compensation waits for a supervisor.
    await slack.press({ user: AGENT, actionId: 'case_resolve', value: caseId, channel: CASES, messageTs: cardTs });
    const resolveModal = (await fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_resolve_view')).view;
    const form = blockText(resolveModal);
    for (const label of [`提交处理结果 ${number}`, '给客户的书面处理结果', '补偿方案', '不予补偿', '赔偿', '金额', '单位：CNY。', '责任认定', '我方责任：已核实，属于我方责任范围', '非我方责任', '根本原因', '产品缺陷', '客户使用不当', '须经主管批准']) {
      expect(form).toContain(label);
    }
    expectNoEnglish('the resolve modal', form);
    const bad = await slack.submitView({ user: AGENT, callbackId: 'case_resolve_view', meta: { caseId: row.id, channel: CASES }, values: resolveValues('五百') });
    expect(await bad.json()).toEqual({ response_action: 'errors', errors: { amount: '请输入金额，例如 120 或 120.50；只有选择了补偿方案时才填写金额。' } });
    expect((await slack.submitView({ user: AGENT, callbackId: 'case_resolve_view', meta: { caseId: row.id, channel: CASES }, values: resolveValues('500') })).status).toBe(200);
    const approval = await fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes('需要审批'));
    expect(approval.text).toBe(`:hourglass: 投诉单 *${number}*（重大，<#${CASES}>）的补偿方案 *赔偿 500.00 CNY* 需要审批（由 <@${AGENT}> 提交；我方责任，根本原因：产品缺陷）。`);
    const approvalButtons = (approval.blocks as Array<{ type: string; elements?: Array<{ text: { text: string } }> }>).find((b) => b.type === 'actions')!.elements!.map((e) => e.text.text);
    expect(approvalButtons).toEqual(['批准补偿方案', '驳回补偿方案']);
    expectNoEnglish('the approval request', botText(approval));
    await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && String(p.text).includes('提交的补偿方案需要主管审批'));
    const pending = await fake.waitFor('chat.update', (p) => p.ts === cardTs && buttonIds(p.blocks).includes('case_approve'));
    expect(blockText(pending.blocks)).toContain('补偿方案 *赔偿 500.00 CNY* 待主管审批');

    await slack.press({ user: SUPERVISOR, actionId: 'case_approve', value: caseId, channel: SUPERVISORS, messageTs: String(approval.ts ?? '1') });
    const approved = await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && String(p.text).includes('已批准补偿方案'));
    expect(approved.text).toBe(`:white_check_mark: <@${SUPERVISOR}> 已批准补偿方案。客户将收到书面处理结果。`);
    const resolvedCard = await fake.waitFor('chat.update', (p) => p.ts === cardTs && blockText(p.blocks).includes('*状态*\n已处理'));
    expect(blockText(resolvedCard.blocks)).toContain(`我方责任 · 根本原因：产品缺陷 · 补偿方案：赔偿 500.00 CNY（<@${SUPERVISOR}> 已批准）`);
    expectNoEnglish('the resolved card', botText(resolvedCard).replace(/"injured"|"caught fire"/g, ''));

    // /complaints: help, show and a list, in Chinese; the description stays the customer's literal words.
    const help = await command(AGENT, '');
    expect(help.text).toContain('*/complaints* — 投诉单一览（结果仅您可见）');
    expect(help.text).toContain('`/complaints show C-2026-000123` — 查看一张投诉单');
    const shown = await command(AGENT, `show ${number}`);
    expect(shown.text).toContain(`*${number}* · 重大 · 已处理`);
    expect(shown.text).toContain(`负责人 <@${AGENT}> · 处理组 care · 产品质量 · 来源 网页在线客服`);
    expect(shown.text).toMatch(/首次响应时限 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）/);
    expect(shown.text).toContain('责任认定 我方责任 · 根本原因 产品缺陷 · 补偿方案 赔偿 500.00 CNY (已批准)');
    expect(shown.text).toContain(`卡片和处理帖在 <#${CASES}>`);
    expect(shown.blocks?.at(-1)).toEqual({ type: 'section', text: { type: 'plain_text', text: description, emoji: false } });
    expectNoEnglish('/complaints show', botText(shown));
    expect((await command(AGENT, 'show C-1999-000000')).text).toBe('没有投诉单 C-1999-000000。示例：`/complaints show C-2026-000123`');
    const stats = await command(SUPERVISOR, 'stats 7d');
    expect(stats.text).toMatch(/\*最近 7 天新建的投诉单：\d+\*/);
    expect(stats.text).toContain('按类别：产品质量');
    expectNoEnglish('/complaints stats', stats.text);
    const exported = await command(SUPERVISOR, 'export 7d');
    expect(exported.text).toMatch(/^最近 7 天新建投诉单的 CSV（链接 15 分钟内有效，不含联系方式）：<http:\/\/hearken\.test\/slack\/export\.csv\?token=[^|>]+\|下载>$/);
    const badLink = await fetch(`${rig.app.url}/slack/export.csv?token=forged`);
    expect(badLink.status).toBe(403);
    expect(await badLink.json()).toEqual({ error: { code: 'invalid_token', message: '此导出链接无效或已过期。请重新运行 /complaints export。' } });

    // A case left alone: the reminder and the breach, in the thread and to the supervisors, in Chinese.
    const quiet = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url, 'en-GB'), 'delivery_installation');
    const quietRow = await until(async () => ((await caseRow(quiet)).slack_ts ? caseRow(quiet) : undefined), 'second card posted');
    const inThread = (pattern: RegExp) => fake.callsOf('chat.postMessage').filter((p) => p.thread_ts === quietRow.slack_ts && pattern.test(String(p.text)));
    await until(() => inThread(/已超过首次响应时限/).length > 0, 'first response breach in the thread', 15_000);
    const [reminder] = inThread(/alarm_clock/);
    expect(String(reminder!.text)).toMatch(/^:alarm_clock: 本投诉单还没有负责人，首次响应时限为 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）。$/);
    const [breach] = inThread(/已超过首次响应时限/);
    expect(breach!.text).toBe(':red_circle: *已超过首次响应时限。* 已通知主管；已告知客户新的预计时间。可用*指派…*重新指派。');
    const toSupervisors = await fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(quiet) && String(p.text).includes('时限'));
    expect(toSupervisors.text).toBe(`:red_circle: 投诉单 *${quiet}*（一般，<#${CASES}>）已超过*首次响应*时限（负责人 暂无）。可在投诉卡片上重新指派。`);
    for (const post of [reminder!, breach!, toSupervisors]) expectNoEnglish('a deadline notice', botText(post));
    const lateCard = await fake.waitFor('chat.update', (p) => p.ts === quietRow.slack_ts && blockText(p.blocks).includes('已超时'));
    expect(blockText(lateCard.blocks)).toContain(':red_circle: *已超时*');
  });
});

function resolveValues(amount: string) {
  return {
    summary: { type: 'plain_text_input', value: '经核实为温控器故障，我们将为您更换热水器并给予赔偿。' },
    remedy: { type: 'static_select', selected_option: { value: 'compensation' } },
    amount: { type: 'plain_text_input', value: amount },
    determination: { type: 'radio_buttons', selected_option: { value: 'responsible' } },
    root_cause: { type: 'static_select', selected_option: { value: 'product_defect' } },
  };
}
