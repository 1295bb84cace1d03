import type { InboundAttachment } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';

/**
 * Hooks other modules (the Slack desk) attach to case changes made by the
 * conversation. They run inside the same transaction: write outbox rows or
 * timers, never call an external API from here.
 */
export interface CaseListener {
  caseOpened?(trx: Db, event: { caseId: number; number: string; severity: string; at: Date }): Promise<void>;
  customerMessage?(trx: Db, event: { caseId: number; text: string; attachments: InboundAttachment[]; at: Date }): Promise<void>;
  /** The case's personal fields were removed (retention or erasure): redact copies held elsewhere (Slack card and thread). */
  caseAnonymised?(trx: Db, event: { caseId: number; number: string; reason: 'retention' | 'erasure'; at: Date }): Promise<void>;
}
