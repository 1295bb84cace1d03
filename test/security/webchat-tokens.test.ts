import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueWebchatToken, WebchatClient } from '../support/webchat-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Issue 19, items 17 and 12: only server-issued visitor tokens; a cursor out of range is a 400. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const withToken = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('web chat visitor tokens', () => {
  it('refuses a well-shaped token the server never issued, on every route, and stores nothing', async () => {
    const forged = 'a'.repeat(32);
    const post = await fetch(`${app.url}/webchat/messages`, { method: 'POST', headers: withToken(forged), body: JSON.stringify({ id: 'forged-0001', text: 'hello' }) });
    expect(post.status).toBe(401);
    expect((await fetch(`${app.url}/webchat/messages?after=0`, { headers: withToken(forged) })).status).toBe(401);
    const upload = await fetch(`${app.url}/webchat/attachments`, { method: 'POST', headers: { authorization: `Bearer ${forged}`, 'content-type': 'image/png' }, body: new Uint8Array([1, 2, 3]) });
    expect(upload.status).toBe(401);
    const rows = await app.database.db.selectFrom('webchat_messages').select('id').execute();
    expect(rows).toEqual([]);
  });

  it('lets a returning visitor with an issued token continue the conversation', async () => {
    const chat = await WebchatClient.open(app.url);
    await chat.say('Hello');
    const returning = new WebchatClient(app.url, chat.token);
    await returning.fetch(0);
    expect(returning.transcript.length).toBeGreaterThanOrEqual(2);
    // The returning visitor carries on where the conversation was: the story the bot asked for.
    const replies = await returning.say('The kettle I bought last week stopped heating after two days.');
    expect(replies.at(-1)!.payload.text).toContain('It sounds like a problem with product quality');
  });

  it('issues distinct tokens, each known to the server', async () => {
    const [a, b] = [await issueWebchatToken(app.url), await issueWebchatToken(app.url)];
    expect(a).not.toBe(b);
    for (const token of [a, b]) expect((await fetch(`${app.url}/webchat/messages?after=0`, { headers: withToken(token) })).status).toBe(200);
  });

  it('answers 400 to a cursor beyond any message id, or not a number', async () => {
    const chat = await WebchatClient.open(app.url);
    for (const after of ['99999999999999999999', '-1', '1e5', 'abc']) {
      const res = await fetch(`${app.url}/webchat/messages?after=${after}`, { headers: withToken(chat.token) });
      expect(res.status, after).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_cursor');
    }
  });
});
