import { describe, expect, it } from 'vitest';
import { complainOnWebchat, until } from '../support/complaints.ts';
import { CUSTOMER_MESSAGE_REDACTED } from '../../adapters/slack/slack.desk.ts';
import { customerExportToken, EXPORT_TTL_MS, exportKey } from '../../adapters/slack/slack.export.ts';
import { AGENT, blockText, CASES, ephemeralAnswer, OUTSIDER, SIGNING_SECRET, SUPERVISOR, useSlackRig } from '../support/slack-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

const rig = useSlackRig({ teams: { care: { assignment: 'claim' } }, defaultTeam: 'care', rules: [] });

const db = () => rig.app.database.db;
const caseRow = (number: string) => db().selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const cardOf = async (number: string) => until(async () => ((await caseRow(number)).slack_ts ? caseRow(number) : undefined), `card of ${number}`);
const events = (caseId: number) => db().selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();

let serial = 0;
async function openCase(): Promise<{ number: string; name: string; email: string; chat: WebchatClient }> {
  serial += 1;
  const name = `Dana Privacy${serial}`;
  const email = `dana.privacy${serial}@example.com`;
  const chat = await WebchatClient.open(rig.app.url);
  const number = await complainOnWebchat(chat, {
    category: 'service_attitude',
    description: `The clerk ignored me at counter ${serial} for twenty minutes.`,
    desired: 'apology',
    name,
    contact: email,
  });
  return { number, name, email, chat };
}

/** The customer writes to their open case; resolves with the thread post that relayed it (found by `needle`, as the words are shown masked). */
async function customerWrites(chat: WebchatClient, cardTs: string, text: string, needle = text): Promise<Record<string, any>> {
  expect((await chat.post({ text })).status).toBe(202);
  await chat.replies();
  return rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === cardTs && blockText(p.blocks ?? []).includes(needle));
}

/** chat.update calls that edited the thread post `ts`. */
const editsOf = (ts: string) => rig.fake.callsOf('chat.update').filter((p) => p.ts === ts);

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
    // The contact is literal text in the blocks; the fallback text carries only the bot's words.
    expect(blockText(shown.blocks)).toContain(`E-mail: ${email}`);
    expect(blockText(shown.blocks)).toContain(`Name: ${name}`);
    expect(shown.text).not.toContain(email);

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

const command = async (user: string, text: string): Promise<string> => (await ephemeralAnswer(rig.slack, user, text)).text;

describe('Slack desk: data subject requests', () => {
  it('erase-customer: refused for an agent, done for a supervisor, then the card is redacted', async () => {
    const { number, email } = await openCase();
    const row = await cardOf(number);

    const refused = await command(AGENT, `erase-customer case ${number}`);
    expect(refused).toContain('Only supervisors');
    expect(await caseRow(number)).toMatchObject({ description: expect.any(String), contact_email: email, anonymised_at: null });

    const answer = await command(SUPERVISOR, `erase-customer case ${number}`);
    expect(answer).toContain(`Erased the personal data of the customer of *${number}*`);
    expect(answer).toContain(number);
    expect(answer).not.toContain(email);
    const erased = await caseRow(number);
    expect(erased).toMatchObject({ description: null, contact_name: null, contact_phone: null, contact_email: null });
    expect(erased.anonymised_at).not.toBeNull();
    expect((await events(row.id)).filter((e) => e.action === 'data_erased').map((e) => e.actor)).toEqual([`slack:${SUPERVISOR}`]);

    // The case-anonymised job redacts the card in place and notes it in the thread.
    const updated = await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('personal data removed'));
    const card = blockText(updated.blocks);
    expect(card).not.toContain('d***@example.com');
    expect(card).not.toContain('ignored me');
    expect(card).not.toContain('Reveal contact');
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes("personal data was removed from this case at the customer's request"));

    expect(await command(SUPERVISOR, `erase-customer case ${number}`)).toContain('already erased');
    expect(await command(SUPERVISOR, 'erase-customer case C-1999-000001')).toContain('No case C-1999-000001');
  });

  it("erase-customer: the customer's relayed messages in the thread are replaced, each once; other cases untouched", async () => {
    const a = await openCase();
    const b = await openCase();
    const rowA = await cardOf(a.number);
    const rowB = await cardOf(b.number);
    const firstA = await customerWrites(a.chat, rowA.slack_ts!, `My phone is 138 0013 8000, ${a.name} here`, `${a.name} here`);
    const secondA = await customerWrites(a.chat, rowA.slack_ts!, 'Still waiting at counter nine');
    const relayB = await customerWrites(b.chat, rowB.slack_ts!, `This is ${b.name}, any news?`);
    const relayedA = [rig.fake.tsOf(firstA), rig.fake.tsOf(secondA)];
    await until(async () => (await db().selectFrom('slack_thread_posts').select('ts').where('case_id', '=', rowA.id).execute()).length === 2 || undefined, 'posts recorded');

    const callsBefore = rig.fake.calls.length;
    expect(await command(SUPERVISOR, `erase-customer case ${a.number}`)).toContain('Erased');
    // The note comes after the edits in the case's ordered outbox conversation.
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === rowA.slack_ts && String(p.text).includes("customer's messages in this thread are replaced"));
    for (const ts of relayedA) {
      expect(editsOf(ts)).toEqual([expect.objectContaining({ channel: CASES, ts, text: CUSTOMER_MESSAGE_REDACTED })]);
    }
    expect(editsOf(rig.fake.tsOf(relayB))).toEqual([]);
    const edits = rig.fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
    expect(edits.map((c) => c.params.ts).sort()).toEqual([rowA.slack_ts, ...relayedA].sort());
    expect(JSON.stringify(edits)).not.toContain('138 0013');

    // A retried case-anonymised job edits nothing twice.
    await rig.app.privacy.caseAnonymised({ caseId: rowA.id, number: a.number, reason: 'erasure' });
    await until(() => rig.fake.callsOf('chat.postMessage').filter((p) => p.thread_ts === rowA.slack_ts && String(p.text).includes(':lock:')).length === 2 || undefined, 'second note');
    for (const ts of relayedA) expect(editsOf(ts)).toHaveLength(1);

    // A relay that was on its way while the case was anonymised is redacted as soon as it is posted.
    await db()
      .insertInto('outbox')
      .values({
        customer_id: null,
        case_id: rowA.id,
        channel: 'slack',
        conversation_key: `slack:case:${rowA.id}`,
        address: JSON.stringify({}),
        payload: JSON.stringify({ kind: 'thread', caseId: rowA.id, text: ':speech_balloon: *Customer:* late words', redacted: CUSTOMER_MESSAGE_REDACTED }),
      })
      .execute();
    const late = await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === rowA.slack_ts && String(p.text).includes('late words'));
    await until(() => editsOf(rig.fake.tsOf(late)).length === 1 || undefined, 'late post redacted');
    expect(editsOf(rig.fake.tsOf(late))[0]).toMatchObject({ text: CUSTOMER_MESSAGE_REDACTED });
  });

  it('export-customer: a supervisor gets a token link to the JSON export; an agent is refused', async () => {
    const { number, email } = await openCase();
    const row = await cardOf(number);

    expect(await command(AGENT, `export-customer case ${number}`)).toContain('Only supervisors');
    const answer = await command(SUPERVISOR, `export-customer case ${number}`);
    const url = /<(http:\/\/hearken\.test\/slack\/customer-export\.json\?token=[^|>]+)\|download>/.exec(answer)?.[1];
    expect(url, answer).toBeDefined();
    const local = url!.replace('http://hearken.test', rig.app.url);

    expect((await fetch(local.replace(/token=.*/, ''))).status).toBe(403);
    expect((await fetch(`${local}x`)).status).toBe(403);
    // A CSV export link's token is not accepted here.
    const csvUrl = /<(http:\/\/hearken\.test\/slack\/export\.csv\?token=[^|>]+)\|/.exec(await command(AGENT, 'export 7d'))?.[1];
    const csvToken = new URL(csvUrl!).searchParams.get('token')!;
    expect((await fetch(`${rig.app.url}/slack/customer-export.json?token=${encodeURIComponent(csvToken)}`)).status).toBe(403);

    const res = await fetch(local);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const data = (await res.json()) as { format: string; cases: Array<{ number: string; contactEmail?: string }> };
    expect(data.format).toBe('hearken-customer-export/1');
    expect(data.cases.map((c) => c.number)).toContain(number);
    expect(JSON.stringify(data)).toContain(email);
    expect((await events(row.id)).filter((e) => e.action === 'data_exported').map((e) => e.actor)).toEqual([`slack:${SUPERVISOR}`]);

    // The link works once: the second download is 410 Gone, with a clear answer and nothing exported or audited.
    const second = await fetch(local);
    expect(second.status).toBe(410);
    expect(await second.json()).toMatchObject({ error: { code: 'link_used', message: expect.stringContaining('already used') } });
    expect((await events(row.id)).filter((e) => e.action === 'data_exported')).toHaveLength(1);
    const linkId = (JSON.parse(Buffer.from(new URL(url!).searchParams.get('token')!.split('.')[0]!, 'base64url').toString('utf8')) as { n: string }).n;
    const requests = await db().selectFrom('privacy_requests').select(['kind', 'actor', 'details']).where('kind', '=', 'export').where('actor', '=', `slack:${SUPERVISOR}`).execute();
    expect(requests.filter((r) => r.details.link === linkId)).toHaveLength(1);
    expect(await db().selectFrom('used_export_links').select(['actor']).where('link_id', '=', linkId).execute()).toEqual([{ actor: `slack:${SUPERVISOR}` }]);
  });

  it('export-customer: two downloads of one link at the same time give exactly one export', async () => {
    const { number } = await openCase();
    const row = await cardOf(number);
    const url = /<(http:\/\/hearken\.test\/slack\/customer-export\.json\?token=[^|>]+)\|download>/.exec(await command(SUPERVISOR, `export-customer case ${number}`))?.[1];
    const local = url!.replace('http://hearken.test', rig.app.url);
    const answers = await Promise.all([fetch(local), fetch(local), fetch(local)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    const ok = answers.find((a) => a.status === 200)!;
    expect(((await ok.json()) as { cases: Array<{ number: string }> }).cases.map((c) => c.number)).toContain(number);
    expect((await events(row.id)).filter((e) => e.action === 'data_exported')).toHaveLength(1);
  });

  it('export-customer: an expired link answers 410 and uses nothing; a link to a case that is gone answers 404 and stays unused', async () => {
    const { number } = await openCase();
    const row = await cardOf(number);
    const key = exportKey(SIGNING_SECRET);
    const expired = customerExportToken(key, SUPERVISOR, number, new Date(Date.now() - EXPORT_TTL_MS - 1000));
    const res = await fetch(`${rig.app.url}/slack/customer-export.json?token=${encodeURIComponent(expired)}`);
    expect(res.status).toBe(410);
    expect(await res.json()).toMatchObject({ error: { code: 'link_expired' } });
    expect((await events(row.id)).filter((e) => e.action === 'data_exported')).toEqual([]);

    const missing = customerExportToken(key, SUPERVISOR, 'C-1999-000001', new Date());
    const gone = await fetch(`${rig.app.url}/slack/customer-export.json?token=${encodeURIComponent(missing)}`);
    expect(gone.status).toBe(404);
    const linkId = (JSON.parse(Buffer.from(missing.split('.')[0]!, 'base64url').toString('utf8')) as { n: string }).n;
    expect(await db().selectFrom('used_export_links').select('link_id').where('link_id', '=', linkId).execute()).toEqual([]);
  });

  it("retention: an expired case's card is redacted in place and the thread says why", async () => {
    const { number, email, chat } = await openCase();
    const row = await cardOf(number);
    const relayed = await customerWrites(chat, row.slack_ts!, 'One more thing about the clerk');
    await until(async () => (await db().selectFrom('slack_thread_posts').select('ts').where('case_id', '=', row.id).execute()).length === 1 || undefined, 'post recorded');
    // Closed long ago: past closedCaseDays.
    await db().updateTable('cases').set({ status: 'closed', resolved_at: new Date('2020-01-01T00:00:00Z'), closed_at: new Date('2020-01-02T00:00:00Z') }).where('id', '=', row.id).execute();
    await rig.app.privacy.runRetention();
    expect(await caseRow(number)).toMatchObject({ description: null, contact_email: null });
    const updated = await rig.fake.waitFor('chat.update', (p) => p.ts === row.slack_ts && blockText(p.blocks).includes('personal data removed'));
    expect(blockText(updated.blocks)).not.toContain(email.slice(1));
    await rig.fake.waitFor('chat.postMessage', (p) => p.thread_ts === row.slack_ts && String(p.text).includes('because its retention period ended'));
    expect(editsOf(rig.fake.tsOf(relayed))).toEqual([expect.objectContaining({ text: CUSTOMER_MESSAGE_REDACTED })]);
  });
});
