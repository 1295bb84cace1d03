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
 * Told the final outcome (delivered, or failed for good) of outbox rows whose
 * `report.to` is its name, inside the transaction that records that outcome:
 * write rows (outbox, case events), never call an external API from here.
 * Retries in between are not reported.
 */
export interface DeliveryListener {
  readonly name: string;
  reported(trx: Db, outcome: DeliveryOutcome): Promise<void>;
}
