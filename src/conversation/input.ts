import type { InboundAttachment } from '../channels/contract.ts';
import type { Policy } from '../policy.ts';
import { foldForMatching, hasHan } from '../understanding/normalise.ts';
import { COMMAND_KEYWORDS, normaliseKeyword, type PromptCatalog } from './prompt-catalog.ts';
import { extractFields, matchOption, proposeCategory, type ReadContext } from './reading.ts';
import type { Draft, IntakeState } from './state.ts';
import type { Command, Input } from './turn.ts';
import { validateName } from './validators.ts';

/** Buttons carry their meaning; typed words are commands only when the whole message is one. */
export function classify(text: string, choice: string | undefined, attachments: InboundAttachment[], catalog: PromptCatalog): Input {
  const input: Input = { text, attachments };
  if (choice) {
    input.choice = choice;
    if (choice.startsWith('cmd:')) input.command = choice.slice(4) as Command;
    return input;
  }
  const word = normaliseKeyword(foldForMatching(text));
  if (!word) return input;
  const language = catalog.languageNames().get(word);
  if (language) {
    input.language = language;
    return input;
  }
  for (const kind of COMMAND_KEYWORDS) {
    if (catalog.keywords(kind).has(word)) {
      input.command = kind;
      break;
    }
  }
  return input;
}

/**
 * Words that tell (part of) the story rather than answer a button question:
 * long enough, and not a bare greeting. Such text is kept as description.
 */
export function readsLikeComplaint(text: string, policy: Policy): boolean {
  const folded = foldForMatching(text);
  const letters = [...folded].filter((ch) => /\p{L}/u.test(ch)).length;
  if (letters < policy.intake.descriptionMinLength) return false;
  if (hasHan(folded)) return [...folded].filter((ch) => /[\u3400-\u9FFF]/u.test(ch)).length >= 8;
  return folded.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length >= 5;
}

/** "我要退款", "I'd like a refund": a remedy asked for in the story itself. */
export function askedRemedy(text: string, values: readonly string[], catalog: PromptCatalog): string | undefined {
  const folded = foldForMatching(text);
  const intent = /(?:我要|我想要?|希望|要求|请(?:给我)?|麻烦|给我|would like|want|i'd like|demand|asking for|please)\s*(?:a |an |my |the )?([^，,。.!！?？;；]{1,24})/gu;
  for (const match of folded.matchAll(intent)) {
    const value = matchOption(match[1]!, 'desiredResolution', values, catalog);
    if (value && value !== 'other') return value;
  }
  return undefined;
}

/**
 * Takes what a piece of the story tells into the draft: the words into the
 * description (appended, never replacing), and phone, e-mail, order number,
 * name and time where still unknown; the category proposal is re-read.
 */
export function absorb(intake: IntakeState, text: string, ctx: ReadContext, remedies: readonly string[]): void {
  const draft = intake.draft;
  const max = ctx.policy.intake.descriptionMaxLength;
  draft.description = (draft.description ? `${draft.description}\n${text}` : text).slice(0, max);
  fillFields(draft, text, ctx);
  if (draft.desiredResolution === undefined) {
    const remedy = askedRemedy(text, remedies, ctx.catalog);
    if (remedy) draft.desiredResolution = remedy;
  }
  if (draft.category === undefined) {
    const guess = proposeCategory(draft.description, ctx.catalog, ctx.policy);
    if (guess) intake.proposal = guess;
  }
}

export function fillFields(draft: Draft, text: string, ctx: ReadContext): void {
  const found = extractFields(text, ctx);
  if (found.phone && !draft.phone) draft.phone = found.phone;
  if (found.email && !draft.email) draft.email = found.email;
  if (found.orderRef && !draft.orderRef) draft.orderRef = found.orderRef;
  if (found.name && !draft.contactName) draft.contactName = found.name;
  if (found.when && draft.whenWhere === undefined) draft.whenWhere = found.when;
}

/**
 * A profile name as the customer would be addressed: a Chinese speaker's
 * "first last" from Telegram becomes family name first ("三 张" → "张三").
 */
export function profileName(name: string | undefined, chinese: boolean): string | undefined {
  if (!name) return undefined;
  const parts = name.trim().split(/\s+/);
  if (chinese && parts.length === 2) {
    const han = parts.every((p) => hasHan(p));
    return validateName(han ? `${parts[1]}${parts[0]}` : `${parts[1]} ${parts[0]}`);
  }
  return validateName(name);
}
