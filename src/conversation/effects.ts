import type { InboundAttachment, InboundMessage, OutboundMessage } from '../channels/contract.ts';
import type { Draft } from './state.ts';

/** What the pure step asks the world to do. Executed by src/inbound after it commits. */
export type Effect =
  | { type: 'reply'; message: OutboundMessage }
  | { type: 'open-case'; draft: Draft; openedVia: 'intake' | 'person' }
  | { type: 'append-to-case'; caseId: number; text: string; attachments: InboundAttachment[] }
  | { type: 'load-status' }
  | { type: 'schedule-idle-check'; intakeId: string; at: string }
  /** The customer asked to have their data deleted: a case for staff, who verify identity and erase. */
  | { type: 'open-data-request'; request: 'erasure' };

export interface CaseSummaryForStatus {
  number: string;
  status: string;
  createdAt: string;
}

/** Events the step consumes: customer input, results of effects, timers. */
export type ConversationEvent =
  | { type: 'inbound'; message: Pick<InboundMessage, 'text' | 'choice' | 'attachments' | 'rejectedAttachments' | 'profile'> }
  | { type: 'case-opened'; caseId: number; caseNumber: string; firstResponseDueAt: string; responseHours: number; openedVia: 'intake' | 'person' }
  | { type: 'status-report'; cases: CaseSummaryForStatus[] }
  | { type: 'idle-check'; intakeId: string }
  | { type: 'data-request-opened'; caseId: number; caseNumber: string; existing: boolean; firstResponseDueAt: string };
