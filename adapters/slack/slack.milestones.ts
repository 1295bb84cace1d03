import type { CaseRow } from '../../src/db/schema.ts';
import type { CaseMilestone } from '../../src/sla/case-milestones.ts';
import { labelIn } from '../../src/sla/milestone.service.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import type { DeskEvent } from '../../src/cases/staff-desk.ts';
import type { Block } from './slack.customer-words.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

/**
 * Milestones on the Slack desk (issue 18): their lines on the card, a button
 * per open milestone, the modal that marks one (reached with a note, or
 * skipped with a reason), and the thread notices.
 */

/** Action id of a milestone button: the prefix, then the milestone id (unique within the block, as Slack requires). */
export const MILESTONE_ACTION_PREFIX = 'case_milestone:';
export const MILESTONE_VIEW = 'case_milestone_view';

const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 75), emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/** The card's milestone list, and the buttons of the open ones while the case is open. */
export function milestoneCardBlocks(row: CaseRow, milestones: readonly CaseMilestone[], texts: StaffTexts, now: Date, open: boolean): Block[] {
  if (milestones.length === 0) return [];
  const lines = milestones.map((m) => {
    const milestone = escapeMrkdwn(labelIn(m.spec, texts.locale));
    if (m.done?.skipped) return texts.t('card.milestoneSkipped', { milestone });
    if (m.done) return texts.t('card.milestoneDone', { milestone, at: texts.time(m.done.at), late: m.done.at.getTime() > m.dueAt.getTime() ? ` ${texts.t('card.late')}` : '' });
    return texts.t('card.milestoneOpen', { milestone, due: texts.time(m.dueAt), late: open && m.dueAt.getTime() < now.getTime() ? ` ${texts.t('card.late')}` : '' });
  });
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(`${texts.t('card.milestones')}\n${lines.join('\n')}`) }];
  const pending = open ? milestones.filter((m) => !m.done) : [];
  if (pending.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'case_milestones',
      // Slack allows 25 elements in an actions block.
      elements: pending.slice(0, 25).map((m) => ({
        type: 'button',
        text: plain(texts.t('buttons.milestone', { milestone: labelIn(m.spec, texts.locale) })),
        action_id: `${MILESTONE_ACTION_PREFIX}${m.spec.id}`,
        value: String(row.id),
      })),
    });
  }
  return blocks;
}

export interface MilestoneViewMeta {
  caseId: number;
  channel?: string;
  milestone: string;
}

/** The modal behind a milestone button: reached (with an optional note), or skipped with a reason when the policy allows. */
export function milestoneView(row: CaseRow, milestone: CaseMilestone, texts: StaffTexts, meta: MilestoneViewMeta) {
  const m = (key: string, vars: Record<string, string> = {}) => texts.t(`modals.${key}`, { number: row.number, ...vars });
  const label = labelIn(milestone.spec, texts.locale);
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(m('milestoneIntro', { milestone: escapeMrkdwn(label), due: texts.time(milestone.dueAt) })) }];
  if (milestone.spec.skippable) {
    const option = (value: string, text: string) => ({ text: plain(text), value });
    const reached = option('reached', m('milestoneReached'));
    blocks.push({
      type: 'input',
      block_id: 'outcome',
      label: plain(m('milestoneOutcome')),
      element: { type: 'radio_buttons', action_id: 'value', options: [reached, option('skipped', m('milestoneSkip'))], initial_option: reached },
    });
  }
  blocks.push({
    type: 'input',
    block_id: 'note',
    optional: true,
    label: plain(m(milestone.spec.skippable ? 'milestoneNoteOrReason' : 'milestoneNote')),
    element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000 },
  });
  return {
    type: 'modal' as const,
    callback_id: MILESTONE_VIEW,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: m('milestoneTitle').slice(0, 24), emoji: true },
    submit: plain(m('save')),
    close: plain(m('cancel')),
    blocks,
  };
}

type MilestoneDeskEvent = Extract<DeskEvent, { type: 'milestone-reminder' | 'milestone-breached' | 'milestone-done' | 'progress-update' }>;

/** The thread notice of a milestone event; `card` when the card must show it too. */
export function milestoneThreadText(event: MilestoneDeskEvent, texts: StaffTexts): { text: string; card: boolean } {
  const t = (key: string, vars?: Record<string, string | number>) => texts.t(`thread.${key}`, vars);
  const user = (id: string) => `<@${id}>`;
  if (event.type === 'progress-update') return { text: t('progressSent'), card: false };
  const milestone = escapeMrkdwn(labelIn({ label: event.label }, texts.locale));
  switch (event.type) {
    case 'milestone-reminder':
      return { text: event.owner ? t('milestoneReminderOwner', { milestone, due: texts.time(event.dueAt), owner: user(event.owner) }) : t('milestoneReminderNobody', { milestone, due: texts.time(event.dueAt) }), card: false };
    case 'milestone-breached':
      return { text: t('milestoneBreached', { milestone, newDue: texts.time(event.newExpectation), owner: event.owner ? user(event.owner) : t('milestoneNobody') }), card: true };
    case 'milestone-done': {
      const by = event.by.startsWith('slack:') ? user(event.by.slice('slack:'.length)) : event.by;
      const note = event.note ? `\n${t(event.skipped ? 'milestoneReason' : 'milestoneNoteLine', { note: escapeMrkdwn(event.note) })}` : '';
      if (event.skipped) return { text: `${t('milestoneSkipped', { milestone, by })}${note}`, card: true };
      const extra = `${event.late ? t('milestoneLate') : ''}${event.told ? t('milestoneTold') : ''}`;
      return { text: `${t('milestoneReached', { milestone, by, extra })}${note}`, card: true };
    }
  }
}
