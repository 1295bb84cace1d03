import type { Db } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import { dateIn, previousWholeDays } from '../../src/reports/report-range.ts';
import { buildReport } from '../../src/reports/report.ts';
import type { SlackPayload } from './slack.desk.ts';
import { renderReport } from './slack.report.ts';
import { digestConversationKey, digestQueued, SLACK_OUTBOX_CHANNEL } from './slack.repository.ts';

/** pg-boss queue of the weekly digest (a cron schedule, REPORT_DIGEST_CRON). */
export const REPORT_DIGEST_QUEUE = 'report-digest';
const DIGEST_DAYS = 7;

export interface DigestDeps {
  db: Db;
  logger: Logger;
  clock: () => Date;
  timezone: string;
  channel: string;
  outboxWritten: () => void;
  texts: StaffTexts;
}

/**
 * Queues the digest of the 7 whole days before today (policy time zone) as a
 * `slack` outbox row for the digest channel. Idempotent: a period already
 * queued for the channel is not queued again.
 */
export async function queueDigest(deps: DigestDeps): Promise<'queued' | 'already_queued'> {
  const now = deps.clock();
  const range = previousWholeDays(now, DIGEST_DAYS, deps.timezone);
  const last = new Date(range.to.getTime() - 1);
  const period = `${dateIn(range.from, deps.timezone)}..${dateIn(last, deps.timezone)}`;
  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (await digestQueued(trx, deps.channel, period)) return 'already_queued' as const;
    const report = await buildReport(trx, range, { now, timezone: deps.timezone });
    const [from, to] = period.split('..');
    const view = renderReport(report, deps.texts.t('report.digestTitle', { from: from!, to: to! }), deps.texts);
    const payload: SlackPayload = { kind: 'digest', channel: deps.channel, period, text: view.text, blocks: view.blocks };
    await enqueueOutbound(trx, [
      { customerId: null, caseId: null, channel: SLACK_OUTBOX_CHANNEL, conversationKey: digestConversationKey(deps.channel), address: {}, payload: payload as unknown as Record<string, unknown> },
    ]);
    return 'queued' as const;
  });
  deps.logger.info({ component: 'reports', period, outcome }, 'weekly digest');
  if (outcome === 'queued') deps.outboxWritten();
  return outcome;
}
