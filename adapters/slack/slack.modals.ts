import type { CaseRow } from '../../src/db/schema.ts';
import { ESCALATION_LEVELS } from '../../src/staff/escalate-case.ts';
import { remedyNeedsApproval, type Routing } from '../../src/staff/routing.ts';
import type { Refusal } from '../../src/staff/staff-action.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import { rootCause, type Block } from './slack.card.ts';

/** The modals behind the card's "…" buttons, and reading their submissions. */

export const VIEWS = {
  assign: 'case_assign_view',
  severity: 'case_severity_view',
  requestInfo: 'case_request_info_view',
  resolve: 'case_resolve_view',
  escalate: 'case_escalate_view',
} as const;

export interface ViewMeta {
  caseId: number;
  /** Where the button was pressed: refusals after submission are shown there. */
  channel?: string;
}

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const option = (value: string, text: string) => ({ text: plain(text.slice(0, 75)), value });

function modal(texts: StaffTexts, callbackId: string, title: string, submit: string, meta: ViewMeta, blocks: Block[]) {
  return { type: 'modal' as const, callback_id: callbackId, private_metadata: JSON.stringify(meta), title: plain(title), submit: plain(submit), close: plain(texts.t('modals.cancel')), blocks };
}

function input(blockId: string, label: string, element: Block, extra: { optional?: boolean; hint?: string } = {}): Block {
  return { type: 'input', block_id: blockId, label: plain(label), element: { ...element, action_id: 'value' }, optional: extra.optional ?? false, ...(extra.hint ? { hint: plain(extra.hint) } : {}) };
}

export function assignView(row: CaseRow, texts: StaffTexts, meta: ViewMeta) {
  const m = (key: string) => texts.t(`modals.${key}`, { number: row.number });
  return modal(texts, VIEWS.assign, m('assignTitle'), m('assignSubmit'), meta, [
    input('assignee', m('newOwner'), { type: 'users_select', ...(row.owner ? { initial_user: row.owner } : {}) }, { hint: m('newOwnerHint') }),
  ]);
}

export function severityView(row: CaseRow, levels: readonly string[], texts: StaffTexts, meta: ViewMeta) {
  const m = (key: string) => texts.t(`modals.${key}`, { number: row.number });
  const level = (l: string) => option(l, texts.label('severity', l));
  return modal(texts, VIEWS.severity, m('severityTitle'), m('save'), meta, [
    input('severity', m('severity'), { type: 'static_select', options: levels.map(level), initial_option: level(row.severity) }, { hint: m('severityHint') }),
  ]);
}

export function requestInfoView(row: CaseRow, texts: StaffTexts, meta: ViewMeta) {
  const m = (key: string) => texts.t(`modals.${key}`, { number: row.number });
  return modal(texts, VIEWS.requestInfo, m('requestInfoTitle'), m('requestInfoSubmit'), meta, [
    input('question', m('question'), { type: 'plain_text_input', multiline: true, max_length: 1000 }, { hint: m('questionHint') }),
  ]);
}

export function resolveView(row: CaseRow, routing: Routing, texts: StaffTexts, meta: ViewMeta) {
  const m = (key: string, vars: Record<string, string> = {}) => texts.t(`modals.${key}`, { number: row.number, ...vars });
  const remedies = [option('none', texts.t('labels.remedy.noRemedy')), ...routing.resolution.remedies.map((r) => option(r, texts.label('remedy', r)))];
  const needsApproval = routing.resolution.remedies.some((r) => remedyNeedsApproval(routing, row.severity, r));
  // The root cause is stored as its id; English shows it spaced as before, other locales their label.
  const cause = (c: string) => (texts.locale === 'en' ? c.replace(/_/g, ' ') : rootCause(texts, c));
  const currency = routing.resolution.currency;
  const blocks: Block[] = [
    input('summary', m('summary'), { type: 'plain_text_input', multiline: true, max_length: 3000 }, { hint: m('summaryHint') }),
    input('remedy', m('remedy'), { type: 'static_select', options: remedies }),
    input('amount', m('amount'), { type: 'plain_text_input', placeholder: plain(m('amountPlaceholder')) }, { optional: true, hint: currency ? m('amountHint', { currency }) : undefined }),
    input('determination', m('determination'), {
      type: 'radio_buttons',
      options: [option('responsible', texts.t('labels.determination.responsibleOption')), option('not_responsible', texts.label('determination', 'not_responsible'))],
    }),
    input('root_cause', m('rootCause'), { type: 'static_select', options: routing.resolution.rootCauses.map((c) => option(c, cause(c))) }),
  ];
  if (needsApproval) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m('needsApproval', { severity: texts.label('severity', row.severity) }) }] });
  }
  return modal(texts, VIEWS.resolve, m('resolveTitle'), m('resolveSubmit'), meta, blocks);
}

export function escalateView(row: CaseRow, texts: StaffTexts, meta: ViewMeta) {
  const m = (key: string) => texts.t(`modals.${key}`, { number: row.number });
  return modal(texts, VIEWS.escalate, m('escalateTitle'), m('escalateSubmit'), meta, [
    input('level', m('escalateTo'), { type: 'static_select', options: ESCALATION_LEVELS.map((l) => option(l, texts.t(`labels.escalation.${l}Option`))) }),
    input('reason', m('reason'), { type: 'plain_text_input', multiline: true, max_length: 2000 }),
  ]);
}

/** The submitted values by block id (text, selected option, user or radio button). */
export function readValues(view: { state?: { values?: Record<string, Record<string, unknown>> } }): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [blockId, actions] of Object.entries(view.state?.values ?? {})) {
    const element = Object.values(actions)[0] as { value?: string | null; selected_option?: { value?: string } | null; selected_user?: string | null } | undefined;
    const value = element?.value ?? element?.selected_option?.value ?? element?.selected_user ?? undefined;
    out[blockId] = value === null || value === undefined || value === '' ? undefined : String(value);
  }
  return out;
}

export function parseMeta(raw: string | undefined): ViewMeta | undefined {
  try {
    const meta = JSON.parse(raw ?? '') as ViewMeta;
    return Number.isInteger(meta.caseId) ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** The modal block that a use case's field name refers to. */
export const FIELD_BLOCKS: Record<string, string> = {
  // A milestone's modal (slack.milestones.ts).
  note: 'note',
  outcome: 'outcome',
  summary: 'summary',
  remedy: 'remedy',
  amount: 'amount',
  determination: 'determination',
  rootCause: 'root_cause',
  assignee: 'assignee',
  severity: 'severity',
  question: 'question',
  level: 'level',
  reason: 'reason',
};

/** The catalogue text of each refusal (typed, so a new refusal cannot go without one). */
const REFUSAL_KEYS: Record<Refusal, string> = {
  not_staff: 'refusals.not_staff',
  not_supervisor: 'refusals.not_supervisor',
  not_found: 'refusals.not_found',
  not_open: 'refusals.not_open',
  not_resolved: 'refusals.not_resolved',
  already_owned: 'refusals.already_owned',
  awaiting_approval: 'refusals.awaiting_approval',
  no_pending_remedy: 'refusals.no_pending_remedy',
  assignee_not_staff: 'refusals.assignee_not_staff',
  invalid_input: 'refusals.invalid_input',
  duplicate: 'refusals.duplicate',
  survey_already_sent: 'refusals.survey_already_sent',
  no_contact: 'refusals.no_contact',
};

export function refusalText(texts: StaffTexts, refusal: { reason: Refusal; owner?: string | null; field?: string }): string {
  if (refusal.reason === 'invalid_input' && refusal.field === 'amount') return texts.t('refusals.invalid_amount');
  return texts.t(REFUSAL_KEYS[refusal.reason], { owner: `<@${refusal.owner}>` });
}
