import { describe, expect, it } from 'vitest';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { AGENT, CASES, useSlackRig } from '../support/slack-app.ts';
import { waitForOutboxIdle } from '../support/outbox-idle.ts';
import { WebchatClient } from '../support/webchat-client.ts';

/**
 * Issue 19, item 16: a correctly signed request is good for five minutes
 * around its timestamp, both ways. Bolt refuses old ones; future ones must be
 * refused too (events, interactions and slash commands alike).
 */

const rig = useSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', rules: [] });

const db = () => rig.app.database.db;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Slack request timestamps', () => {
  it('refuses correctly signed events, button presses and commands dated more than five minutes ahead, and does nothing', async () => {
    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'delivery_installation');
    const row = await until(async () => {
      const r = await db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
      return r.slack_ts ? r : undefined;
    }, 'card posted');
    await waitForOutboxIdle(db(), `slack:case:${row.id}`);
    const future = { timestamp: nowSeconds() + 6 * 60 };
    const callsBefore = rig.fake.calls.length;

    const note = await rig.slack.threadMessage({ channel: CASES, user: AGENT, threadTs: row.slack_ts!, text: 'A note from the future' }, future);
    expect(note.response.status).toBe(401);
    const press = await rig.slack.press({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! }, future);
    expect(press.status).toBe(401);
    const command = await rig.slack.command({ user: AGENT, text: `show ${number}` }, future);
    expect(command.status).toBe(401);
    expect(await command.text()).not.toContain(number);
    const farFuture = await rig.slack.command({ user: AGENT, text: 'mine' }, { timestamp: 1e12 });
    expect(farFuture.status).toBe(401);

    expect(await db().selectFrom('case_messages').select('id').where('case_id', '=', row.id).where('internal', '=', true).execute()).toEqual([]);
    expect((await db().selectFrom('cases').select('owner').where('id', '=', row.id).executeTakeFirstOrThrow()).owner).toBeNull();
    // Nothing reached the Web API on their behalf (no ephemeral answer, no card update, no lookups).
    expect(rig.fake.calls.slice(callsBefore).map((c) => c.method)).toEqual([]);
    expect(rig.app.logs.filter((l) => l.msg === 'Slack request refused' && l.reason === 'timestamp_in_future')).toHaveLength(4);
  });

  it('still accepts a request a little ahead (clock skew within the window)', async () => {
    const res = await rig.slack.command({ user: AGENT, text: 'mine' }, { timestamp: nowSeconds() + 60 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toContain('Your open cases');
  });
});
