import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complainOnWebchat, until } from '../support/complaints.ts';
import { AGENT, blockText, CASES, OUTSIDER, startSlackRig, SUPERVISOR, type SlackTestRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

let rig: SlackTestRig;
beforeAll(async () => {
  rig = await startSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', rules: [] });
});
afterAll(async () => {
  await rig?.stop();
});

const db = () => rig.app.database.db;
const caseRow = (number: string) => db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const cardOf = async (number: string) => until(async () => ((await caseRow(number)).slack_ts ? caseRow(number) : undefined), `card of ${number}`);
const events = (caseId: number) => db().selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();

let serial = 0;
async function openCase(): Promise<{ number: string; name: string; email: string }> {
  serial += 1;
  const name = `Dana Privacy${serial}`;
  const email = `dana.privacy${serial}@example.com`;
  const number = await complainOnWebchat(await WebchatClient.open(rig.app.url), {
    category: 'service_attitude',
    description: `The clerk ignored me at counter ${serial} for twenty minutes.`,
    desired: 'apology',
    name,
    contact: email,
  });
  return { number, name, email };
}

async function press(user: string, actionId: string, row: { id: number; slack_channel: string | null; slack_ts: string | null }) {
  const res = await rig.slack.press({ user, actionId, value: String(row.id), channel: row.slack_channel!, messageTs: row.slack_ts! });
  expect(res.status).toBe(200);
}

describe('Slack desk: contact reveal', () => {
  it('shows the unmasked contact only to the staff member who asked, and audits it', async () => {
    const { number, name, email } = await openCase();
    const row = await cardOf(number);
    const posted = await rig.fake.waitFor('chat.postMessage', (p) => p.channel === CASES && blockText(p.blocks).includes(number));
    const card = blockText(posted.blocks);
    expect(card).toContain('d***@example.com');
    expect(card).not.toContain(email);
    const contactBlock = (posted.blocks as Array<{ block_id?: string; elements?: Array<{ action_id: string }> }>).find((b) => b.block_id === 'case_contact');
    expect(contactBlock?.elements?.map((e) => e.action_id)).toEqual(['case_reveal_contact']);

    const before = Date.now();
    await press(AGENT, 'case_reveal_contact', row);
    const shown = await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === AGENT && String(p.text).includes(number));
    expect(shown.channel).toBe(CASES);
    expect(shown.text).toContain(email);
    expect(shown.text).toContain(name);

    const revealed = (await events(row.id)).filter((e) => e.action === 'contact_revealed');
    expect(revealed).toHaveLength(1);
    expect(revealed[0]).toMatchObject({ actor: `slack:${AGENT}`, details: { via: 'slack' } });
    expect(new Date(revealed[0]!.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(revealed[0]!.details)).not.toContain(email);

    // Nothing but the ephemeral message carries the contact: no card update, no thread message.
    const leaked = rig.fake.calls.filter((c) => c.method !== 'chat.postEphemeral' && JSON.stringify(c.params).includes(email));
    expect(leaked).toEqual([]);
    expect((await caseRow(number)).updated_at).toEqual(row.updated_at);
  });

  it('refuses non-staff and records nothing', async () => {
    const { number, email } = await openCase();
    const row = await cardOf(number);
    await press(OUTSIDER, 'case_reveal_contact', row);
    const refused = await rig.fake.waitFor('chat.postEphemeral', (p) => p.user === OUTSIDER && String(p.text).includes('Only members of the staff'));
    expect(refused.text).not.toContain(email);
    expect((await events(row.id)).filter((e) => e.action === 'contact_revealed')).toEqual([]);
    expect(rig.fake.calls.filter((c) => JSON.stringify(c.params).includes(email) && c.params.user !== AGENT && c.params.user !== SUPERVISOR)).toEqual([]);
  });
});
