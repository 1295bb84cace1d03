import { expect } from 'vitest';
import type { SurveyTimer } from '../../src/surveys/survey.service.ts';
import { until } from './complaints.ts';
import { AGENT, CASES, type SlackTestRig } from './slack-app.ts';
import type { TestApp } from './test-app.ts';
import { allText, type WebchatClient } from './webchat-client.ts';

/** Claims the case in Slack and resolves it (no remedy, so no approval): the customer gets the written result. */
export async function resolveInSlack(rig: SlackTestRig, number: string, summary = 'We re-delivered the parcel to your door.') {
  const db = rig.app.database.db;
  const row = await until(async () => {
    const r = await db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
    return r?.slack_ts ? r : undefined;
  }, 'card posted');
  await rig.slack.press({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });
  await until(async () => (await db.selectFrom('cases').select('owner').where('id', '=', row.id).executeTakeFirstOrThrow()).owner === AGENT, 'claimed');
  const res = await rig.slack.submitView({
    user: AGENT,
    callbackId: 'case_resolve_view',
    meta: { caseId: row.id, channel: CASES },
    values: {
      summary: { type: 'plain_text_input', value: summary },
      remedy: { type: 'static_select', selected_option: { value: 'none' } },
      amount: { type: 'plain_text_input', value: '' },
      determination: { type: 'radio_buttons', selected_option: { value: 'responsible' } },
      root_cause: { type: 'static_select', selected_option: { value: 'logistics' } },
    },
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
  return row;
}

/** Thread posts of a case card whose text matches. */
export function threadPosts(rig: SlackTestRig, cardTs: string, pattern: RegExp) {
  return rig.fake.callsOf('chat.postMessage').filter((p) => p.channel === CASES && p.thread_ts === cardTs && pattern.test(String(p.text)));
}

export const surveyRows = (rig: SlackTestRig, caseId: number) => rig.app.database.db.selectFrom('surveys').selectAll().where('case_id', '=', caseId).orderBy('id').execute();

/**
 * Without a Slack desk: marks the case resolved and schedules its survey as
 * the resolution's transaction does (SurveyService.caseResolved). Returns the
 * survey and the data of its `send` timer, for the test to fire.
 */
export async function resolveForSurvey(app: Pick<TestApp, 'database' | 'surveys'>, caseNumber: string): Promise<{ surveyId: number; send: SurveyTimer }> {
  const db = app.database.db;
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('cases').set({ status: 'resolved', resolved_at: now, updated_at: now }).where('number', '=', caseNumber).returningAll().executeTakeFirstOrThrow();
    await app.surveys.caseResolved(trx, row, now);
  });
  const survey = await db
    .selectFrom('surveys')
    .selectAll()
    .where('case_id', '=', (eb) => eb.selectFrom('cases').select('id').where('number', '=', caseNumber))
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return { surveyId: survey.id, send: { stage: 'send', surveyId: survey.id, at: new Date(survey.scheduled_for).toISOString() } };
}

/** Resolves the case, sends its survey at once and answers it in the chat: resolved, CSAT 5, `comment`, no NPS. */
export async function answerCaseSurvey(app: Pick<TestApp, 'database' | 'surveys'>, chat: WebchatClient, caseNumber: string, comment: string): Promise<number> {
  const { surveyId, send } = await resolveForSurvey(app, caseNumber);
  await app.surveys.handle(send);
  expect(allText(await chat.replies())).toContain(caseNumber);
  await chat.press('survey:resolved:yes');
  await chat.press('survey:csat:5');
  await chat.say(comment);
  const done = await chat.press('survey:nps:skip');
  expect(allText(done)).not.toBe('');
  const row = await app.database.db.selectFrom('surveys').select(['status', 'comment']).where('id', '=', surveyId).executeTakeFirstOrThrow();
  expect(row).toEqual({ status: 'answered', comment });
  return surveyId;
}
