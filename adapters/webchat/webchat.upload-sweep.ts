import type { Db } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import type { Policy } from '../../src/policy.ts';
import { deleteOrphanAttachments } from '../../src/privacy/retention.repository.ts';

/** The pg-boss queue of the sweep of web chat uploads never sent in a message (a durable cron schedule). */
export const UPLOAD_SWEEP_QUEUE = 'webchat-upload-sweep';
/** Every ten minutes: a stale upload outlives its intake's expiry by about that much at most. */
export const UPLOAD_SWEEP_CRON = '*/10 * * * *';

/**
 * Deletes web chat uploads that no intake draft, case or case message holds
 * once the intake they were meant for has expired (policy
 * intake.expireAfterSeconds), long before abandonedIntakeDays: files
 * uploaded and never sent must not pile up. One DELETE, so idempotent: a
 * redelivered or overlapping run deletes nothing twice. Logs counts only.
 */
export async function sweepUnattachedUploads(deps: { db: Db; policy: Policy; logger: Logger }, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.policy.intake.expireAfterSeconds * 1000);
  const deleted = await deleteOrphanAttachments(deps.db, cutoff, 'webchat');
  if (deleted > 0) deps.logger.info({ component: 'webchat', deleted }, 'unattached uploads deleted after the intake expiry');
  return deleted;
}
