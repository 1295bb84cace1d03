import { formatDateTime } from './dates.ts';
import type { ConversationEvent, MilestoneLabel, NextMilestone } from './effects.ts';
import type { Turn } from './turn.ts';

type CaseProgressEvent = Extract<ConversationEvent, { type: 'deadline-missed' | 'milestone-missed' | 'milestone-reached' | 'progress-update' }>;

/**
 * A notice about one case's clock (issues 16 and 18): a missed deadline or
 * milestone, a milestone reached, a progress update. Rendered in the
 * conversation's language; the reply names the case, which need not be the
 * one the conversation is on now, and the state does not change.
 */
export function caseProgress(turn: Turn, event: CaseProgressEvent): void {
  const when = (iso: string) => formatDateTime(new Date(iso), turn.locale, turn.ctx.timezone);
  const { caseNumber } = event;
  let text: string;
  switch (event.type) {
    case 'deadline-missed': {
      const key = event.deadline === 'first_response' ? 'messages.deadlineMissedResponse' : 'messages.deadlineMissedResolution';
      text = turn.t(key, { caseNumber, reason: turn.t('messages.deadlineReason'), newDue: when(event.newExpectation) });
      break;
    }
    case 'milestone-missed':
      text = turn.t('messages.milestoneMissed', { caseNumber, milestone: labelIn(event.milestone, turn.locale), reason: turn.t('messages.deadlineReason'), newDue: when(event.newExpectation) });
      break;
    case 'milestone-reached':
      text = turn.t('messages.milestoneReached', { caseNumber, milestone: labelIn(event.milestone, turn.locale), next: nextMilestone(turn, event.next) });
      break;
    case 'progress-update': {
      const done = event.done.map((label) => labelIn(label, turn.locale));
      text = turn.t('messages.progressUpdate', {
        caseNumber,
        done: done.length > 0 ? turn.t('messages.progressDone', { milestones: done.join(turn.t('messages.listSeparator')) }) : '',
        next: nextMilestone(turn, event.next),
      });
      break;
    }
  }
  turn.effects.push({ type: 'reply', message: { text }, caseId: event.caseId });
}

/** " Next: repair plan, expected by …", or nothing when no milestone is left. */
export function nextMilestone(turn: Turn, next: NextMilestone | undefined): string {
  return next ? turn.t('messages.progressNext', { milestone: labelIn(next.label, turn.locale), due: formatDateTime(new Date(next.dueAt), turn.locale, turn.ctx.timezone) }) : '';
}

/** A milestone's label in `locale`, the English one when the policy gives none. */
export function labelIn(label: MilestoneLabel, locale: string): string {
  return label[locale] ?? label.en ?? '';
}
