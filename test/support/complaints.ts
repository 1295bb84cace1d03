import { expect } from 'vitest';
import { lastText, WebchatClient } from './webchat-client.ts';

/**
 * Drives a whole web chat intake to a submitted case and returns the case
 * number. Optional steps not given are skipped.
 */
export async function complainOnWebchat(
  chat: WebchatClient,
  complaint: { category: string; description: string; desired: string; name: string; contact: string },
): Promise<string> {
  await chat.say('Hello');
  await chat.press('consent:yes');
  await chat.press(`opt:${complaint.category}`);
  await chat.say(complaint.description);
  await chat.press('cmd:skip'); // when and where
  await chat.press('cmd:skip'); // order number
  await chat.press('cmd:skip'); // evidence
  await chat.press(`opt:${complaint.desired}`);
  await chat.say(complaint.name);
  await chat.say(complaint.contact);
  const replies = await chat.press('cmd:confirm');
  const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
  expect(number, lastText(replies)).toBeDefined();
  return number!;
}

/** A short path to a case: no consent, a category, then "talk to a person". */
export async function quickCaseOnWebchat(chat: WebchatClient, category: string): Promise<string> {
  await chat.say('hi');
  await chat.press('consent:no');
  await chat.press(`opt:${category}`);
  const replies = await chat.say('talk to a person');
  const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
  expect(number, lastText(replies)).toBeDefined();
  return number!;
}

/** Uploads a file as the web chat page does; returns its attachment id. */
export async function uploadOnWebchat(chat: WebchatClient, bytes: Buffer, fileName: string, type: string): Promise<string> {
  const res = await fetch(`${chat.baseUrl}/webchat/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': type, 'x-file-name': fileName },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
