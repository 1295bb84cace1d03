import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Policy } from '../policy.ts';

/** The identity whose data is exported or removed. */
export type PrivacySubject = Pick<CustomerRow, 'id' | 'channel' | 'external_id'>;

/** One line of a chat transcript a module keeps, as the export shows it. */
export interface TranscriptLine {
  direction: string;
  message: unknown;
  at: string | null;
}

/**
 * What a module (a channel adapter) keeps about customers in its own tables,
 * e.g. the web chat's transcript: privacy asks it instead of knowing the
 * table. Modules register one (ChannelModule.privacyHook); each method runs
 * inside the request's or retention run's transaction and must not commit.
 */
export interface PrivacyHook {
  readonly name: string;
  /** Deletes everything the module holds about the identity; returns the transcript lines deleted. */
  eraseCustomer(trx: Db, customer: PrivacySubject): Promise<number>;
  /** The identity's transcript, for the export (format /1 names it `webchatTranscript`). */
  exportCustomer?(trx: Db, customer: PrivacySubject): Promise<TranscriptLine[]>;
  /** Deletes what is older than the policy's retention periods as of `now`; returns the transcript lines deleted. */
  deleteExpired?(db: Db, retention: Policy['retention'], now: Date): Promise<number>;
}
