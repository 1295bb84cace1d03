import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseCloseTimer } from '../../src/surveys/case-closing.ts';
import { complainOnWebchat, quickCaseOnWebchat, until } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { AGENT, blockText, CASES, startSlackRig, SUPERVISOR, type SlackTestRig } from '../support/slack-app.ts';
import { resolveForSurvey, resolveInSlack } from '../support/surveys.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { allText, WebchatClient } from '../support/webchat-client.ts';

const QUESTION = 'Was your problem resolved?';
const QUIET_SECONDS = 5 * 86_400;
let rig: SlackTestRig;

beforeAll(async () => {
  rig = await startSlackRig(
    { teams: { care: { assignment: 'claim' } }, defaultTeam: 'care' },
    { POLICY_FILE: policyFile({ survey: { delaySeconds: 1, reminderAfterSeconds: 600, expireAfterSeconds: 1200 }, closing: { quietSeconds: QUIET_SECONDS } }) },
  );
});
afterAll(async () => {
  await rig?.stop();
});

const caseOf = (app: TestApp, number: string) => app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const eventsOf = (app: TestApp, caseId: number) =>
  app.database.db.selectFrom('case_events').select(['action', 'actor', 'from_value as from', 'to_value as to', 'details']).where('case_id', '=', caseId).orderBy('id').execute();
const customerMessages = async (app: TestApp, caseId: number) =>
  (await app.database.db.selectFrom('case_messages').select('body').where('case_id', '=', caseId).where('direction', '=', 'customer').execute()).map((m) => m.body);

/** The quiet-period timer(s) pg-boss holds for a case: data and due time. */
async function closeTimers(app: TestApp, caseId: number): Promise<Array<{ data: CaseCloseTimer; startAfter: Date }>> {
  const { rows } = await sql<{ data: CaseCloseTimer; start_after: Date }>`
    SELECT data, start_after FROM pgboss.job WHERE name = 'case-close' AND (data ->> 'caseId')::bigint = ${caseId}`.execute(app.database.db);
  return rows.map((r) => ({ data: r.data, startAfter: new Date(r.start_after) }));
}

describe('resolved → closed', () => {
  it('a satisfied survey answer closes the case: audit, card label updated in place, "status" says closed; a later message starts a new complaint (default policy)', async () => {
    const { app } = rig;
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    await until(async () => {
      await chat.fetch(1);
      return chat.transcript.some((e) => e.direction === 'out' && e.payload.text.includes(QUESTION));
    }, 'survey on the web chat');
    await chat.press('survey:resolved:yes');
    await chat.press('survey:csat:5');
    await chat.say('Sorted, thanks.');
    await chat.press('survey:nps:9');

    const closed = await caseOf(app, number);
    expect(closed.status).toBe('closed');
    expect(closed.closed_at).not.toBeNull();
    expect(closed.resolved_at).not.toBeNull();
    const events = await eventsOf(app, row.id);
    expect(events.filter((e) => e.action === 'closed')).toEqual([{ action: 'closed', actor: 'customer', from: 'resolved', to: 'closed', details: { reason: 'survey_satisfied' } }]);
    const card = await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nClosed'));
    expect(card.channel).toBe(row.slack_channel);

    expect(allText(await chat.say('status'))).toContain(`Case ${number} (`);
    expect(allText(chat.transcript.slice(-1))).toMatch(new RegExp(`Case ${number} \\(.*\\): closed\\.`));

    // Closed is final by default: a later message opens a new intake from it, the old case takes nothing more.
    const later = await chat.say('My kettle from the same order leaks too.');
    expect(later.some((e) => e.payload.choices?.some((c) => c.value.startsWith('opt:')))).toBe(true);
    expect(await customerMessages(app, row.id)).not.toContain('My kettle from the same order leaks too.');
    expect((await caseOf(app, number)).status).toBe('closed');
    expect(await closeTimers(app, row.id)).toHaveLength(1);
  });

  it('without a survey answer the case closes after the quiet period, on a durable timer that acts once', async () => {
    const { app } = rig;
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'product_quality');
    const row = await resolveInSlack(rig, number);
    const resolved = await caseOf(app, number);
    const [timer, ...others] = await closeTimers(app, row.id);
    expect(others).toEqual([]);
    expect(timer!.data).toEqual({ caseId: row.id, resolvedAt: new Date(resolved.resolved_at!).toISOString() });
    expect(timer!.startAfter.getTime()).toBe(new Date(resolved.resolved_at!).getTime() + QUIET_SECONDS * 1000);

    // Fired as pg-boss would when due, then delivered again: one close.
    await app.closing.handle(timer!.data);
    await app.closing.handle(timer!.data);
    expect(await caseOf(app, number)).toMatchObject({ status: 'closed' });
    const closedEvents = (await eventsOf(app, row.id)).filter((e) => e.action === 'closed');
    expect(closedEvents).toEqual([{ action: 'closed', actor: 'system', from: 'resolved', to: 'closed', details: { reason: 'quiet_period' } }]);
    await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nClosed'));
  });

  it('a stale timer (the case was reopened meanwhile) closes nothing', async () => {
    const { app } = rig;
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'price_billing');
    const row = await resolveInSlack(rig, number);
    const [timer] = await closeTimers(app, row.id);
    await app.database.db.updateTable('cases').set({ status: 'reopened', resolved_at: null }).where('id', '=', row.id).execute();
    await app.closing.handle(timer!.data);
    expect((await caseOf(app, number)).status).toBe('reopened');
  });
});

describe('a survey still pending when the quiet period closed the case', () => {
  const surveyOf = (app: TestApp, caseId: number) => app.database.db.selectFrom('surveys').selectAll().where('case_id', '=', caseId).executeTakeFirst();

  it('free text starts a new complaint (not silently added to the closed case); the survey answers still count, credited to the owner, and the case stays closed', async () => {
    const { app, fake } = rig;
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    await until(async () => (await surveyOf(app, row.id))?.status === 'sent', 'survey sent');
    expect(allText(await chat.replies())).toContain(QUESTION);
    const [timer] = await closeTimers(app, row.id);
    await app.closing.handle(timer!.data);
    expect((await caseOf(app, number)).status).toBe('closed');

    // Not an answer to "Was your problem resolved?": a new complaint, as any message to a closed case (closing.afterClose = new_case).
    const words = 'The replacement kettle leaks as well.';
    const started = await chat.say(words);
    expect(started.some((e) => e.payload.choices?.some((c) => c.value.startsWith('opt:')))).toBe(true);
    expect(await customerMessages(app, row.id)).not.toContain(words);

    // The survey buttons still answer the old case's survey.
    await chat.press('survey:resolved:yes');
    await chat.press('survey:csat:5');
    await chat.press('survey:comment:skip');
    expect(allText(await chat.press('survey:nps:9'))).toContain('Thank you for your feedback!');
    expect(await surveyOf(app, row.id)).toMatchObject({ status: 'answered', resolved: true, csat: 5, nps: 9, owner: AGENT });
    const answered = (await eventsOf(app, row.id)).filter((e) => e.action === 'survey_answered');
    expect(answered).toEqual([expect.objectContaining({ actor: 'customer', details: expect.objectContaining({ csat: 5, owner: AGENT, low: false }) })]);
    await fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('CSAT *5/5*') && blockText(p.blocks).includes('*Status*\nClosed'));
    expect((await caseOf(app, number)).status).toBe('closed');
    expect((await eventsOf(app, row.id)).filter((e) => e.action === 'closed')).toHaveLength(1);
  });
});

describe('policy closing.afterClose = reopen, with a survey pending on the closed case', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ POLICY_FILE: policyFile({ survey: { delaySeconds: 1, reminderAfterSeconds: 600, expireAfterSeconds: 1200 }, closing: { afterClose: 'reopen' } }) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a survey answer does not reopen the case; free text does, and joins it', async () => {
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'after_sales_repair');
    const { surveyId, send } = await resolveForSurvey(app, number);
    await app.surveys.handle(send);
    expect(allText(await chat.replies())).toContain(QUESTION);
    const row = await caseOf(app, number);
    const [timer] = await closeTimers(app, row.id);
    await app.closing.handle(timer!.data);
    expect((await caseOf(app, number)).status).toBe('closed');

    await chat.press('survey:resolved:yes');
    expect((await caseOf(app, number)).status).toBe('closed');
    const answered = await app.database.db.selectFrom('surveys').select(['resolved', 'status']).where('id', '=', surveyId).executeTakeFirstOrThrow();
    expect(answered).toEqual({ resolved: true, status: 'sent' });

    await chat.say('It broke again this morning.');
    expect(await caseOf(app, number)).toMatchObject({ status: 'reopened', closed_at: null });
    expect(await customerMessages(app, row.id)).toContain('It broke again this morning.');
  });
});

/** action_ids of every button on a card, by actions block. */
function cardButtons(blocks: unknown): Record<string, string[]> {
  const actions = (blocks as Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string }> }>).filter((b) => b.type === 'actions');
  return Object.fromEntries(actions.map((b) => [b.block_id ?? '', (b.elements ?? []).map((e) => e.action_id)]));
}

describe("a closed case's card", () => {
  it('offers Reopen and Reveal contact only; the buttons of a stale card refuse cleanly and change nothing; Reopen works', async () => {
    const { app, fake, slack } = rig;
    const chat = await WebchatClient.open(app.url);
    const number = await complainOnWebchat(chat, { category: 'product_quality', description: 'The kettle lid snapped off.', desired: 'refund', name: 'Gail Example', contact: 'gail@example.com' });
    const row = await resolveInSlack(rig, number);
    const resolvedCard = await fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nResolved'));
    expect(cardButtons(resolvedCard.blocks).case_actions).toEqual(expect.arrayContaining(['case_reopen', 'case_escalate']));

    await until(async () => (await app.database.db.selectFrom('surveys').select('status').where('case_id', '=', row.id).executeTakeFirst())?.status === 'sent', 'survey sent');
    const [timer] = await closeTimers(app, row.id);
    await app.closing.handle(timer!.data);
    const card = await fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nClosed'));
    // The survey was sent (not scheduled), so no "No survey"; the contact stays readable to staff until retention removes it.
    expect(cardButtons(card.blocks)).toEqual({ case_actions: ['case_reopen'], case_contact: ['case_reveal_contact'] });

    // Buttons of the card as it was before (a stale copy): each use case refuses, privately or in its form.
    const before = await caseOf(app, number);
    const eventCount = (await eventsOf(app, row.id)).length;
    await slack.press({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
    const claimRefused = await fake.waitFor('chat.postEphemeral', (p) => p.user === AGENT && String(p.text).includes('resolved or closed'));
    expect(claimRefused.channel).toBe(CASES);
    const escalation = await slack.submitView({
      user: SUPERVISOR,
      callbackId: 'case_escalate_view',
      meta: { caseId: row.id, channel: CASES },
      values: { level: { type: 'static_select', selected_option: { value: 'mediation' } }, reason: { type: 'plain_text_input', value: 'Customer called the hotline.' } },
    });
    expect(await escalation.json()).toEqual({ response_action: 'errors', errors: { level: 'This case is resolved or closed: reopen it first.' } });
    expect(await caseOf(app, number)).toEqual(before);
    expect(await eventsOf(app, row.id)).toHaveLength(eventCount);

    await slack.press({ user: SUPERVISOR, actionId: 'case_reveal_contact', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
    const contact = await fake.waitFor('chat.postEphemeral', (p) => p.user === SUPERVISOR && blockText(p.blocks).includes('gail@example.com'));
    expect(contact.channel).toBe(CASES);

    await slack.press({ user: AGENT, actionId: 'case_reopen', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
    const reopened = await fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('*Status*\nReopened'));
    expect(cardButtons(reopened.blocks).case_actions).toContain('case_escalate');
    expect(await caseOf(app, number)).toMatchObject({ status: 'reopened', closed_at: null });
  });
});

describe('policy closing.afterClose = reopen', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ POLICY_FILE: policyFile({ survey: { enabled: false }, closing: { afterClose: 'reopen' } }) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a message to a closed case reopens it (audited as the customer) and joins it', async () => {
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'after_sales_repair');
    const db = app.database.db;
    const now = new Date();
    await db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('cases').set({ status: 'resolved', resolved_at: now, updated_at: now }).where('number', '=', number).returningAll().executeTakeFirstOrThrow();
      await app.surveys.caseResolved(trx, row, now);
    });
    const row = await caseOf(app, number);
    const [timer] = await closeTimers(app, row.id);
    await app.closing.handle(timer!.data);
    expect((await caseOf(app, number)).status).toBe('closed');

    await chat.say('It broke again this morning.');
    expect(await caseOf(app, number)).toMatchObject({ status: 'reopened', closed_at: null });
    expect(await customerMessages(app, row.id)).toContain('It broke again this morning.');
    const events = await eventsOf(app, row.id);
    expect(events.filter((e) => e.actor === 'customer').map((e) => e.action)).toEqual(['reopened', 'status_changed']);
  });
});
