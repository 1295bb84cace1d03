import { z } from 'zod';
import type { InboundAttachment } from '../channels/contract.ts';
import { LOCALES, type Locale } from './prompt-catalog.ts';

/**
 * Conversation state, stored as JSON on the customer row. Optional fields of
 * the draft are `undefined` while not yet asked and `null` when skipped.
 */
export interface Draft {
  consent?: boolean;
  category?: string;
  description?: string;
  whenWhere?: string | null;
  orderRef?: string | null;
  evidence: InboundAttachment[];
  evidenceDone?: boolean;
  desiredResolution?: string;
  contactName?: string | null;
  phone?: string;
  email?: string;
  contactDone?: boolean;
  /** The combined "order number or photos" question was answered (or declined). */
  detailsDone?: boolean;
}

export interface IntakeState {
  id: string;
  step: string;
  history: string[];
  draft: Draft;
  misses: number;
  editing: boolean;
  startedAt: string;
  lastActivityAt: string;
  reminded: boolean;
  /** The category the customer's words point to, offered for a one-tap confirmation. */
  proposal?: string;
  /** Opening words too short to be the story ("the installer was rude"): kept, and put before the description. */
  opening?: string;
}

/**
 * The survey question waiting for an answer. Answers are stored as they come
 * (src/surveys), never here; for a campaign only the campaign id and the
 * pending question are kept, nothing that links answers to this person.
 */
export type SurveyState =
  | { kind: 'case'; id: number; caseId: number; caseNumber: string; question: string }
  | { kind: 'campaign'; id: number; question: string };

export interface ConversationState {
  v: 1;
  locale: Locale;
  intake?: IntakeState;
  survey?: SurveyState;
  activeCase?: { id: number; number: string };
  lastCaseAckAt?: string;
  /** When the open case was opened or last written to by the customer: follow-ups soon after go to it. */
  lastCaseActivityAt?: string;
  /** A message that may or may not belong to the open case, held while the customer is asked. */
  pendingFollowUp?: { text: string; attachments: InboundAttachment[] };
  /** After "cancel" or "new" the next message starts a new complaint, even with a case open. */
  startFresh?: boolean;
  /** The customer writes Traditional Chinese: zh-CN texts are converted before sending. */
  traditional?: boolean;
}

const attachmentSchema = z.object({ id: z.string(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number() });
const stateSchema = z.object({
  v: z.literal(1),
  locale: z.enum(LOCALES),
  intake: z
    .object({
      id: z.string(),
      step: z.string(),
      history: z.array(z.string()),
      draft: z.object({
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
        detailsDone: z.boolean().optional(),
      }),
      misses: z.number().int(),
      editing: z.boolean(),
      startedAt: z.string(),
      lastActivityAt: z.string(),
      reminded: z.boolean(),
      proposal: z.string().optional(),
      opening: z.string().optional(),
    })
    .optional(),
  survey: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('case'), id: z.number(), caseId: z.number(), caseNumber: z.string(), question: z.string() }),
      z.object({ kind: z.literal('campaign'), id: z.number(), question: z.string() }),
    ])
    .optional(),
  activeCase: z.object({ id: z.number(), number: z.string() }).optional(),
  lastCaseAckAt: z.string().optional(),
  lastCaseActivityAt: z.string().optional(),
  pendingFollowUp: z.object({ text: z.string(), attachments: z.array(attachmentSchema) }).optional(),
  startFresh: z.boolean().optional(),
  traditional: z.boolean().optional(),
});

export function initialState(locale: Locale): ConversationState {
  return { v: 1, locale };
}

/**
 * Reads a stored state. A row from an older or broken version starts over
 * rather than failing the customer's message.
 */
export function parseState(raw: unknown, fallbackLocale: Locale): ConversationState {
  const parsed = stateSchema.safeParse(raw);
  return parsed.success ? (parsed.data as ConversationState) : initialState(fallbackLocale);
}
