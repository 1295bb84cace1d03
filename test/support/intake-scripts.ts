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
 * description, phone and e-mail (pre-filled), then consent, category, place,
 * an optional evidence upload, remedy, name, confirm, and one follow-up.
 */
export async function englishIntake(app: TestApp, person: EnglishPerson): Promise<ScriptedCustomer> {
  const chat = await WebchatClient.open(app.url, 'en-GB');
  await chat.say(`${person.description} Call me on ${person.phone} or write to ${person.email}`);
  await chat.press('consent:yes');
  await chat.press('opt:product_quality');
  await chat.say(person.whenWhere);
  await chat.press('cmd:skip'); // order number
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
  await chat.press('cmd:done');
  await chat.press('opt:refund');
  await chat.say(person.name);
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

/** A whole Chinese complaint: description and phone pre-filled, e-mail given at the contact step is replaced by nothing (phone known). */
export async function chineseIntake(app: TestApp, person: ChinesePerson): Promise<ScriptedCustomer> {
  const chat = await WebchatClient.open(app.url, 'zh-CN');
  await chat.say(`${person.description}，电话 ${person.phone}，邮箱 ${person.email}`);
  await chat.press('consent:yes');
  await chat.press('cmd:skip'); // 时间地点
  await chat.press('cmd:skip'); // 订单号
  await chat.press('cmd:skip'); // 证据
  await chat.press('opt:repair');
  await chat.say(person.name);
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
