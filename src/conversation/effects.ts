import type { InboundAttachment, InboundMessage, OutboundMessage } from '../channels/contract.ts';
import type { SurveyField } from './survey.flow.ts';
import type { Draft } from './state.ts';

/** Which survey: one sent after a resolution (surveys.id) or a campaign (survey_campaigns.id). */
export type SurveyRef = { kind: 'case'; id: number } | { kind: 'campaign'; id: number };

/** What happened once a survey's last question was answered (decided by src/surveys). */
export type SurveyOutcome = 'thanks' | 'reopened' | 'offer-mediation';

/** What the pure step asks the world to do. Executed by src/inbound after it commits. */
export type Effect =
  /** A message to the customer; `caseId` names the case it is about when that is not the conversation's active case. */
  | { type: 'reply'; message: OutboundMessage; caseId?: number }
  | { type: 'open-case'; draft: Draft; openedVia: 'intake' | 'person' }
  | { type: 'append-to-case'; caseId: number; text: string; attachments: InboundAttachment[] }
  | { type: 'load-status' }
  | { type: 'schedule-idle-check'; intakeId: string; at: string }
  /** The customer asked to have their data deleted: a case for staff, who verify identity and erase. */
  | { type: 'open-data-request'; request: 'erasure' }
  /** One survey answer, stored at once; null = skipped. */
  | { type: 'survey-answer'; survey: SurveyRef; field: SurveyField; value: boolean | number | string | null }
  /** The last question was answered: the outcome comes back as `survey-closed`. */
  | { type: 'survey-finished'; survey: SurveyRef };

export interface CaseSummaryForStatus {
  number: string;
  status: string;
  createdAt: string;
  /** An open case's milestones (issue 18): labels per locale of those done, and the next one due. */
  milestones?: { done: MilestoneLabel[]; next?: NextMilestone };
}

/** Events the step consumes: customer input, results of effects, timers. */
export type ConversationEvent =
  | { type: 'inbound'; message: Pick<InboundMessage, 'text' | 'choice' | 'attachments' | 'rejectedAttachments' | 'profile' | 'greeting'> }
  | { type: 'case-opened'; caseId: number; caseNumber: string; firstResponseDueAt: string; responseHours: number; openedVia: 'intake' | 'person' }
  | { type: 'status-report'; cases: CaseSummaryForStatus[] }
  | { type: 'idle-check'; intakeId: string }
  | { type: 'data-request-opened'; caseId: number; caseNumber: string; existing: boolean; firstResponseDueAt: string }
  /** Timer: the survey of a resolved case (caseId set) or a campaign's questions are due. */
  | { type: 'survey-start'; survey: SurveyRef; caseId?: number; caseNumber?: string }
  | { type: 'survey-reminder'; survey: SurveyRef }
  | { type: 'survey-expired'; survey: SurveyRef }
  | { type: 'survey-closed'; survey: SurveyRef; outcome: SurveyOutcome }
  /** Timer (src/sla): a case's deadline passed unmet; the customer is told the new expectation. */
  | { type: 'deadline-missed'; caseId: number; caseNumber: string; deadline: 'first_response' | 'resolution'; newExpectation: string }
  /** Timer (src/sla): a case's milestone passed unreached; `milestone` is its label per locale (issue 18). */
  | { type: 'milestone-missed'; caseId: number; caseNumber: string; milestone: MilestoneLabel; newExpectation: string }
  /** Staff marked a milestone reached that the policy tells the customer about; `next` is the milestone due next. */
  | { type: 'milestone-reached'; caseId: number; caseNumber: string; milestone: MilestoneLabel; next?: NextMilestone }
  /** Timer (src/sla): the case went this long without news; the milestones done and the one due next. */
  | { type: 'progress-update'; caseId: number; caseNumber: string; done: MilestoneLabel[]; next?: NextMilestone }
  /** The customer writes faster than the flood limit lets through: told once to slow down and resend. */
  | { type: 'flood-limited' };

/** A milestone's label per locale, as the policy gives it (the English one stands in for a missing locale). */
export type MilestoneLabel = Record<string, string>;

/** The milestone due next and when (ISO time). */
export interface NextMilestone {
  label: MilestoneLabel;
  dueAt: string;
}
