import type { Db } from '../db/database.ts';

/** The final outcome of one outbox row that asked for a report. */
export interface DeliveryOutcome {
  outboxId: number;
  caseId: number | null;
  customerId: number | null;
  channel: string;
  ok: boolean;
  /** Platform error code or message when !ok. */
  error?: string;
  at: Date;
  /** The row's `report` value, as enqueued (`to` names the listener). */
  report: Record<string, unknown>;
}

/**
 * Told about final outcomes, inside the transaction that records them:
 * write rows (outbox, case events), never call an external API from here.
 * Retries in between are not reported.
 */
export interface DeliveryListener {
  readonly name: string;
  /**
   * The final outcome (delivered, or failed for good) of rows whose
   * `report.to` is this name. A throw loses the report, not the outcome.
   */
  reported?(trx: Db, outcome: DeliveryOutcome): Promise<void>;
  /**
   * Every row that failed for good, whether or not it asked for a report
   * (e.g. the case's audit log). Part of recording the failure: a throw
   * undoes it, and the row is retried.
   */
  failed?(trx: Db, outcome: DeliveryOutcome): Promise<void>;
}
