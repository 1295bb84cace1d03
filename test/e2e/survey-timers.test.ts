import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complainOnWebchat, quickCaseOnWebchat, until } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { AGENT, startSlackRig, SUPERVISOR, SUPERVISORS, type SlackTestRig } from '../support/slack-app.ts';
import { resolveInSlack, surveyRows, threadPosts } from '../support/surveys.ts';
import { allText, lastText, WebchatClient } from '../support/webchat-client.ts';

const QUESTION = 'Was your problem resolved?';
let rig: SlackTestRig;

beforeAll(async () => {
  rig = await startSlackRig(
    { teams: { care: { assignment: 'claim' } }, defaultTeam: 'care' },
    { POLICY_FILE: policyFile({ survey: { delaySeconds: 1, reminderAfterSeconds: 3, expireAfterSeconds: 6, onLowScore: 'offer_mediation' } }) },
  );
});
afterAll(async () => {
  await rig?.stop();
});

const db = () => rig.app.database.db;
const outTexts = (chat: WebchatClient) => chat.transcript.filter((e) => e.direction === 'out').map((e) => e.payload.text);

async function command(user: string, text: string): Promise<string> {
  const res = await rig.slack.command({ user, text });
  expect(res.status).toBe(200);
  return ((await res.json()) as { text: string }).text;
}

describe('survey timers, mediation and campaigns, end to end', () => {
  it('an unanswered survey gets exactly one reminder, then expires; a late button press changes nothing', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    await until(async () => (await surveyRows(rig, row.id))[0]?.status === 'expired', 'survey expired', 20_000);
    await new Promise((r) => setTimeout(r, 1500)); // a second reminder or expiry would arrive now
    await chat.fetch();
    expect(outTexts(chat).filter((t) => t.includes(QUESTION) && !t.startsWith('A reminder:'))).toHaveLength(1);
    expect(outTexts(chat).filter((t) => t.startsWith('A reminder:'))).toEqual([expect.stringContaining(QUESTION)]);
    const [survey] = await surveyRows(rig, row.id);
    expect(survey).toMatchObject({ status: 'expired', resolved: null, csat: null, owner: AGENT });
    expect(survey!.reminded_at).not.toBeNull();

    const late = await chat.press('survey:resolved:no');
    expect(allText(late)).toBe('This survey is closed. Thank you!');
    expect((await surveyRows(rig, row.id))[0]).toMatchObject({ status: 'expired', resolved: null });
    expect((await db().selectFrom('cases').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('resolved');
  });

  it('with onLowScore offer_mediation a dissatisfied customer is offered mediation, recorded as an escalation they asked for', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await resolveInSlack(rig, number);
    await until(async () => {
      await chat.fetch(1);
      return outTexts(chat).some((t) => t.includes(QUESTION));
    }, 'survey');
    await chat.press('survey:resolved:no');
    await chat.press('survey:csat:2');
    await chat.press('survey:comment:skip');
    const offer = await chat.press('survey:nps:skip');
    expect(offer.at(-1)!.payload.text).toContain('Would you like an independent mediation');
    expect(offer.at(-1)!.payload.choices?.map((c) => c.value)).toEqual(['survey:mediation:yes', 'survey:mediation:no']);
    const done = await chat.press('survey:mediation:yes');
    expect(allText(done)).toContain(`request for mediation on case ${number}`);

    const after = await db().selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'resolved', escalation: 'mediation', escalated_by: null });
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes("Escalated to *mediation* at the customer's request"));
    expect(threadPosts(rig, row.slack_ts!, /Dissatisfied customer.*offered mediation/)).toHaveLength(1);
    await rig.fake.waitFor('chat.postMessage', (p) => p.channel === SUPERVISORS && String(p.text).includes(number) && String(p.text).includes('mediation'));
  });

  it("a supervisor's campaign reaches only consenting customers; answers are stored unlinked and reported as totals", async () => {
    const consenting = await WebchatClient.open(rig.app.url);
    await complainOnWebchat(consenting, { category: 'service_attitude', description: 'The shop assistant was rude to me on Monday.', desired: 'apology', name: 'Carol Example', contact: 'carol@example.com' });
    const declined = await WebchatClient.open(rig.app.url);
    await quickCaseOnWebchat(declined, 'other');

    expect(await command(AGENT, 'campaign start Q4 2026')).toContain('Only supervisors');
    const started = await command(SUPERVISOR, 'campaign start Q4 2026');
    const id = Number(/Campaign \*#(\d+)\*/.exec(started)?.[1]);
    expect(started).toContain('goes to 1 customer(s) who consented');
    expect((await db().selectFrom('survey_campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow())).toMatchObject({ name: 'Q4 2026', started_by: SUPERVISOR, recipients: 1 });

    const intro = await until(async () => {
      await consenting.fetch(1);
      return consenting.transcript.find((e) => e.direction === 'out' && e.payload.text.includes('Your answers are anonymous'));
    }, 'campaign questions');
    expect(intro.payload.choices?.map((c) => c.value)).toEqual(['survey:csat:1', 'survey:csat:2', 'survey:csat:3', 'survey:csat:4', 'survey:csat:5']);
    await consenting.press('survey:csat:4');
    const carolId = (await db().selectFrom('cases').select('customer_id').where('contact_email', '=', 'carol@example.com').executeTakeFirstOrThrow()).customer_id;
    const customerState = await db().selectFrom('customers').select('state').where('id', '=', carolId).executeTakeFirstOrThrow();
    expect((customerState.state as { survey?: unknown }).survey).toEqual({ kind: 'campaign', id, question: 'nps' });
    await consenting.press('survey:nps:9');
    const thanks = await consenting.say('Friendly people on the phone.');
    // lastText: on a slow run the campaign's reminder (3 s) may re-ask a question before the answers are in.
    expect(lastText(thanks)).toBe('Thank you for your feedback!');

    const answers = await db().selectFrom('campaign_answers').selectAll().where('campaign_id', '=', id).orderBy('id').execute();
    expect(answers.map(({ csat, nps, comment }) => ({ csat, nps, comment }))).toEqual([
      { csat: 4, nps: null, comment: null },
      { csat: null, nps: 9, comment: null },
      { csat: null, nps: null, comment: 'Friendly people on the phone.' },
    ]);
    for (const a of answers) expect(new Date(a.answered_at).toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(Object.keys(answers[0]!).sort()).toEqual(['answered_at', 'campaign_id', 'comment', 'csat', 'id', 'nps']);
    // Nothing about the campaign in the per-case survey table, and the state keeps no answers.
    expect(await db().selectFrom('surveys').select('id').where('customer_id', '=', carolId).execute()).toEqual([]);
    const finalState = await db().selectFrom('customers').select('state').where('id', '=', carolId).executeTakeFirstOrThrow();
    expect((finalState.state as { survey?: unknown }).survey).toBeUndefined();

    await declined.fetch();
    expect(declined.transcript.some((e) => e.payload.text.includes('anonymous'))).toBe(false);

    const results = await command(SUPERVISOR, `campaign results ${id}`);
    expect(results).toContain('CSAT: 1 answer(s), average 4.00 (1: 0 · 2: 0 · 3: 0 · 4: 1 · 5: 0)');
    expect(results).toContain('NPS: 100 from 1 answer(s) (1 promoters, 0 detractors)');
    expect(results).toContain('Comments: 1');
    expect(results).not.toContain('Friendly people');
    expect(await command(AGENT, 'campaign results 999')).toContain('No campaign 999');
  });
});
