import { webchatReply, webchatSend } from './complaints.ts';
import { answerUntilSummary } from './intake-flow.ts';
import type { TestApp } from './test-app.ts';
import { lastText, WebchatClient } from './webchat-client.ts';

/** A web chat customer and the personal data they gave, for "where did it end up?" checks. */
export interface ScriptedCustomer {
  chat: WebchatClient;
  caseNumber: string;
  name: string;
  phone: string;
  /** Other spellings of the phone that may be stored (normalised, national). */
  phoneForms: string[];
  email: string;
  description: string;
  whenWhere: string;
  followUp: string;
  fileName?: string;
  /** Everything above that must not outlive an erasure or appear in a log. */
  needles: string[];
}

export interface EnglishPerson {
  name: string;
  phone: string;
  phoneNormalised: string;
  email: string;
  description: string;
  whenWhere: string;
  followUp: string;
  fileName?: string;
}

/**
 * A whole English complaint over the web chat: the first message carries the
 * description, phone and e-mail (read from it), an optional evidence upload,
 * then whatever the intake asks (category, place, remedy, name and consent),
 * confirm, and one follow-up.
 */
export async function englishIntake(app: TestApp, person: EnglishPerson): Promise<ScriptedCustomer> {
  const chat = await WebchatClient.open(app.url, 'en-GB');
  const question = webchatReply(await chat.say(`${person.description} Call me on ${person.phone} or write to ${person.email}`));
  if (person.fileName) {
    const upload = await fetch(`${app.url}/webchat/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'image/png', 'x-file-name': encodeURIComponent(person.fileName) },
      // A real PNG: uploads are judged by their bytes.
      body: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    });
    if (upload.status !== 201) throw new Error(`upload → ${upload.status}`);
    const { id } = (await upload.json()) as { id: string };
    const res = await chat.post({ attachmentIds: [id] });
    if (res.status !== 202) throw new Error(`attachment message → ${res.status}`);
    await chat.replies();
  }
  await answerUntilSummary(webchatSend(chat), question, { category: 'product_quality', details: person.whenWhere, resolution: 'refund', name: person.name });
  const confirmation = lastText(await chat.press('cmd:confirm'));
  const caseNumber = /C-\d{4}-\d{6}/.exec(confirmation)?.[0];
  if (!caseNumber) throw new Error(`no case number in: ${confirmation}`);
  await chat.say(person.followUp);
  const phoneForms = [person.phone, person.phoneNormalised, person.phoneNormalised.replace(/^\+44/, '0')];
  return {
    chat,
    caseNumber,
    ...person,
    phoneForms,
    needles: [person.name, ...phoneForms, person.email, person.description, person.whenWhere, person.followUp, ...(person.fileName ? [person.fileName] : [])],
  };
}

export interface ChinesePerson {
  name: string;
  phone: string;
  email: string;
  description: string;
  followUp: string;
}

/** A whole Chinese complaint: description, phone and e-mail read from the first message; the rest answered as asked. */
export async function chineseIntake(app: TestApp, person: ChinesePerson): Promise<ScriptedCustomer> {
  const chat = await WebchatClient.open(app.url, 'zh-CN');
  const question = webchatReply(await chat.say(`${person.description}，电话 ${person.phone}，邮箱 ${person.email}`));
  await answerUntilSummary(webchatSend(chat), question, { category: 'product_quality', resolution: 'repair', name: person.name });
  const confirmation = lastText(await chat.press('cmd:confirm'));
  const caseNumber = /C-\d{4}-\d{6}/.exec(confirmation)?.[0];
  if (!caseNumber) throw new Error(`no case number in: ${confirmation}`);
  await chat.say(person.followUp);
  return {
    chat,
    caseNumber,
    name: person.name,
    phone: person.phone,
    phoneForms: [person.phone],
    email: person.email,
    description: person.description,
    whenWhere: '',
    followUp: person.followUp,
    needles: [person.name, person.phone, person.email, person.description, person.followUp],
  };
}
