import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyTimer } from '../../src/surveys/survey.service.ts';
import { complainOnWebchat, quickCaseOnWebchat, until } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { resolveForSurvey } from '../support/surveys.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * A pg-boss job is delivered again when the process dies after the
 * handler's commit but before pg-boss records completion, or on a retry:
 * handling the same job data twice must send nothing twice. Survey timers
 * are far in the future here, so only the test fires them (except the
 * campaign send, which is due at once and fired by the app's own worker).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ POLICY_FILE: policyFile({ survey: { delaySeconds: 3600, reminderAfterSeconds: 7200, expireAfterSeconds: 86_400 } }) });
});
afterAll(async () => {
  await app?.stop();
});

const db = () => app.database.db;

/** Outbound messages to one customer whose text contains `fragment`. */
async function sentTo(customerId: number, fragment: string): Promise<number> {
  const rows = await db()
    .selectFrom('outbox')
    .select('id')
    .where('customer_id', '=', customerId)
    .where(sql<boolean>`strpos(payload ->> 'text', ${fragment}) > 0`)
    .execute();
  return rows.length;
}

async function customerOfCase(number: string): Promise<number> {
  return (await db().selectFrom('cases').select('customer_id').where('number', '=', number).executeTakeFirstOrThrow()).customer_id;
}

async function surveyJobs(stage: SurveyTimer['stage'], campaignId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'survey' AND data ->> 'stage' = ${stage} AND (data ->> 'campaignId')::bigint = ${campaignId}`.execute(db());
  return rows[0]!.n;
}

const CAMPAIGN_INTRO = 'Your answers are anonymous';
const CASE_INTRO = 'Could you tell us how we did?';

describe('a survey job delivered twice sends once', () => {
  it('campaign: the questions go out once per customer, however often the job arrives', async () => {
    const chat = await WebchatClient.open(app.url);
    const number = await complainOnWebchat(chat, { category: 'service_attitude', description: 'Nobody answered the phone for a week.', desired: 'apology', name: 'Dana Example', contact: 'dana@example.com' });
    const customerId = await customerOfCase(number);
    const started = await app.campaigns.start({ name: 'Redelivery check', startedBy: 'U0SUPER01' });
    expect(started).toMatchObject({ ok: true, recipients: 1 });
    const campaignId = started.ok ? started.id : 0;

    // The app's worker handles the job once ...
    await until(async () => (await sentTo(customerId, CAMPAIGN_INTRO)) === 1, 'campaign questions');
    // ... then the same job data arrives again, twice.
    const job: SurveyTimer = { stage: 'campaign-send', campaignId, customerId };
    await app.surveys.handle(job);
    await app.surveys.handle(job);

    expect(await sentTo(customerId, CAMPAIGN_INTRO)).toBe(1);
    expect(await surveyJobs('campaign-remind', campaignId)).toBe(1);
    expect(await surveyJobs('campaign-expire', campaignId)).toBe(1);
    const marks = await db().selectFrom('campaign_marks').selectAll().where('campaign_id', '=', campaignId).execute();
    expect(marks).toEqual([{ campaign_id: campaignId, customer_id: customerId, stage: 'send' }]);
    await chat.fetch(1);
    expect(chat.transcript.filter((e) => e.direction === 'out' && e.payload.text.includes(CAMPAIGN_INTRO))).toHaveLength(1);

    // The mark names who was sent the campaign: the customer's erasure removes it, and a late job then sends nothing.
    expect(await app.privacy.eraseCustomer({ caseNumber: number }, 'cli:operator')).toMatchObject({ ok: true });
    expect(await db().selectFrom('campaign_marks').select('stage').where('customer_id', '=', customerId).execute()).toEqual([]);
    await app.surveys.handle(job);
    expect(await db().selectFrom('campaign_marks').select('stage').where('customer_id', '=', customerId).execute()).toEqual([]);
    expect(await db().selectFrom('outbox').select('id').where('customer_id', '=', customerId).execute()).toEqual([]);
  });

  it('case survey: the send, the reminder and the expiry each act once', async () => {
    const chat = await WebchatClient.open(app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const customerId = await customerOfCase(number);
    const { surveyId, send } = await resolveForSurvey(app, number);
    const survey = await db().selectFrom('surveys').selectAll().where('id', '=', surveyId).executeTakeFirstOrThrow();

    await app.surveys.handle(send);
    await app.surveys.handle(send);
    expect(await sentTo(customerId, CASE_INTRO)).toBe(1);

    await app.surveys.handle({ stage: 'remind', surveyId: survey.id });
    await app.surveys.handle({ stage: 'remind', surveyId: survey.id });
    expect(await sentTo(customerId, 'A reminder:')).toBe(1);

    await app.surveys.handle({ stage: 'expire', surveyId: survey.id });
    await app.surveys.handle({ stage: 'expire', surveyId: survey.id });
    expect(await db().selectFrom('surveys').select('status').where('id', '=', survey.id).executeTakeFirstOrThrow()).toEqual({ status: 'expired' });
    expect(await sentTo(customerId, CASE_INTRO)).toBe(1);
    const events = await db().selectFrom('case_events').select('action').where('case_id', '=', survey.case_id).where('action', '=', 'survey_sent').execute();
    expect(events).toHaveLength(1);
  });

  it('campaign reminder: one, on a durable timer, to a customer who has not answered; none after the answers', async () => {
    const quiet = await WebchatClient.open(app.url);
    const quietId = await customerOfCase(await complainOnWebchat(quiet, { category: 'product_quality', description: 'The lid of the blender cracked.', desired: 'refund', name: 'Erin Example', contact: 'erin@example.com' }));
    const keen = await WebchatClient.open(app.url);
    const keenId = await customerOfCase(await complainOnWebchat(keen, { category: 'product_quality', description: 'The toaster burns one side.', desired: 'refund', name: 'Finn Example', contact: 'finn@example.com' }));
    const started = await app.campaigns.start({ name: 'Reminder check', startedBy: 'U0SUPER01' });
    expect(started).toMatchObject({ ok: true, recipients: 2 });
    const campaignId = started.ok ? started.id : 0;
    await until(async () => (await sentTo(quietId, CAMPAIGN_INTRO)) === 1 && (await sentTo(keenId, CAMPAIGN_INTRO)) === 1, 'campaign questions');

    // The reminder is a durable timer, due reminderAfterSeconds (7200) after the send.
    const { rows: due } = await sql<{ customer: string; seconds: number }>`
      SELECT data ->> 'customerId' AS customer, extract(epoch FROM start_after - created_on)::int AS seconds
      FROM pgboss.job WHERE name = 'survey' AND data ->> 'stage' = 'campaign-remind' AND (data ->> 'campaignId')::bigint = ${campaignId}
      ORDER BY customer`.execute(db());
    expect(due.map((d) => Number(d.customer)).sort((a, b) => a - b)).toEqual([quietId, keenId].sort((a, b) => a - b));
    for (const d of due) expect(Math.abs(d.seconds - 7200)).toBeLessThanOrEqual(5);

    await keen.press('survey:csat:5');
    await keen.press('survey:nps:10');
    await keen.say('Quick and kind.');

    // Fired (and delivered again): the customer who has not answered gets the pending question once more, once.
    for (const customerId of [quietId, keenId]) {
      await app.surveys.handle({ stage: 'campaign-remind', campaignId, customerId });
      await app.surveys.handle({ stage: 'campaign-remind', campaignId, customerId });
    }
    expect(await sentTo(quietId, 'A reminder:')).toBe(1);
    expect(await sentTo(quietId, 'How satisfied are you')).toBe(2);
    expect(await sentTo(keenId, 'A reminder:')).toBe(0);
    // Both reminders are marked alike: the marks do not tell who answered.
    const marks = await db().selectFrom('campaign_marks').select(['customer_id', 'stage']).where('campaign_id', '=', campaignId).orderBy('customer_id').orderBy('stage').execute();
    expect(marks).toEqual(
      [quietId, keenId].sort((a, b) => a - b).flatMap((id) => [{ customer_id: id, stage: 'remind' }, { customer_id: id, stage: 'send' }]),
    );

    // After the expiry the question is closed: a button press is too late, and no reminder comes back.
    await app.surveys.handle({ stage: 'campaign-expire', campaignId, customerId: quietId });
    const late = await quiet.press('survey:csat:3');
    expect(late.at(-1)!.payload.text).toBe('This survey is closed. Thank you!');
    expect(await db().selectFrom('campaign_answers').select('csat').where('campaign_id', '=', campaignId).where('csat', 'is not', null).execute()).toEqual([{ csat: 5 }]);
  });
});
