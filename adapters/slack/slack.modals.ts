import type { PromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { ESCALATION_LEVELS } from '../../src/staff/escalate-case.ts';
import { remedyNeedsApproval, type Routing } from '../../src/staff/routing.ts';
import type { Refusal } from '../../src/staff/staff-action.ts';
import type { Block } from './slack.card.ts';

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

function modal(callbackId: string, title: string, submit: string, meta: ViewMeta, blocks: Block[]) {
  return { type: 'modal' as const, callback_id: callbackId, private_metadata: JSON.stringify(meta), title: plain(title), submit: plain(submit), close: plain('Cancel'), blocks };
}

function input(blockId: string, label: string, element: Block, extra: { optional?: boolean; hint?: string } = {}): Block {
  return { type: 'input', block_id: blockId, label: plain(label), element: { ...element, action_id: 'value' }, optional: extra.optional ?? false, ...(extra.hint ? { hint: plain(extra.hint) } : {}) };
}

export function assignView(row: CaseRow, meta: ViewMeta) {
  return modal(VIEWS.assign, `Assign ${row.number}`, 'Assign', meta, [
    input('assignee', 'New owner', { type: 'users_select', ...(row.owner ? { initial_user: row.owner } : {}) }, { hint: 'Must be a member of the staff channel or group.' }),
  ]);
}

export function severityView(row: CaseRow, levels: readonly string[], meta: ViewMeta) {
  return modal(VIEWS.severity, `Severity of ${row.number}`, 'Save', meta, [
    input('severity', 'Severity', { type: 'static_select', options: levels.map((l) => option(l, l)), initial_option: option(row.severity, row.severity) }, {
      hint: 'Deadlines follow the new severity. Only supervisors can lower it.',
    }),
  ]);
}

export function requestInfoView(meta: ViewMeta) {
  return modal(VIEWS.requestInfo, 'Request information', 'Send to customer', meta, [
    input('question', 'Question for the customer', { type: 'plain_text_input', multiline: true, max_length: 1000 }, {
      hint: 'Sent to the customer on their own channel. The case waits for their answer.',
    }),
  ]);
}

export function resolveView(row: CaseRow, routing: Routing, catalog: PromptCatalog, meta: ViewMeta) {
  const remedies = [option('none', 'No remedy'), ...routing.resolution.remedies.map((r) => option(r, catalog.optionLabel('en', 'desiredResolution', r)))];
  const needsApproval = routing.resolution.remedies.some((r) => remedyNeedsApproval(routing, row.severity, r));
  const blocks: Block[] = [
    input('summary', 'Written result for the customer', { type: 'plain_text_input', multiline: true, max_length: 3000 }, { hint: 'The customer receives this text.' }),
    input('remedy', 'Remedy', { type: 'static_select', options: remedies }),
    input('amount', 'Amount', { type: 'plain_text_input', placeholder: plain('e.g. 120.00') }, { optional: true, hint: routing.resolution.currency ? `In ${routing.resolution.currency}.` : undefined }),
    input('determination', 'Determination', {
      type: 'radio_buttons',
      options: [option('responsible', 'Responsible: verified and within our scope'), option('not_responsible', 'Not responsible')],
    }),
    input('root_cause', 'Root cause', { type: 'static_select', options: routing.resolution.rootCauses.map((c) => option(c, c.replace(/_/g, ' '))) }),
  ];
  if (needsApproval) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:hourglass: This is a *${row.severity}* case: a material remedy waits for a supervisor's approval before the customer is told.` }] });
  }
  return modal(VIEWS.resolve, `Resolve ${row.number}`, 'Resolve', meta, blocks);
}

export function escalateView(row: CaseRow, meta: ViewMeta) {
  return modal(VIEWS.escalate, `Escalate ${row.number}`, 'Escalate', meta, [
    input('level', 'Escalate to', { type: 'static_select', options: ESCALATION_LEVELS.map((l) => option(l, l === 'legal' ? 'Legal route' : 'Mediation')) }),
    input('reason', 'Reason', { type: 'plain_text_input', multiline: true, max_length: 2000 }),
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

export function refusalText(refusal: { reason: Refusal; owner?: string | null; field?: string }): string {
  switch (refusal.reason) {
    case 'not_staff':
      return 'Only members of the staff channel can act on cases. Nothing was changed.';
    case 'not_supervisor':
      return 'Only supervisors can do that (approve or reject remedies, lower a severity). Nothing was changed.';
    case 'not_found':
      return 'That case does not exist.';
    case 'not_open':
      return 'This case is resolved or closed: reopen it first.';
    case 'not_resolved':
      return 'Only a resolved or closed case can be reopened.';
    case 'already_owned':
      return `This case is already owned by <@${refusal.owner}>. Use Assign… to move it.`;
    case 'awaiting_approval':
      return "A remedy on this case awaits a supervisor's approval.";
    case 'no_pending_remedy':
      return 'No remedy on this case is waiting for approval.';
    case 'assignee_not_staff':
      return 'That person is not a member of the staff channel or group.';
    case 'invalid_input':
      return refusal.field === 'amount' ? 'Enter an amount such as 120 or 120.50, and only with a remedy.' : 'Please check this field.';
    case 'duplicate':
      return 'Already handled.';
    case 'survey_already_sent':
      return 'The satisfaction survey for this case has already been sent (or the case is not resolved yet).';
    case 'no_contact':
      return 'This case holds no contact details (none were given, or they were removed).';
  }
}
