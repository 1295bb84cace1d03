import { appendCaseEvent, lockCase } from '../cases/case.repository.ts';
import type { ConversationEvent } from '../conversation/effects.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { lockCustomer } from '../cases/customer.repository.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import type { SkipResult, SurveyScheduling } from '../staff/staff-action.ts';
import { findPendingOrSkipped, findSurvey, insertSurvey, isCustomerAnonymised, lastSurveySentAt, lockSurvey, markCampaignStage, updateSurvey } from './survey.repository.ts';

export const SURVEY_QUEUE = 'survey';

/** A survey timer; `at` is the send time it was scheduled for (a rescheduled survey makes it stale). */
export type SurveyTimer =
  | { stage: 'send'; surveyId: number; at: string }
  | { stage: 'remind' | 'expire'; surveyId: number }
  | { stage: 'campaign-send' | 'campaign-remind' | 'campaign-expire'; campaignId: number; customerId: number };

/**
 * Told of a resolution inside its transaction, before the survey is
 * scheduled: the quiet-period close (surveys/case-closing.ts) plugs in here.
 * A port, so that surveys do not import the closing, which imports staff
 * actions, which schedule surveys.
 */
export interface ResolutionHook {
  caseResolved(trx: Db, row: CaseRow, now: Date): Promise<void>;
}

export interface SurveyDeps {
  db: Db;
  timers: Timers;
  policy: Policy;
  logger: Logger;
  clock: () => Date;
  outboxWritten: () => void;
  /** Runs an event through the customer's conversation inside `trx`. */
  conversations: { handleEventIn(trx: Db, customerId: number, event: ConversationEvent): Promise<void> };
  /** The quiet-period close, scheduled in the same resolution transaction (every resolution path calls caseResolved). */
  closing?: ResolutionHook;
  /** For sampling; [0, 1). */
  random?: () => number;
}


/**
 * Surveys after a resolution, on durable timers: scheduled in the
 * resolution's transaction, sent after policy.survey.delaySeconds on the
 * customer's channel, reminded once, expired. Every firing re-checks the
 * survey's status and acts at most once.
 */
export class SurveyService implements SurveyScheduling {
  constructor(private readonly deps: SurveyDeps) {}

  /** Called in the transaction that resolved the case. */
  async caseResolved(trx: Db, row: CaseRow, now: Date): Promise<void> {
    await this.deps.closing?.caseResolved(trx, row, now);
    const policy = this.deps.policy.survey;
    if (!policy.enabled) return;
    const log = { caseId: row.id };
    const existing = await findPendingOrSkipped(trx, row.id);
    if (existing.some((s) => s.status === 'skipped')) return this.deps.logger.info(log, 'no survey: skipped by staff');
    if ((this.deps.random ?? Math.random)() >= policy.sampleRate) return this.deps.logger.info(log, 'no survey: not sampled');
    if (await isCustomerAnonymised(trx, row.customer_id)) return;
    if (policy.cooldownDays > 0) {
      const last = await lastSurveySentAt(trx, row.customer_id);
      if (last && now.getTime() - last.getTime() < policy.cooldownDays * 86_400_000) return this.deps.logger.info(log, 'no survey: customer cooldown');
    }
    const at = new Date(now.getTime() + policy.delaySeconds * 1000);
    // Resolved again before the survey went out: one survey, at the new time.
    const pending = existing.find((s) => s.status === 'scheduled');
    const surveyId = pending ? pending.id : await insertSurvey(trx, { caseId: row.id, customerId: row.customer_id, channel: row.channel, status: 'scheduled', scheduledFor: at });
    if (pending) await updateSurvey(trx, pending.id, { scheduled_for: at });
    await this.deps.timers.schedule(trx, SURVEY_QUEUE, { stage: 'send', surveyId: Number(surveyId), at: at.toISOString() } satisfies SurveyTimer, at);
  }

  /** Staff: no survey for this case (before it is sent). */
  async skip(trx: Db, row: CaseRow, actor: string, now: Date): Promise<SkipResult> {
    const existing = await findPendingOrSkipped(trx, row.id);
    if (existing.some((s) => s.status === 'skipped')) return 'already_skipped';
    const pending = existing.find((s) => s.status === 'scheduled');
    if (pending) await updateSurvey(trx, pending.id, { status: 'skipped' });
    else if (row.status === 'resolved' || row.status === 'closed') return 'already_sent';
    else await insertSurvey(trx, { caseId: row.id, customerId: row.customer_id, channel: row.channel, status: 'skipped', scheduledFor: now });
    await appendCaseEvent(trx, { caseId: row.id, at: now, actor, action: 'survey_skipped' });
    return 'skipped';
  }

  async handle(timer: SurveyTimer): Promise<void> {
    if ('campaignId' in timer) return this.campaignTimer(timer);
    const survey = await findSurvey(this.deps.db, timer.surveyId);
    if (!survey) return;
    const now = this.deps.clock();
    const acted = await this.deps.db.transaction().execute(async (trx) => {
      // Customer first, as an inbound message does: the two never wait on each other in opposite order.
      if (!(await lockCustomer(trx, survey.customer_id))) return false;
      const row = await lockSurvey(trx, survey.id);
      if (!row) return false;
      const ref = { kind: 'case', id: row.id } as const;
      const run = (event: ConversationEvent) => this.deps.conversations.handleEventIn(trx, row.customer_id, event);
      switch (timer.stage) {
        case 'send': {
          if (row.status !== 'scheduled' || new Date(row.scheduled_for).toISOString() !== timer.at) return false;
          const caseRow = await lockCase(trx, row.case_id);
          // Reopened meanwhile: the survey waits for the next resolution, which reschedules it.
          if (!caseRow || (caseRow.status !== 'resolved' && caseRow.status !== 'closed')) return false;
          if (await isCustomerAnonymised(trx, row.customer_id)) {
            await updateSurvey(trx, row.id, { status: 'expired' });
            return false;
          }
          const { reminderAfterSeconds, expireAfterSeconds } = this.deps.policy.survey;
          const expiresAt = new Date(now.getTime() + expireAfterSeconds * 1000);
          await updateSurvey(trx, row.id, { status: 'sent', sent_at: now, owner: caseRow.owner, expires_at: expiresAt });
          await appendCaseEvent(trx, { caseId: row.case_id, at: now, actor: 'system', action: 'survey_sent', details: { surveyId: row.id, owner: caseRow.owner } });
          await run({ type: 'survey-start', survey: ref, caseId: caseRow.id, caseNumber: caseRow.number });
          await this.deps.timers.schedule(trx, SURVEY_QUEUE, { stage: 'remind', surveyId: row.id } satisfies SurveyTimer, new Date(now.getTime() + reminderAfterSeconds * 1000));
          await this.deps.timers.schedule(trx, SURVEY_QUEUE, { stage: 'expire', surveyId: row.id } satisfies SurveyTimer, expiresAt);
          return true;
        }
        case 'remind':
          if (row.status !== 'sent' || row.reminded_at) return false;
          await updateSurvey(trx, row.id, { reminded_at: now });
          await run({ type: 'survey-reminder', survey: ref });
          return true;
        case 'expire':
          if (row.status !== 'sent') return false;
          await updateSurvey(trx, row.id, { status: 'expired' });
          await run({ type: 'survey-expired', survey: ref });
          return true;
      }
    });
    if (acted) {
      this.deps.logger.info({ surveyId: timer.surveyId, caseId: survey.case_id, stage: timer.stage }, 'survey timer acted');
      this.deps.outboxWritten();
    }
  }

  /**
   * A campaign's questions to one customer, one reminder and their expiry;
   * only the campaign id is involved. The send and the reminder are marked
   * in their transaction (campaign_marks): a redelivered job sends nothing.
   * The reminder's mark is written whether or not a question is still
   * pending (the conversation decides), so it tells nothing about answering.
   * The expiry only clears a question still pending, so it may run twice.
   */
  private async campaignTimer(timer: Extract<SurveyTimer, { campaignId: number }>): Promise<void> {
    const ref = { kind: 'campaign', id: timer.campaignId } as const;
    const now = this.deps.clock();
    const acted = await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockCustomer(trx, timer.customerId)) || (await isCustomerAnonymised(trx, timer.customerId))) return false;
      const run = (event: ConversationEvent) => this.deps.conversations.handleEventIn(trx, timer.customerId, event);
      const mark = (stage: 'send' | 'remind') => markCampaignStage(trx, { campaignId: timer.campaignId, customerId: timer.customerId, stage });
      switch (timer.stage) {
        case 'campaign-send': {
          if (!(await mark('send'))) return false;
          await run({ type: 'survey-start', survey: ref });
          const { reminderAfterSeconds, expireAfterSeconds } = this.deps.policy.survey;
          await this.deps.timers.schedule(trx, SURVEY_QUEUE, { ...timer, stage: 'campaign-remind' } satisfies SurveyTimer, new Date(now.getTime() + reminderAfterSeconds * 1000));
          await this.deps.timers.schedule(trx, SURVEY_QUEUE, { ...timer, stage: 'campaign-expire' } satisfies SurveyTimer, new Date(now.getTime() + expireAfterSeconds * 1000));
          return true;
        }
        case 'campaign-remind':
          if (!(await mark('remind'))) return false;
          await run({ type: 'survey-reminder', survey: ref });
          return true;
        case 'campaign-expire':
          await run({ type: 'survey-expired', survey: ref });
          return true;
      }
    });
    if (acted) this.deps.outboxWritten();
  }
}
