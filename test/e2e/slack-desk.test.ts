import { describe, expect, it } from 'vitest';
import { CUSTOMER_WROTE_FALLBACK } from '../../adapters/slack/slack.desk.ts';
import { FILES_NOT_RELAYED } from '../../adapters/slack/slack.thread-events.ts';
import { complainOnWebchat, HEATER_FIRE, quickCaseOnWebchat, until, uploadOnWebchat } from '../support/complaints.ts';
import { AGENT, blockText, buttonIds, CASES, OUTSIDER, SIGNING_SECRET, SUPERVISOR, SUPERVISORS, useSlackRig } from '../support/slack-app.ts';
import { allText, WebchatClient } from '../support/webchat-client.ts';

const rig = useSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', resolution: { currency: 'CNY' } });

const db = () => rig.app.database.db;
const caseRow = (number: string) => db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const caseEvents = async (caseId: number) =>
  (await db().selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute()).map((e) => ({ action: e.action, actor: e.actor, from: e.from_value, to: e.to_value }));

describe('staff work a case in its Slack thread, end to end', () => {
  it('takes a web chat complaint through card, claim, replies, question, resolution and supervisor approval', async () => {
    const { fake, slack } = rig;
    const chat = await WebchatClient.open(rig.app.url, 'en-GB');
    const number = await complainOnWebchat(chat, HEATER_FIRE);

    // 1. The card is posted to the cases channel: number, severity, masked contact, deadlines, status, owner.
    const posted = await fake.waitFor('chat.postMessage', (p) => p.channel === CASES && blockText(p.blocks).includes(number));
    const card = blockText(posted.blocks);
    expect(card).toContain(`${number} · MAJOR`);
    expect(card).toContain('The heater caught fire');
    expect(card).toContain('Severity because: injury: "injured", fire_electric: "caught fire", remedy:compensation');
    expect(card).toContain('+861******8000'); // stored E.164, masked
    expect(card).not.toContain('13800138000');
    expect(card).toMatch(/\*First response due\*\n<!date\^\d+\^/);
    expect(card).toContain('*Status*\nNew');
    expect(card).toContain('*Owner*\n_unassigned_');
    expect(card).toContain('*Customer channel*\nWeb chat');
    expect(buttonIds(posted.blocks)).toEqual(['case_claim', 'case_assign', 'case_severity', 'case_request_info', 'case_resolve', 'case_escalate']);
    let row = await until(async () => {
      const r = await caseRow(number);
      return r.slack_ts ? r : undefined;
    }, 'card ts stored');
    const cardTs = row.slack_ts!;
    expect(row).toMatchObject({ slack_channel: CASES, team: 'care', severity: 'major', status: 'new', owner: null });
    const caseId = String(row.id);

    // 2. Someone outside the staff channel presses Claim: refused privately, nothing changes.
    expect((await slack.press({ user: OUTSIDER, actionId: 'case_claim', value: caseId, channel: CASES, messageTs: cardTs })).status).toBe(200);
    const refusal = await fake.waitFor('chat.postEphemeral', (p) => p.user === OUTSIDER);
    expect(refusal.text).toContain('Only members of the staff channel');
    expect((await caseRow(number)).owner).toBeNull();

    // 3. An agent claims it: owner set, card updated in place.
    await slack.press({ user: AGENT, actionId: 'case_claim', value: caseId, channel: CASES, messageTs: cardTs });
    const claimedCard = await fake.waitFor('chat.update', (p) => p.ts === cardTs && blockText(p.blocks).includes(`*Owner*\n<@${AGENT}>`));
    expect(blockText(claimedCard.blocks)).toContain('*Status*\nAssigned');
    expect(buttonIds(claimedCard.blocks)).not.toContain('case_claim');

    // 4. A `>>` reply in the thread reaches the customer, signed with the agent's name, and gets a ✅.
    const reply = await slack.threadMessage({ channel: CASES, user: AGENT, threadTs: cardTs, ts: '1800000001.000100', text: '&gt;&gt; Hello Alice, we are very sorry. I will call you today &amp; arrange a check.' });
    expect(reply.response.status).toBe(200);
    let replies = await chat.replies();
    expect(allText(replies)).toBe('Agent One: Hello Alice, we are very sorry. I will call you today & arrange a check.');
    await fake.waitFor('reactions.add', (p) => p.timestamp === '1800000001.000100' && p.name === 'white_check_mark' && p.channel === CASES);
    row = await caseRow(number);
    expect(row.status).toBe('in_progress');
    expect(row.first_responded_at).not.toBeNull();

    // 5. Slack redelivers the same event (retry): nothing changes.
    const outboxBefore = await db().selectFrom('outbox').select('id').execute();
    await slack.threadMessage({ channel: CASES, user: AGENT, threadTs: cardTs, ts: '1800000001.000100', text: '&gt;&gt; Hello Alice, we are very sorry. I will call you today &amp; arrange a check.' }, { eventId: reply.eventId, retryNum: 1 });
    await until(() => rig.app.logs.find((l) => l.msg === 'duplicate Slack event ignored' && l.eventId === reply.eventId), 'duplicate logged');
    expect(await db().selectFrom('outbox').select('id').execute()).toHaveLength(outboxBefore.length);

    // 6. An internal note stays in Slack.
    await slack.threadMessage({ channel: CASES, user: AGENT, threadTs: cardTs, text: 'Warehouse says this batch had a faulty thermostat. Do not promise anything yet.' });
    await until(() => db().selectFrom('case_messages').selectAll().where('case_id', '=', row.id).where('internal', '=', true).executeTakeFirst(), 'note stored');

    // 7. Request info: a modal, then the question goes to the customer and the case waits for them.
    await slack.press({ user: AGENT, actionId: 'case_request_info', value: caseId, channel: CASES, messageTs: cardTs });
    const modal = await fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_request_info_view');
    expect(JSON.parse(modal.view.private_metadata)).toMatchObject({ caseId: row.id });
    const submitted = await slack.submitView({
      user: AGENT,
      callbackId: 'case_request_info_view',
      meta: { caseId: row.id, channel: CASES },
      values: { question: { type: 'plain_text_input', value: 'What is the model number on the label?' } },
    });
    expect(submitted.status).toBe(200);
    replies = await chat.replies();
    expect(allText(replies)).toContain(`Agent One: to handle your case ${number} we need a little more information. What is the model number on the label?`);
    expect(allText(replies)).not.toContain('thermostat');
    expect((await caseRow(number)).status).toBe('awaiting_customer');
    await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && String(p.text).includes('The question reached the customer'));

    // 8. The customer answers with a photo: text and file appear in the thread; the case is back in progress.
    const photo = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const attachmentId = await uploadOnWebchat(chat, photo, 'label.png', 'image/png');
    expect((await chat.post({ text: 'It is model HX-200 <see photo>', attachmentIds: [attachmentId] })).status).toBe(202);
    await chat.replies();
    const relayed = await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && blockText(p.blocks ?? []).includes('HX-200'));
    // The customer's words are literal text under the bot's header, never in the mrkdwn fallback.
    expect(relayed.text).toBe(CUSTOMER_WROTE_FALLBACK);
    expect(relayed.blocks[1]).toEqual({ type: 'section', text: { type: 'plain_text', text: 'It is model HX-200 <see photo>', emoji: false } });
    const completed = await fake.waitFor('files.completeUploadExternal', (p) => p.thread_ts === cardTs);
    expect(completed.channel_id).toBe(CASES);
    const upload = fake.uploads.find((u) => u.fileId === completed.files[0].id);
    expect(upload?.bytes.equals(photo)).toBe(true);
    expect(fake.callsOf('files.getUploadURLExternal').at(-1)).toMatchObject({ filename: 'label.png', length: String(photo.length) });
    await until(async () => (await caseRow(number)).status === 'in_progress', 'back in progress');

    // 9. Resolve with compensation on a major case: waits for a supervisor; the customer is told nothing yet.
    await slack.press({ user: AGENT, actionId: 'case_resolve', value: caseId, channel: CASES, messageTs: cardTs });
    const resolveModal = await fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_resolve_view');
    expect(blockText(resolveModal.view.blocks)).toContain("waits for a supervisor's approval");
    const badAmount = await slack.submitView({
      user: AGENT,
      callbackId: 'case_resolve_view',
      meta: { caseId: row.id, channel: CASES },
      values: resolveValues('five hundred'),
    });
    expect(await badAmount.json()).toMatchObject({ response_action: 'errors', errors: { amount: expect.stringContaining('amount') } });
    const resolved = await slack.submitView({ user: AGENT, callbackId: 'case_resolve_view', meta: { caseId: row.id, channel: CASES }, values: resolveValues('500') });
    expect(resolved.status).toBe(200);
    expect(await resolved.text()).toBe('');
    row = await caseRow(number);
    expect(row).toMatchObject({ status: 'in_progress', remedy: 'compensation', remedy_amount: '500.00', remedy_approval: 'pending', determination: 'responsible', root_cause: 'product_defect' });
    // The supervisors were told at once that a major case opened (emergency handling) …
    const emergency = await fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(number));
    expect(emergency.text).toContain('emergency handling starts now');
    // … and now that its remedy needs approval.
    const notice = await fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(number) && String(p.text).includes('needs approval'));
    expect(notice.text).toContain('Compensation 500.00 CNY');
    expect(buttonIds(notice.blocks)).toEqual(['case_approve', 'case_reject']);
    const pendingCard = await fake.waitFor('chat.update', (p) => p.ts === cardTs && buttonIds(p.blocks).includes('case_approve'));
    expect(blockText(pendingCard.blocks)).toContain("awaits a supervisor's approval");

    // 10. An agent cannot approve; the supervisor can, and then the customer gets the written result.
    await slack.press({ user: AGENT, actionId: 'case_approve', value: caseId, channel: CASES, messageTs: cardTs });
    const notSupervisor = await fake.waitFor('chat.postEphemeral', (p) => p.user === AGENT && String(p.text).includes('Only supervisors'));
    expect(notSupervisor.channel).toBe(CASES);
    expect((await caseRow(number)).remedy_approval).toBe('pending');
    await slack.press({ user: SUPERVISOR, actionId: 'case_approve', value: caseId, channel: SUPERVISORS, messageTs: String(notice.ts ?? '1') });
    replies = await chat.replies();
    expect(allText(replies)).toBe(
      `Your case ${number} has been resolved.\n\nWe confirmed a faulty thermostat. We will replace the heater and pay compensation.\n\nWhat we will do: Compensation 500.00 CNY.`,
    );
    row = await caseRow(number);
    expect(row).toMatchObject({ status: 'resolved', remedy_approval: 'approved', remedy_decided_by: SUPERVISOR });
    await fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && String(p.text).includes('The written result reached the customer'));
    const finalCard = await fake.waitFor('chat.update', (p) => p.ts === cardTs && blockText(p.blocks).includes('*Status*\nResolved'));
    // The satisfaction survey is scheduled: staff may still skip it for this case.
    expect(buttonIds(finalCard.blocks)).toEqual(['case_reopen', 'case_escalate', 'case_skip_survey']);

    // The whole story is in the append-only audit log, with the Slack users.
    const events = await caseEvents(row.id);
    const story = events.filter((e) => e.action !== 'status_changed').map((e) => `${e.action} ${e.actor}`);
    expect(story).toEqual([
      `created customer:${row.customer_id}`,
      'routed system:routing',
      `claimed slack:${AGENT}`,
      `staff_reply slack:${AGENT}`,
      'first_response system',
      `internal_note slack:${AGENT}`,
      `info_requested slack:${AGENT}`,
      `clock_paused slack:${AGENT}`,
      `customer_answered customer:${row.customer_id}`,
      `clock_resumed customer:${row.customer_id}`,
      `resolution_proposed slack:${AGENT}`,
      `remedy_approved slack:${SUPERVISOR}`,
    ]);
    expect(events.filter((e) => e.action === 'status_changed').map((e) => `${e.from}→${e.to}`)).toEqual([
      'new→assigned',
      'assigned→in_progress',
      'in_progress→awaiting_customer',
      'awaiting_customer→in_progress',
      'in_progress→resolved',
    ]);
    // The internal note never reached the customer's channel.
    const delivered = await db().selectFrom('webchat_messages').select('payload').where('direction', '=', 'out').execute();
    expect(delivered.length).toBeGreaterThan(10);
    expect(JSON.stringify(delivered)).not.toContain('thermostat. Do not promise');
    expect(JSON.stringify(delivered)).not.toContain('Warehouse');
    // Logs carry ids and codes, never the customer's words or contact.
    const logText = JSON.stringify(rig.app.logs);
    for (const secret of ['13800138000', 'Alice Example', 'heater caught fire', 'HX-200', 'thermostat']) expect(logText).not.toContain(secret);
  });

  it('sends the text of a >> reply with a file and tells the staff member the file stayed in Slack', async () => {
    const chat = await WebchatClient.open(rig.app.url, 'en-GB');
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await until(async () => ((await caseRow(number)).slack_ts ? caseRow(number) : undefined), 'card posted');
    const file = { id: 'F0STAFF01', name: 'invoice.pdf', mimetype: 'application/pdf', url_private: `${rig.fake.base}/files/invoice.pdf`, size: 1200 };
    await rig.slack.threadMessage({ channel: CASES, user: AGENT, threadTs: row.slack_ts!, text: '&gt;&gt; Here is the corrected invoice.', files: [file] });
    const told = await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === AGENT && p.thread_ts === row.slack_ts && String(p.text).includes('files attached'));
    expect(told.text).toBe(FILES_NOT_RELAYED);
    expect(allText(await chat.replies())).toContain('Here is the corrected invoice.');

    // Without a file: no notice.
    await rig.slack.threadMessage({ channel: CASES, user: AGENT, threadTs: row.slack_ts!, text: '&gt;&gt; Anything else we can do?' });
    expect(allText(await chat.replies())).toContain('Anything else we can do?');
    expect(rig.fake.callsOf('chat.postEphemeral').filter((p) => p.thread_ts === row.slack_ts)).toHaveLength(1);
  });

  it('refuses unsigned, forged and stale requests with 401', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'EvFORGED', event: { type: 'message', text: 'x' } });
    expect((await rig.slack.post(body, 'application/json', { unsigned: true })).status).toBe(401);
    expect((await rig.slack.post(body, 'application/json', { secret: 'not-the-secret' })).status).toBe(401);
    expect((await rig.slack.post(body, 'application/json', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    const ok = await rig.slack.post(JSON.stringify({ type: 'url_verification', challenge: 'abc' }), 'application/json');
    expect(await ok.json()).toEqual({ challenge: 'abc' });
    expect(SIGNING_SECRET).toBeTruthy();
  });
});

function resolveValues(amount: string) {
  return {
    summary: { type: 'plain_text_input', value: 'We confirmed a faulty thermostat. We will replace the heater and pay compensation.' },
    remedy: { type: 'static_select', selected_option: { value: 'compensation' } },
    amount: { type: 'plain_text_input', value: amount },
    determination: { type: 'radio_buttons', selected_option: { value: 'responsible' } },
    root_cause: { type: 'static_select', selected_option: { value: 'product_defect' } },
  };
}
