import { expect } from 'vitest';
import { answerUntilSummary, type BotReply, type CustomerAnswers, type Send } from './intake-flow.ts';
import { type ChatEntry, lastText, type WebchatClient } from './webchat-client.ts';

/** The question in a batch of web chat replies: the last message. */
export function webchatReply(entries: ChatEntry[]): BotReply {
  const last = entries.at(-1)?.payload;
  return { text: last?.text ?? '', ...(last?.choices ? { choices: last.choices } : {}) };
}

/** A web chat customer as the step-aware script sends: typed text or a button. */
export function webchatSend(chat: WebchatClient): Send {
  return async (message) => webchatReply('text' in message ? await chat.say(message.text) : await chat.press(message.choice));
}

/** Sends the opening message(s) and answers every question the intake asks until its summary. */
export async function answerOnWebchat(chat: WebchatClient, opening: string, answers: CustomerAnswers): Promise<BotReply> {
  const first = webchatReply(await chat.say(opening));
  return (await answerUntilSummary(webchatSend(chat), first, answers)).summary;
}

/**
 * Drives a whole web chat intake to a submitted case and returns the case
 * number. Optional questions not answered are skipped.
 */
export async function complainOnWebchat(
  chat: WebchatClient,
  complaint: { category: string; description: string; desired: string; name: string; contact: string },
): Promise<string> {
  await chat.say('Hello');
  await answerOnWebchat(chat, complaint.description, { category: complaint.category, resolution: complaint.desired, name: complaint.name, contact: complaint.contact });
  const replies = await chat.press('cmd:confirm');
  const number = /C-\d{4}-\d{6}/.exec(lastText(replies))?.[0];
  expect(number, lastText(replies)).toBeDefined();
  return number!;
}

/** A major complaint (injury, fire, compensation) with a phone number to mask: the Slack desk's running example. */
export const HEATER_FIRE = {
  category: 'product_quality',
  description: 'The heater caught fire in the night and my son was injured.',
  desired: 'compensation',
  name: 'Alice Example',
  contact: '13800138000',
};

/** A short path to a case: a story, a category, then "talk to a person" (no consent asked yet: no contact kept). */
export async function quickCaseOnWebchat(chat: WebchatClient, category: string): Promise<string> {
  await chat.say('hi');
  await chat.say('Something went wrong and I would like to speak to someone about it.');
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
