import { expect } from 'vitest';
import { until } from './complaints.ts';
import { AGENT, CASES, type SlackTestRig } from './slack-app.ts';

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
