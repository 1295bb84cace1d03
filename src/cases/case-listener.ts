import type { InboundAttachment } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';

/**
 * Hooks other modules (the Slack desk) attach to case changes made by the
 * conversation. They run inside the same transaction: write outbox rows or
 * timers, never call an external API from here.
 */
export interface CaseListener {
  caseOpened?(trx: Db, event: CaseOpenedEvent): Promise<void>;
  customerMessage?(trx: Db, event: { caseId: number; text: string; attachments: InboundAttachment[]; at: Date }): Promise<void>;
  /** A deadline's reminder point passed (default 75% of the window) and it is not met yet. */
  deadlineReminder?(trx: Db, event: DeadlineEvent): Promise<void>;
  /** A deadline passed unmet: the case is marked breached and the customer told. */
  deadlineBreached?(trx: Db, event: DeadlineEvent): Promise<void>;
  /** The case's clock runs again after waiting on the customer (its due times moved): milestones follow. */
  clockResumed?(trx: Db, event: { caseId: number; at: Date }): Promise<void>;
  /** Staff changed the severity (the deadlines were recomputed): milestones follow. */
  severityChanged?(trx: Db, event: { caseId: number; severity: string; at: Date }): Promise<void>;
  /** The case was reopened (a new resolution window): progress updates start again. */
  caseReopened?(trx: Db, event: { caseId: number; at: Date }): Promise<void>;
  /** The case's personal fields were removed (retention or erasure): redact copies held elsewhere (Slack card and thread). */
  caseAnonymised?(trx: Db, event: { caseId: number; number: string; reason: 'retention' | 'erasure'; at: Date }): Promise<void>;
}

export interface CaseOpenedEvent {
  caseId: number;
  number: string;
  severity: string;
  at: Date;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

export interface DeadlineEvent {
  caseId: number;
  number: string;
  severity: string;
  deadline: 'first_response' | 'resolution';
  dueAt: Date;
  at: Date;
  /** Set on a breach: the new expectation the customer was given. */
  newExpectation?: Date;
}
