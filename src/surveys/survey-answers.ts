import { appendCaseEvent, lockCase } from '../cases/case.repository.ts';
import type { SurveyOutcome, SurveyRef } from '../conversation/effects.ts';
import type { SurveyField } from '../conversation/survey.flow.ts';
import type { CaseClosing } from './case-closing.ts';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import { reopenLockedCase } from '../staff/reopen-case.ts';
import { changeCase, type DeadlineClock } from '../staff/staff-action.ts';
import type { StaffDesk } from '../cases/staff-desk.ts';
import { insertCampaignAnswer, lockSurvey, recordSurveyAnswer, updateSurvey } from './survey.repository.ts';

export interface SurveyAnswerDeps {
  policy: Policy;
  /** Closes the case on a satisfied answer (policy.closing). */
  closing?: Pick<CaseClosing, 'satisfied' | 'closeLocked'>;
  desk: StaffDesk;
  deadlines: DeadlineClock;
  logger: Logger;
}

/** Who acts when the customer's survey answer changes the case (audit log). */
const CUSTOMER = 'customer';

/**
 * Stores survey answers from the conversation, inside its transaction, and
 * decides what a finished survey leads to: thanks, a reopened case, or an
 * offer of mediation (policy.survey.onLowScore).
 */
export class SurveyAnswers {
  constructor(private readonly deps: SurveyAnswerDeps) {}

  async answer(trx: Db, survey: SurveyRef, field: SurveyField, value: boolean | number | string | null, now: Date): Promise<void> {
    if (survey.kind === 'campaign') {
      if (value !== null && (field === 'csat' || field === 'nps' || field === 'comment')) {
        await insertCampaignAnswer(trx, survey.id, field, value as number | string, startOfDay(now));
      }
      return;
    }
    if (field === 'mediation') {
      if (value === true) await this.mediationRequested(trx, survey.id, now);
      return;
    }
    await recordSurveyAnswer(trx, survey.id, field, value);
  }

  async finish(trx: Db, survey: SurveyRef, now: Date): Promise<SurveyOutcome> {
    if (survey.kind === 'campaign') return 'thanks';
    const row = await lockSurvey(trx, survey.id);
    if (!row || row.status !== 'sent') return 'thanks';
    await updateSurvey(trx, row.id, { status: 'answered', answered_at: now });
    const { lowScoreThreshold, onLowScore } = this.deps.policy.survey;
    const low = row.resolved === false || (row.csat !== null && row.csat <= lowScoreThreshold);
    const caseRow = await lockCase(trx, row.case_id);
    let action: 'none' | 'reopened' | 'mediation_offered' = 'none';
    if (low && caseRow) {
      if (onLowScore === 'reopen' && (caseRow.status === 'resolved' || caseRow.status === 'closed')) action = 'reopened';
      else if (onLowScore === 'offer_mediation' && !caseRow.escalation) action = 'mediation_offered';
    }
    await appendCaseEvent(trx, {
      caseId: row.case_id,
      at: now,
      actor: CUSTOMER,
      action: 'survey_answered',
      details: { surveyId: row.id, resolved: row.resolved, csat: row.csat, nps: row.nps, owner: row.owner, low },
    });
    // The customer confirms it is resolved, satisfied: the case is done (closed before the card refresh below).
    if (!low && caseRow?.status === 'resolved' && this.deps.closing?.satisfied(row)) await this.deps.closing.closeLocked(trx, caseRow, CUSTOMER, now, 'survey_satisfied');
    await this.deps.desk.publish(trx, row.case_id, {
      type: 'survey-answered',
      resolved: row.resolved,
      csat: row.csat,
      nps: row.nps,
      comment: row.comment,
      owner: row.owner,
      low,
      action,
    });
    await this.deps.desk.publish(trx, row.case_id, { type: 'case-changed' });
    this.deps.logger.info({ caseId: row.case_id, surveyId: row.id, low, action }, 'survey answered');
    if (action === 'reopened' && caseRow) {
      await reopenLockedCase(trx, this.deps, caseRow, CUSTOMER, now);
      return 'reopened';
    }
    return action === 'mediation_offered' ? 'offer-mediation' : 'thanks';
  }

  /** Recorded as an escalation to mediation, asked for by the customer (escalated_by null). */
  private async mediationRequested(trx: Db, surveyId: number, now: Date): Promise<void> {
    const survey = await lockSurvey(trx, surveyId);
    const row = survey && (await lockCase(trx, survey.case_id));
    if (!row || row.escalation) return;
    await changeCase(
      trx,
      this.deps,
      row,
      CUSTOMER,
      now,
      { escalation: 'mediation', escalation_reason: `Customer asked for mediation after the satisfaction survey (CSAT ${survey.csat ?? '—'}).`, escalated_by: null, escalated_at: now },
      { action: 'escalated', from: row.escalation, to: 'mediation', details: { requestedBy: CUSTOMER, surveyId } },
    );
    await this.deps.desk.publish(trx, row.id, { type: 'escalated', level: 'mediation', by: null });
    this.deps.logger.info({ caseId: row.id, surveyId }, 'mediation requested by the customer');
  }
}

function startOfDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
