import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickCaseOnWebchat, until } from '../support/complaints.ts';
import { AGENT, CASES, startSlackRig, type SlackTestRig } from '../support/slack-app.ts';
import { buttonPayload, eventEnvelope } from '../support/slack-driver.ts';
import { SocketModeFake } from '../support/socket-mode-fake.ts';
import { allText, WebchatClient } from '../support/webchat-client.ts';

let rig: SlackTestRig;
let socket: SocketModeFake;
beforeAll(async () => {
  socket = await SocketModeFake.start();
  rig = await startSlackRig({}, { SLACK_APP_TOKEN: 'xapp-test-token', SLACK_SIGNING_SECRET: '' }, (fake) => {
    fake.socketUrl = socket.url;
  });
});
afterAll(async () => {
  await rig?.stop();
  await socket?.stop();
});

describe('Slack in Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('receives button presses and thread messages over the socket and acknowledges them', async () => {
    await until(() => socket.connected, 'socket connected');
    const opened = await rig.fake.waitFor('apps.connections.open');
    expect(opened).toBeDefined();
    // No HTTP endpoint for Slack in this mode.
    expect((await fetch(`${rig.app.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);

    const chat = await WebchatClient.open(rig.app.url);
    const number = await quickCaseOnWebchat(chat, 'other');
    const row = await until(async () => {
      const r = await rig.app.database.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
      return r.slack_ts ? r : undefined;
    }, 'card posted');
    expect(row.slack_channel).toBe(CASES);

    const pressId = socket.push('interactive', buttonPayload({ user: AGENT, actionId: 'case_claim', value: String(row.id), channel: CASES, messageTs: row.slack_ts! }));
    await until(() => socket.acks.find((a) => a.envelope_id === pressId), 'button acknowledged');
    await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && JSON.stringify(p.blocks).includes(`<@${AGENT}>`));

    const eventId = socket.push(
      'events_api',
      eventEnvelope({ type: 'message', channel: CASES, user: AGENT, text: '&gt;&gt; Thanks, we are on it.', ts: '1800000200.000100', thread_ts: row.slack_ts, channel_type: 'channel' }),
    );
    await until(() => socket.acks.find((a) => a.envelope_id === eventId), 'event acknowledged');
    expect(allText(await chat.replies())).toBe('Agent One: Thanks, we are on it.');
    await rig.fake.waitFor('reactions.add', (p) => p.timestamp === '1800000200.000100' && p.name === 'white_check_mark');
  });
});
