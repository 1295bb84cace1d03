import { z } from 'zod';
import type { InboundAttachment } from '../channels/contract.ts';
import { LOCALES, type Locale } from './prompt-catalog.ts';

const attachmentSchema = z.object({ id: z.string(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number() }) satisfies z.ZodType<InboundAttachment>;

/** Optional fields of the draft are `undefined` while not yet asked and `null` when skipped. */
const draftSchema = z.object({
  consent: z.boolean().optional(),
  category: z.string().optional(),
  description: z.string().optional(),
  whenWhere: z.string().nullable().optional(),
  orderRef: z.string().nullable().optional(),
  evidence: z.array(attachmentSchema).default([]),
  evidenceDone: z.boolean().optional(),
  desiredResolution: z.string().optional(),
  contactName: z.string().nullable().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  contactDone: z.boolean().optional(),
  /** The combined "order number or photos" question was answered (or declined). */
  detailsDone: z.boolean().optional(),
});
export type Draft = z.infer<typeof draftSchema>;

const intakeSchema = z.object({
  id: z.string(),
  step: z.string(),
  history: z.array(z.string()),
  draft: draftSchema,
  misses: z.number().int(),
  editing: z.boolean(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  reminded: z.boolean(),
  /** The category the customer's words point to, offered for a one-tap confirmation. */
  proposal: z.string().optional(),
  /** Opening words too short to be the story ("the installer was rude"): kept, and put before the description. */
  opening: z.string().optional(),
});
export type IntakeState = z.infer<typeof intakeSchema>;

/**
 * The survey question waiting for an answer. Answers are stored as they come
 * (src/surveys), never here; for a campaign only the campaign id and the
 * pending question are kept, nothing that links answers to this person.
 */
const surveySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), id: z.number(), caseId: z.number(), caseNumber: z.string(), question: z.string() }),
  z.object({ kind: z.literal('campaign'), id: z.number(), question: z.string() }),
]);
export type SurveyState = z.infer<typeof surveySchema>;

/** Conversation state, stored as JSON on the customer row: declared once, as the schema it is read back with. */
const stateSchema = z.object({
  v: z.literal(1),
  locale: z.enum(LOCALES),
  intake: intakeSchema.optional(),
  survey: surveySchema.optional(),
  activeCase: z.object({ id: z.number(), number: z.string() }).optional(),
  lastCaseAckAt: z.string().optional(),
  /** When the open case was opened or last written to by the customer: follow-ups soon after go to it. */
  lastCaseActivityAt: z.string().optional(),
  /** A message that may or may not belong to the open case, held while the customer is asked. */
  pendingFollowUp: z.object({ text: z.string(), attachments: z.array(attachmentSchema) }).optional(),
  /** After "cancel" or "new" the next message starts a new complaint, even with a case open. */
  startFresh: z.boolean().optional(),
  /** The customer writes Traditional Chinese: zh-CN texts are converted before sending. */
  traditional: z.boolean().optional(),
});
export type ConversationState = z.infer<typeof stateSchema>;

export function initialState(locale: Locale): ConversationState {
  return { v: 1, locale };
}

/**
 * Reads a stored state. A row from an older or broken version starts over
 * rather than failing the customer's message.
 */
export function parseState(raw: unknown, fallbackLocale: Locale): ConversationState {
  const parsed = stateSchema.safeParse(raw);
  return parsed.success ? parsed.data : initialState(fallbackLocale);
}
