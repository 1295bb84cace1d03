import { describe, expect, it } from 'vitest';
import { complainOnWebchat, quickCaseOnWebchat, until } from '../support/complaints.ts';
import { AGENT, AGENT_2, blockText, buttonIds, CASES, ephemeralAnswer, OUTSIDER, SUPERVISOR, SUPERVISORS, useSlackRig } from '../support/slack-app.ts';
import { allText, WebchatClient } from '../support/webchat-client.ts';

const BILLING = 'C0BILLING';
const ARCHIVED = 'C0ARCHIVE';
const NO_BOT = 'C0NOBOT01';

const rig = useSlackRig(
  {
    teams: {
      care: { assignment: 'claim' },
      billing: { channel: BILLING, members: [AGENT, AGENT_2], assignment: 'round_robin' },
      delivery: { channel: ARCHIVED, assignment: 'claim' },
      repairs: { channel: NO_BOT, assignment: 'claim' },
    },
    defaultTeam: 'care',
    rules: [
      { category: 'price_billing', team: 'billing' },
      { category: 'delivery_installation', team: 'delivery' },
      { category: 'after_sales_repair', team: 'repairs' },
    ],
  },
  {},
  (fake) => {
    fake.members[BILLING] = [];
    // The bot was never invited to #repairs: found by the start-up check.
    fake.respondAlways('conversations.info', { body: { ok: true, channel: { id: NO_BOT, is_archived: false, is_member: false } } }, (p) => p.channel === NO_BOT);
  },
);

const db = () => rig.app.database.db;
const caseRow = (number: string) => db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const cardOf = async (number: string) => until(async () => ((await caseRow(number)).slack_ts ? caseRow(number) : undefined), `card of ${number}`);
const actions = async (caseId: number) => (await db().selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute()).map((e) => e);

async function press(user: string, actionId: string, row: { id: number; slack_channel: string | null; slack_ts: string | null }) {
  const res = await rig.slack.press({ user, actionId, value: String(row.id), channel: row.slack_channel!, messageTs: row.slack_ts! });
  expect(res.status).toBe(200);
}

async function submit(user: string, callbackId: string, caseId: number, values: Record<string, Record<string, unknown>>) {
  const res = await rig.slack.submitView({ user, callbackId, meta: { caseId }, values });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text ? (JSON.parse(text) as { response_action: string; errors: Record<string, string> }) : undefined;
}

const command = async (user: string, text: string): Promise<string> => (await ephemeralAnswer(rig.slack, user, text)).text;

describe('Slack desk operations', () => {
  it('auto-assigns a team’s cases round robin and records reassignment', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 3; i += 1) numbers.push(await quickCaseOnWebchat(await WebchatClient.open(rig.app.url), 'price_billing'));
    const rows = await Promise.all(numbers.map(cardOf));
    expect(rows.map((r) => [r.team, r.slack_channel, r.owner, r.status])).toEqual([
      ['billing', BILLING, AGENT, 'assigned'],
      ['billing', BILLING, AGENT_2, 'assigned'],
      ['billing', BILLING, AGENT, 'assigned'],
    ]);
    const first = rows[0]!;
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === first.slack_ts && String(p.text).includes(`<@${AGENT}> now owns this case (auto-assigned)`));

    // Assign… to someone outside the staff: refused in the modal. To a colleague: recorded as a reassignment.
    await press(AGENT, 'case_assign', first);
    await rig.fake.waitFor('views.open', (p) => p.view?.callback_id === 'case_assign_view');
    const refused = await submit(AGENT, 'case_assign_view', first.id, { assignee: { type: 'users_select', selected_user: OUTSIDER } });
    expect(refused).toMatchObject({ response_action: 'errors', errors: { assignee: expect.stringContaining('not a member of the staff') } });
    expect(await submit(AGENT, 'case_assign_view', first.id, { assignee: { type: 'users_select', selected_user: AGENT_2 } })).toBeUndefined();
    expect((await caseRow(first.number)).owner).toBe(AGENT_2);
    const events = await actions(first.id);
    expect(events.filter((e) => ['auto_assigned', 'reassigned'].includes(e.action)).map((e) => [e.action, e.actor, e.from_value, e.to_value])).toEqual([
      ['auto_assigned', 'system:auto-assign', null, AGENT],
      ['reassigned', `slack:${AGENT}`, AGENT, AGENT_2],
    ]);
  });

  it('lets only supervisors lower a severity, and recomputes deadlines', async () => {
    const number = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url), 'service_attitude');
    const row = await cardOf(number);
    expect(row.severity).toBe('general');
    const severity = (value: string) => ({ severity: { type: 'static_select', selected_option: { value } } });
    expect(await submit(AGENT, 'case_severity_view', row.id, severity('major'))).toBeUndefined();
    const raised = await caseRow(number);
    expect(raised.severity).toBe('major');
    expect(new Date(raised.first_response_due_at).getTime() - new Date(raised.created_at).getTime()).toBe(12 * 3600_000);
    const refused = await submit(AGENT, 'case_severity_view', row.id, severity('general'));
    expect(refused?.errors.severity).toContain('Only supervisors');
    expect((await caseRow(number)).severity).toBe('major');
    expect(await submit(SUPERVISOR, 'case_severity_view', row.id, severity('general'))).toBeUndefined();
    expect((await caseRow(number)).severity).toBe('general');
    const changes = (await actions(row.id)).filter((e) => e.action === 'severity_changed').map((e) => [e.actor, e.from_value, e.to_value]);
    expect(changes).toEqual([
      [`slack:${AGENT}`, 'general', 'major'],
      [`slack:${SUPERVISOR}`, 'major', 'general'],
    ]);
  });

  it('resolves a general case at once, escalates and reopens it', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await complainOnWebchat(chat, {
      category: 'service_attitude',
      description: 'The cashier shouted at me when I asked for a receipt.',
      desired: 'apology',
      name: 'Bo Chen',
      contact: 'bo.chen@example.com',
    });
    const row = await cardOf(number);
    expect(blockText((await rig.fake.waitFor('chat.postMessage', (p) => blockText(p.blocks).includes(number))).blocks)).toContain('b***@example.com');
    const resolution = await submit(AGENT, 'case_resolve_view', row.id, {
      summary: { type: 'plain_text_input', value: 'We spoke with the cashier and apologise for how you were treated.' },
      remedy: { type: 'static_select', selected_option: { value: 'apology' } },
      determination: { type: 'radio_buttons', selected_option: { value: 'responsible' } },
      root_cause: { type: 'static_select', selected_option: { value: 'staff_conduct' } },
    });
    expect(resolution).toBeUndefined();
    expect(allText(await chat.replies())).toBe(`Your case ${number} has been resolved.\n\nWe spoke with the cashier and apologise for how you were treated.\n\nWhat we will do: Apology.`);
    expect(await caseRow(number)).toMatchObject({ status: 'resolved', owner: AGENT, remedy_approval: null });

    // Escalation is a flag with who and why; supervisors are told.
    const escalated = await submit(AGENT_2, 'case_escalate_view', row.id, {
      level: { type: 'static_select', selected_option: { value: 'mediation' } },
      reason: { type: 'plain_text_input', value: 'Customer disputes the outcome and asks for mediation.' },
    });
    expect(escalated).toBeUndefined();
    expect(await caseRow(number)).toMatchObject({ escalation: 'mediation', escalated_by: AGENT_2, status: 'resolved' });
    const notice = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(`${number}`) && String(p.text).includes('mediation'));
    expect(blockText(notice.blocks)).toContain('asks for mediation');

    await press(AGENT, 'case_reopen', row);
    expect(allText(await chat.replies())).toBe(`Your case ${number} has been reopened. Our staff will get back to you here.`);
    const reopened = await caseRow(number);
    expect(reopened).toMatchObject({ status: 'reopened', resolved_at: null, owner: AGENT });
    const card = await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nReopened'));
    expect(blockText(card.blocks)).toContain('Escalated: *mediation*');
    expect(buttonIds(card.blocks)).toContain('case_resolve');
  });

  it('sends a rejected remedy back to its owner and tells the customer nothing', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'other');
    const row = await cardOf(number);
    expect(await submit(AGENT, 'case_severity_view', row.id, { severity: { type: 'static_select', selected_option: { value: 'major' } } })).toBeUndefined();
    const proposed = await submit(AGENT, 'case_resolve_view', row.id, {
      summary: { type: 'plain_text_input', value: 'We will refund the delivery fee.' },
      remedy: { type: 'static_select', selected_option: { value: 'refund' } },
      amount: { type: 'plain_text_input', value: '20' },
      determination: { type: 'radio_buttons', selected_option: { value: 'responsible' } },
      root_cause: { type: 'static_select', selected_option: { value: 'logistics' } },
    });
    expect(proposed).toBeUndefined();
    expect(await caseRow(number)).toMatchObject({ remedy_approval: 'pending', status: 'in_progress', owner: AGENT });
    const blocked = await submit(AGENT, 'case_request_info_view', row.id, { question: { type: 'plain_text_input', value: 'Anything else?' } });
    expect(blocked?.errors.question).toContain("awaits a supervisor's approval");

    await press(SUPERVISOR, 'case_reject', row);
    await until(async () => (await caseRow(number)).remedy_approval === 'rejected', 'rejected');
    expect(await caseRow(number)).toMatchObject({ status: 'in_progress', remedy_decided_by: SUPERVISOR, resolved_at: null });
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes(`Remedy rejected by <@${SUPERVISOR}>. <@${AGENT}>, please revise`));
    expect((await actions(row.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['resolution_proposed', 'remedy_rejected']));
    expect(await chat.fetch(0)).toEqual([]);
  });

  it('marks a reply that could not be delivered with ✗ and says so in the thread', async () => {
    const number = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url), 'other');
    const row = await cardOf(number);
    // The customer's stored address became unusable: the web chat sender refuses the message for good.
    await db().updateTable('customers').set({ address: JSON.stringify({}) }).where('id', '=', row.customer_id).execute();
    await rig.slack.threadMessage({ channel: CASES, user: AGENT, threadTs: row.slack_ts!, ts: '1800000099.000100', text: '&gt;&gt; We are looking into it.' });
    await rig.fake.waitFor('reactions.add', (p) => p.timestamp === '1800000099.000100' && p.name === 'x');
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes('could not be delivered'));
    const after = await caseRow(number);
    expect(after.first_responded_at).toBeNull();
    expect((await actions(row.id)).map((e) => e.action)).toContain('delivery_failed');
  });

  it('answers /complaints for staff only, with lists, one case, figures and a CSV link', async () => {
    const number = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url), 'product_quality');
    const row = await cardOf(number);
    await press(AGENT_2, 'case_claim', row);
    await until(async () => (await caseRow(number)).owner === AGENT_2, 'claimed');

    expect(await command(OUTSIDER, 'open')).toContain('Only members of the staff channel');
    expect(await command(AGENT, '')).toContain('/complaints mine');
    expect(await command(AGENT_2, 'mine')).toContain(`*${number}*`);
    expect(await command(AGENT, 'mine')).not.toContain(`*${number}*`);
    expect(await command(AGENT, 'open')).toContain(`*${number}* · general · Assigned · <@${AGENT_2}>`);
    expect(await command(AGENT, 'breaching')).toBe('Late or due within 2 hours: none.');
    const shown = await command(AGENT, `show ${number.toLowerCase()}`);
    expect(shown).toContain(`*${number}* · general · Assigned`);
    expect(shown).toContain(`Card and thread in <#${CASES}>`);
    expect(await command(AGENT, 'show C-1999-000000')).toContain('No case C-1999-000000');
    const stats = await command(SUPERVISOR, 'stats 30d');
    expect(stats).toMatch(/Cases opened in the last 30 days: \d+/);
    expect(stats).toContain('By category:');
    expect(await command(AGENT, 'stats 90d')).toContain('stats 7d');

    const exported = await command(SUPERVISOR, 'export 7d');
    const link = /<(http:\/\/hearken\.test\/slack\/export\.csv\?token=[^|>]+)\|download>/.exec(exported)?.[1];
    expect(link, exported).toBeDefined();
    const csv = await fetch(link!.replace('http://hearken.test', rig.app.url));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('number,created_at,channel,category,severity,status,open,team,owner,first_response_due_at,first_responded_at,resolution_due_at,resolved_at,determination,root_cause,remedy,remedy_amount,remedy_approval,escalation');
    expect(text).toContain(`${number},`);
    expect(text).not.toContain('@example.com');
    const forged = await fetch(`${rig.app.url}/slack/export.csv?token=${link!.split('token=')[1]!.slice(0, -2)}xx`);
    expect(forged.status).toBe(403);
  });

  it('honours 429 Retry-After from the Web API', async () => {
    const number = await quickCaseOnWebchat(await WebchatClient.open(rig.app.url), 'other');
    const row = await cardOf(number);
    rig.fake.respondOnce('chat.update', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } }, (p) => p.ts === row.slack_ts);
    await press(AGENT, 'case_claim', row);
    const updates = await until(() => {
      const calls = rig.fake.calls.filter((c) => c.method === 'chat.update' && c.params.ts === row.slack_ts);
      return calls.length >= 2 ? calls : undefined;
    }, 'second chat.update');
    expect(updates[1]!.at - updates[0]!.at).toBeGreaterThanOrEqual(950);
    expect(blockText(updates[1]!.params.blocks)).toContain(`<@${AGENT}>`);
    expect(rig.app.logs.some((l) => l.msg === 'delivery failed; will retry' && (l.err as { message?: string } | undefined)?.message === 'ratelimited' && l.delayMs === 1000)).toBe(true);
  });

  it('reports an archived channel and a missing bot membership clearly, and keeps serving customers', async () => {
    const stopArchived = rig.fake.respondAlways('chat.postMessage', { body: { ok: false, error: 'is_archived' } }, (p) => p.channel === ARCHIVED);
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    expect(number).toMatch(/^C-/);
    await until(() => rig.app.logs.find((l) => l.code === 'is_archived' && l.scope === ARCHIVED && Number(l.level) === 50), 'archived channel logged');
    const log = rig.app.logs.find((l) => l.code === 'is_archived' && l.scope === ARCHIVED)!;
    expect(String(log.msg)).toContain(`channel ${ARCHIVED} is archived`);
    const health = (await (await fetch(`${rig.app.url}/healthz`)).json()) as { status: string; channels: Record<string, string> };
    expect(health.status).toBe('ok');
    expect(health.channels.webchat).toBe('ok');
    expect(health.channels.slack).toContain(`channel ${ARCHIVED} is archived`);
    expect(health.channels.slack).toContain(`the bot is not a member of channel ${NO_BOT}`);
    const pending = await db().selectFrom('outbox').selectAll().where('channel', '=', 'slack').where('last_error', '=', 'is_archived').execute();
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((r) => r.status === 'pending')).toBe(true);
    stopArchived();
    // The customer side is unaffected.
    expect(allText(await chat.say('status'))).toContain(number);
  });
});
