import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { AGENT, blockText, CASES, startSlackRig, SUPERVISORS, type SlackTestRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/** First response due after 3 s (reminder at 1.5 s); resolution after 8 s (reminder at 4 s): no two stages due at once. */
const SHORT = policyFile({
  deadlines: {
    general: { firstResponseSeconds: 3, resolutionSeconds: 8, reminderAt: 0.5, extensionSeconds: 3600 },
    major: { firstResponseSeconds: 3, resolutionSeconds: 8, reminderAt: 0.5, extensionSeconds: 3600 },
  },
});

let rig: SlackTestRig;
beforeAll(async () => {
  rig = await startSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care' }, { POLICY_FILE: SHORT });
});
afterAll(async () => {
  await rig?.stop();
});

describe('a case left alone, end to end through Slack and the web chat', () => {
  it('gets the reminder, then the breach escalation, then the customer notice — each exactly once', async () => {
    const { fake, slack } = rig;
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await until(async () => {
      const r = await rig.app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirst();
      return r?.slack_ts ? r : undefined;
    }, 'card posted');
    await slack.press({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! });

    const inThread = (pattern: RegExp) => fake.callsOf('chat.postMessage').filter((p) => p.channel === CASES && p.thread_ts === row.slack_ts && pattern.test(String(p.text)));
    await until(() => inThread(/resolution deadline was missed/).length > 0, 'resolution breach in the thread', 15_000);
    await new Promise((r) => setTimeout(r, 1500)); // anything duplicated would arrive now

    // Reminders to the owner in the thread, before each deadline.
    expect(inThread(/:alarm_clock: <@U0AGENT01> the first response is due/)).toHaveLength(1);
    expect(inThread(/:alarm_clock: <@U0AGENT01> the resolution is due/)).toHaveLength(1);
    // The breach: in the thread, to the supervisors' channel, and the card shows it.
    expect(inThread(/first response deadline was missed/)).toHaveLength(1);
    expect(inThread(/resolution deadline was missed/)).toHaveLength(1);
    const supervisorPosts = fake.callsOf('chat.postMessage').filter((p) => p.channel === SUPERVISORS && String(p.text).includes(number));
    expect(supervisorPosts.map((p) => String(p.text).match(/missed its \*(.+?)\* deadline/)?.[1])).toEqual(['first response', 'resolution']);
    const lastCard = fake.callsOf('chat.update').filter((p) => p.ts === row.slack_ts).at(-1)!;
    expect(blockText(lastCard.blocks)).toContain(':red_circle: *late*');
    // Order: reminder before breach, first response before resolution.
    const order = fake.callsOf('chat.postMessage')
      .filter((p) => p.thread_ts === row.slack_ts && /alarm_clock|deadline was missed/.test(String(p.text)))
      .map((p) => (String(p.text).includes('alarm_clock') ? 'reminder' : 'breach') + ':' + (String(p.text).includes('first response') ? 'first' : 'resolution'));
    expect(order).toEqual(['reminder:first', 'breach:first', 'reminder:resolution', 'breach:resolution']);

    // The customer was told, once per missed deadline, with the reason and the new expectation.
    await chat.fetch();
    const notices = chat.transcript.filter((e) => e.direction === 'out' && e.payload.text.startsWith("We're sorry"));
    expect(notices.map((n) => n.payload.text)).toEqual([
      expect.stringMatching(new RegExp(`not answered your case ${number} .*The reason: .+now expect to reply by`)),
      expect.stringMatching(new RegExp(`not resolved your case ${number}`)),
    ]);
    const audit = await rig.app.database.db.selectFrom('case_events').select(['action', 'to_value']).where('case_id', '=', row.id).where('action', 'like', 'deadline_%').orderBy('id').execute();
    expect(audit).toHaveLength(4);
  });
});
