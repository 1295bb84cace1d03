import { loadPromptCatalog, LOCALES } from '../../src/conversation/prompt-catalog.ts';
import { loadPolicy } from '../../src/policy.ts';
import { toTraditional } from '../../src/understanding/normalise.ts';

const policy = loadPolicy('config/policy.json');
const catalog = loadPromptCatalog('prompts', policy);

export interface BotReply {
  text: string;
  choices?: Array<{ value: string; label: string }>;
}

/** How a cooperative customer answers whatever the intake asks; unset optional answers are skipped. */
export interface CustomerAnswers {
  description?: string;
  /** The category tapped (the proposal is confirmed when it is this one). */
  category?: string;
  /** Time/place, order number: typed at the details question; unset → "Nothing more". */
  details?: string;
  resolution?: string;
  name?: string;
  contact?: string;
  /** false: "Don't keep my contact". */
  consent?: boolean;
}

const TEXT_STEPS = ['description', 'contactName', 'contact'] as const;
const prompts = new Map<string, string[]>();
for (const id of [...TEXT_STEPS, 'details']) {
  const keys = id === 'details' ? ['steps.details.prompt', 'steps.details.promptNoWhen'] : [`steps.${id}.prompt`];
  prompts.set(
    id,
    LOCALES.flatMap((locale) => keys.map((key) => catalog.t(locale, key))).flatMap((text) => [text, toTraditional(text)]),
  );
}

/** The consent question that asks only for the name (the contact is known): its words before the contact. */
const askingName = LOCALES.map((locale) => catalog.t(locale, 'steps.consent.promptName').split('{')[0]!).flatMap((t) => [t, toTraditional(t)]);

/** Which intake question a bot message asks: by its buttons, else by its question text (any locale or script). */
export function askedStep(reply: BotReply): string | undefined {
  const values = (reply.choices ?? []).map((c) => c.value);
  if (values.includes('cmd:confirm')) return 'summary';
  if (values.includes('consent:no')) return 'consent';
  if (values.includes('opt:refund')) return 'desiredResolution';
  if (values.some((v) => policy.categories.some((c) => v === `opt:${c}`))) return 'category';
  for (const [id, texts] of prompts) if (texts.some((t) => reply.text.endsWith(t))) return id;
  return undefined;
}

/** The customer's side of one message: typed text or a pressed button. */
export type Send = (message: { text: string } | { choice: string }) => Promise<BotReply>;

/**
 * Answers each question the intake asks until the summary is shown; returns
 * the summary message and the customer messages sent. Step-aware, so a
 * change of order or of which questions are skipped does not break callers.
 */
export async function answerUntilSummary(send: Send, first: BotReply, answers: CustomerAnswers): Promise<{ summary: BotReply; turns: number }> {
  let reply = first;
  for (let turns = 0; turns < 12; turns += 1) {
    const step = askedStep(reply);
    switch (step) {
      case 'summary':
        return { summary: reply, turns };
      case 'description':
        reply = await send({ text: answers.description ?? 'Something went wrong with my order and nobody helped me.' });
        break;
      case 'category':
        reply = await send({ choice: `opt:${answers.category ?? 'other'}` });
        break;
      case 'details':
        reply = await send(answers.details ? { text: answers.details } : { choice: 'cmd:skip' });
        break;
      case 'desiredResolution':
        reply = await send({ choice: `opt:${answers.resolution ?? 'other'}` });
        break;
      case 'consent': {
        const values = (reply.choices ?? []).map((c) => c.value);
        if (answers.consent === false) reply = await send({ choice: 'consent:no' });
        else if (values.includes('consent:yes')) reply = await send({ choice: 'consent:yes' });
        else if (askingName.some((t) => reply.text.includes(t))) reply = await send({ text: answers.name ?? 'Alex Doe' });
        else reply = await send({ text: [answers.name, answers.contact].filter(Boolean).join(' ') || 'yes' });
        break;
      }
      case 'contactName':
        reply = await send({ text: answers.name ?? 'Alex Doe' });
        break;
      case 'contact':
        reply = await send({ text: answers.contact ?? 'alex@example.org' });
        break;
      default:
        throw new Error(`no intake question recognised in: ${reply.text}`);
    }
  }
  throw new Error(`the intake did not reach the summary; last: ${reply.text}`);
}
