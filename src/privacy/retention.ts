import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import { anonymiseCases, anonymiseIdentity, type AnonymisedNotice } from './anonymise-cases.ts';
import type { PrivacyHook } from './privacy-hook.ts';
import {
  clearAbandonedIntakes,
  deleteDeliveredOutbox,
  deleteOldDeliveryIds,
  deleteOrphanAttachments,
  expiredCaseIds,
  expiredIdentityIds,
  lockExpiredCases,
  lockExpiredIdentities,
} from './retention.repository.ts';

/** The pg-boss queue of the daily retention job (a durable cron schedule). */
export const RETENTION_QUEUE = 'privacy-retention';
const DAY_MS = 86_400_000;

export interface RetentionDeps {
  db: Db;
  policy: Policy;
  logger: Logger;
  notify: AnonymisedNotice;
  /** What modules keep in their own tables (the web chat's transcript). */
  hooks: readonly PrivacyHook[];
  /**
   * Optional: gather the notices a batch schedules (`hold` after BEGIN) and
   * write them in one statement (`flush` before COMMIT) instead of one per case.
   */
  notices?: { hold(trx: Db): void; flush(trx: Db): Promise<void> };
}

/** What one run changed: counts only. */
export interface RetentionReport {
  casesAnonymised: number;
  caseMessagesBlanked: number;
  attachmentsDeleted: number;
  intakesCleared: number;
  identitiesAnonymised: number;
  transcriptLinesDeleted: number;
  outboxRowsDeleted: number;
  deliveryIdsDeleted: number;
}

/**
 * Records per batch transaction. 50: at a million cases a batch's
 * transaction (the rows it locks) stays well under 100 ms on a loaded
 * 2-core host (`npm run bench:reports -- --retention`).
 */
export const RETENTION_BATCH = 50;

export interface RetentionBatch {
  kind: 'cases' | 'identities';
  rows: number;
  /** From BEGIN to COMMIT. */
  ms: number;
}

export interface RetentionOptions {
  batchSize?: number;
  /** Called after each batch's commit (the bench measures lock times with it). */
  onBatch?: (batch: RetentionBatch) => void;
  /** Stops after the batch under way (what is done stays done; the next run goes on). */
  signal?: AbortSignal;
}

/**
 * Applies the policy's retention periods as of `now`. Idempotent: a second
 * run on the same day finds nothing. Works in short transactions of
 * `batchSize` records, so it never holds many locks for long, and may run on
 * any instance (pg-boss hands the daily job to one).
 */
export async function runRetention(deps: RetentionDeps, now: Date, options: RetentionOptions = {}): Promise<RetentionReport> {
  const { db, policy } = deps;
  const periods = policy.retention;
  const batchSize = options.batchSize ?? RETENTION_BATCH;
  /**
   * Works through the ids `next` finds after the last batch's (keyset, no locks), each batch locked and
   * changed in one short transaction timed from BEGIN to COMMIT (its locks live that long). False when
   * the run was stopped on the way.
   */
  const inBatches = async (kind: RetentionBatch['kind'], next: (afterId: number) => Promise<number[]>, work: (trx: Db, ids: number[]) => Promise<number>): Promise<boolean> => {
    for (let afterId = 0; ; ) {
      if (options.signal?.aborted) return false;
      const ids = await next(afterId);
      if (ids.length === 0) return true;
      afterId = ids[ids.length - 1]!;
      const started = performance.now();
      const rows = await db.transaction().execute(async (trx) => {
        deps.notices?.hold(trx);
        const found = await work(trx, ids);
        await deps.notices?.flush(trx);
        return found;
      });
      options.onBatch?.({ kind, rows, ms: performance.now() - started });
      if (ids.length < batchSize) return true;
    }
  };
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const report: RetentionReport = {
    casesAnonymised: 0,
    caseMessagesBlanked: 0,
    attachmentsDeleted: 0,
    intakesCleared: 0,
    identitiesAnonymised: 0,
    transcriptLinesDeleted: 0,
    outboxRowsDeleted: 0,
    deliveryIdsDeleted: 0,
  };

  const cutoffs = { closed: before(periods.closedCaseDays), open: periods.openCaseDays === null ? null : before(periods.openCaseDays) };
  const casesDone = await inBatches('cases', (afterId) => expiredCaseIds(db, cutoffs, afterId, batchSize), async (trx, ids) => {
    const cases = await lockExpiredCases(trx, ids, cutoffs);
    const done = await anonymiseCases(trx, cases, { now, actor: 'system:retention', reason: 'retention', notify: deps.notify });
    report.casesAnonymised += done.cases;
    report.caseMessagesBlanked += done.messages;
    report.attachmentsDeleted += done.attachments;
    report.outboxRowsDeleted += done.outbox;
    return cases.length;
  });
  if (!casesDone) return report;

  const abandoned = before(periods.abandonedIntakeDays);
  report.intakesCleared += await clearAbandonedIntakes(db, abandoned);
  report.attachmentsDeleted += await deleteOrphanAttachments(db, abandoned);
  const identitiesDone = await inBatches('identities', (afterId) => expiredIdentityIds(db, abandoned, afterId, batchSize), async (trx, ids) => {
    const identities = await lockExpiredIdentities(trx, ids, abandoned);
    for (const identity of identities) {
      const done = await anonymiseIdentity(trx, identity, { now, marker: 'anonymised', hooks: deps.hooks });
      report.identitiesAnonymised += 1;
      report.attachmentsDeleted += done.attachments;
      report.outboxRowsDeleted += done.outbox;
      report.transcriptLinesDeleted += done.transcript;
      report.deliveryIdsDeleted += done.deliveryIds;
    }
    return identities.length;
  });
  if (!identitiesDone) return report;

  for (const hook of deps.hooks) if (hook.deleteExpired) report.transcriptLinesDeleted += await hook.deleteExpired(db, periods, now);
  report.outboxRowsDeleted += await deleteDeliveredOutbox(db, before(periods.deliveredOutboxDays));
  report.deliveryIdsDeleted += await deleteOldDeliveryIds(db, before(periods.deliveryIdDays));

  deps.logger.info({ ...report, at: now.toISOString() }, 'retention run finished');
  return report;
}
