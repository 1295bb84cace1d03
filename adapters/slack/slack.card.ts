import type { SupervisorNotice } from './slack.desk.ts';
import { maskContact } from '../../src/privacy/mask.ts';
import type { PromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { isOpen } from '../../src/staff/staff-action.ts';
import { customerText, customerWordsBlocks, displayFileName, literal } from './slack.customer-words.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

/** Block Kit for staff. Staff-facing labels are English; customer text is literal and masked (slack.customer-words.ts). */

export const ACTIONS = {
  claim: 'case_claim',
  assign: 'case_assign',
  severity: 'case_severity',
  requestInfo: 'case_request_info',
  resolve: 'case_resolve',
  escalate: 'case_escalate',
  reopen: 'case_reopen',
  approve: 'case_approve',
  reject: 'case_reject',
  skipSurvey: 'case_skip_survey',
  revealContact: 'case_reveal_contact',
} as const;

/** The case's newest satisfaction survey, as the card shows it. */
export interface CardSurvey {
  status: string;
  resolved: boolean | null;
  csat: number | null;
  nps: number | null;
}

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  awaiting_customer: 'Awaiting customer',
  resolved: 'Resolved',
  closed: 'Closed',
  reopened: 'Reopened',
};

export type Block = Record<string, unknown>;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const button = (text: string, actionId: string, caseId: number, style?: 'primary' | 'danger') => ({
  type: 'button',
  text: plain(text),
  action_id: actionId,
  value: String(caseId),
  ...(style ? { style } : {}),
});

export function slackDate(value: Date | string | null): string {
  if (value === null) return '—';
  const date = new Date(value);
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
}

export function categoryLabel(catalog: PromptCatalog, category: string | null): string {
  return category ? catalog.optionLabel('en', 'category', category) : 'Uncategorised';
}

export function remedyLabel(catalog: PromptCatalog, remedy: string | null, amount: string | null, currency: string): string {
  if (!remedy || remedy === 'none') return 'none';
  return `${catalog.optionLabel('en', 'desiredResolution', remedy)}${amount ? ` ${amount}${currency ? ` ${currency}` : ''}` : ''}`;
}

/** One line per case, for lists. */
export function caseLine(row: CaseRow, catalog: PromptCatalog): string {
  const owner = row.owner ? `<@${row.owner}>` : '_unassigned_';
  return `• *${row.number}* · ${row.severity} · ${STATUS_LABELS[row.status] ?? row.status} · ${owner} · ${categoryLabel(catalog, row.category)} · resolve by ${slackDate(row.resolution_due_at)}`;
}

/** The case card: what staff need to pick up the case, with the buttons its state allows. */
export function renderCard(row: CaseRow, options: { catalog: PromptCatalog; currency: string; now: Date; survey?: CardSurvey }): { text: string; blocks: Block[] } {
  const { catalog } = options;
  const status = STATUS_LABELS[row.status] ?? row.status;
  const anonymised = row.anonymised_at !== null;
  const responded = row.first_responded_at ? `\n:white_check_mark: answered ${slackDate(row.first_responded_at)}` : '';
  const late = (due: Date | string) => (isOpen(row.status) && new Date(due).getTime() < options.now.getTime() ? ' :red_circle: *late*' : '');
  const blocks: Block[] = [
    { type: 'header', text: plain(`${row.number} · ${row.severity.toUpperCase()}`) },
    ...summaryBlocks(row),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Status*\n${status}`),
        mrkdwn(`*Severity*\n${row.severity}`),
        mrkdwn(`*Category*\n${escapeMrkdwn(categoryLabel(catalog, row.category))}`),
        mrkdwn(`*Owner*\n${row.owner ? `<@${row.owner}>` : '_unassigned_'}`),
        mrkdwn(`*Team*\n${row.team ?? '—'}`),
        mrkdwn(`*Customer channel*\n${row.channel}`),
        mrkdwn(`*Contact*\n${anonymised ? '_removed_' : (maskContact({ phone: row.contact_phone, email: row.contact_email }) ?? (row.contact_name ? 'name only' : '—'))}`),
        mrkdwn(`*Customer wants*\n${row.desired_resolution ? escapeMrkdwn(catalog.optionLabel('en', 'desiredResolution', row.desired_resolution)) : '—'}`),
        mrkdwn(`*First response due*\n${slackDate(row.first_response_due_at)}${row.first_responded_at ? responded : late(row.first_response_due_at)}`),
        mrkdwn(`*Resolution due*\n${slackDate(row.resolution_due_at)}${row.resolved_at ? '' : late(row.resolution_due_at)}`),
      ],
    },
  ];
  blocks.push(...evidenceBlocks(row));
  const context = contextElements(row, options);
  if (context.length > 0) blocks.push({ type: 'context', elements: context });
  blocks.push({ type: 'actions', block_id: 'case_actions', elements: buttons(row, options.survey) });
  // Its own block, so the case's workflow buttons stay one list. The unmasked contact is only ever shown ephemerally.
  // Kept on closed cases (a follow-up call, a data request) until retention anonymises the case and removes the contact.
  if (hasContact(row)) blocks.push({ type: 'actions', block_id: 'case_contact', elements: [button('Reveal contact', ACTIONS.revealContact, row.id)] });
  const text = `Case ${row.number} (${row.severity}, ${status})${row.owner ? ` owned by <@${row.owner}>` : ''}`;
  return { text, blocks };
}

export function hasContact(row: Pick<CaseRow, 'contact_name' | 'contact_phone' | 'contact_email'>): boolean {
  return Boolean(row.contact_name || row.contact_phone || row.contact_email);
}

/**
 * The unmasked contact, for the one staff member who pressed Reveal contact (ephemeral, never on the card).
 * What the customer typed is literal text; the fallback `text` carries only the bot's words.
 */
export function renderContact(row: CaseRow): { text: string; blocks: Block[] } {
  const text = `:lock: Contact for *${row.number}* (only you see this; your request is recorded on the case)`;
  const lines: string[] = [];
  if (row.contact_name) lines.push(`Name: ${row.contact_name}`);
  if (row.contact_phone) lines.push(`Phone: ${row.contact_phone}`);
  if (row.contact_email) lines.push(`E-mail: ${row.contact_email}`);
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }, { type: 'section', text: literal(lines.join('\n')) }] };
}

// --- Customer's words on the card (s-slack, issue 19 items 7, 8, 10): literal text, contacts masked. ---

/** The description the customer wrote, under the bot's own header; the bot's notes when there is none. */
function summaryBlocks(row: CaseRow): Block[] {
  if (row.anonymised_at !== null) return [{ type: 'section', text: mrkdwn(`*Summary*\n(personal data removed ${slackDate(row.anonymised_at)}: description and contact are no longer held)`) }];
  if (!row.description) return [{ type: 'section', text: mrkdwn('*Summary*\n(no description: the customer asked for a person)') }];
  return customerWordsBlocks("*Summary* · the customer's own words (contacts masked):", row.description, 600);
}

/** Files sent during the intake: how many, and their names (cleaned, literal). They are uploaded to the thread. */
export const MAX_CARD_EVIDENCE = 10;

function evidenceBlocks(row: CaseRow): Block[] {
  if (row.anonymised_at !== null) return [];
  const files = intakeEvidence(row);
  if (files.length === 0) return [];
  const shown = files.slice(0, MAX_CARD_EVIDENCE).map((f) => `• ${customerText(displayFileName(f.fileName), 120)}`);
  const more = files.length > MAX_CARD_EVIDENCE ? `\n… and ${files.length - MAX_CARD_EVIDENCE} more` : '';
  return [
    { type: 'section', text: mrkdwn(`:paperclip: *Evidence from the intake*: ${files.length} file${files.length === 1 ? '' : 's'}, ${more ? `the first ${MAX_CARD_EVIDENCE}` : files.length === 1 ? 'it is' : 'all'} uploaded in this thread`) },
    { type: 'section', text: literal(`${shown.join('\n')}${more}`) },
  ];
}

/** The files recorded with the case at intake (the case's `evidence`), as the card lists them. */
function intakeEvidence(row: Pick<CaseRow, 'evidence'>): Array<{ id: string; fileName: string }> {
  const list = Array.isArray(row.evidence) ? row.evidence : [];
  return list.flatMap((e) => (typeof e.id === 'string' ? [{ id: e.id, fileName: typeof e.fileName === 'string' ? e.fileName : 'file' }] : []));
}

// --- end of the customer's words ---

function contextElements(row: CaseRow, options: { catalog: PromptCatalog; currency: string; survey?: CardSurvey }): Block[] {
  // Prefixed before masking, so an order number is recognised as one and left readable.
  const order = row.order_ref ? [literal(customerText(`Order ${row.order_ref}`, 150))] : [];
  return [...order, ...contextLines(row, options).map((line) => mrkdwn(line))].slice(0, 10);
}

function contextLines(row: CaseRow, options: { catalog: PromptCatalog; currency: string; survey?: CardSurvey }): string[] {
  const lines: string[] = [];
  const survey = options.survey;
  if (survey?.status === 'answered') {
    const low = survey.resolved === false ? ' :warning: not resolved' : '';
    lines.push(`:bar_chart: CSAT *${survey.csat ?? '—'}/5*${survey.nps !== null ? ` · NPS ${survey.nps}` : ''}${low}`);
  } else if (survey) {
    lines.push(`Satisfaction survey: ${survey.status}`);
  }
  if (row.severity_reasons.length > 0) lines.push(`Severity because: ${escapeMrkdwn(row.severity_reasons.join(', '))}`);
  if (row.escalation) lines.push(`:rotating_light: Escalated: *${row.escalation}*${row.escalated_by ? ` by <@${row.escalated_by}>` : ''}`);
  if (row.remedy_approval === 'pending') lines.push(`:hourglass: Remedy *${remedyLabel(options.catalog, row.remedy, row.remedy_amount, options.currency)}* awaits a supervisor's approval`);
  if (row.remedy_approval === 'rejected') lines.push(`:no_entry: Remedy rejected by <@${row.remedy_decided_by}>: resolve again`);
  if (row.determination) {
    const remedy = remedyLabel(options.catalog, row.remedy, row.remedy_amount, options.currency);
    const approved = row.remedy_approval === 'approved' ? ` (approved by <@${row.remedy_decided_by}>)` : '';
    lines.push(`${row.determination === 'responsible' ? 'Responsible' : 'Not responsible'} · root cause ${row.root_cause ?? '—'} · remedy ${remedy}${approved}`);
  }
  return lines.slice(0, 9);
}

function buttons(row: CaseRow, survey: CardSurvey | undefined): Block[] {
  const id = row.id;
  if (!isOpen(row.status)) {
    const skip = survey?.status === 'scheduled' ? [button('No survey', ACTIONS.skipSurvey, id)] : [];
    // Closed is final until reopened: every other action on it refuses (`not_open`), so only Reopen is offered.
    if (row.status === 'closed') return [button('Reopen', ACTIONS.reopen, id), ...skip];
    return [button('Reopen', ACTIONS.reopen, id), button('Escalate…', ACTIONS.escalate, id), ...skip];
  }
  if (row.remedy_approval === 'pending') {
    return [
      button('Approve remedy', ACTIONS.approve, id, 'primary'),
      button('Reject remedy', ACTIONS.reject, id, 'danger'),
      button('Assign…', ACTIONS.assign, id),
      button('Severity…', ACTIONS.severity, id),
      button('Escalate…', ACTIONS.escalate, id),
    ];
  }
  return [
    ...(row.owner ? [] : [button('Claim', ACTIONS.claim, id, 'primary')]),
    button('Assign…', ACTIONS.assign, id),
    button('Severity…', ACTIONS.severity, id),
    button('Request info', ACTIONS.requestInfo, id),
    button('Resolve…', ACTIONS.resolve, id),
    button('Escalate…', ACTIONS.escalate, id),
  ];
}

/** The supervisors' copy of an approval request or an escalation. */
export function renderSupervisorNotice(row: CaseRow, notice: SupervisorNotice, options: { catalog: PromptCatalog; currency: string }): { text: string; blocks: Block[] } {
  const where = row.slack_channel ? ` in <#${row.slack_channel}>` : '';
  if (notice === 'approval') {
    const remedy = remedyLabel(options.catalog, row.remedy, row.remedy_amount, options.currency);
    const text = `:hourglass: Case *${row.number}* (${row.severity})${where} needs approval of remedy *${remedy}* (proposed by <@${row.owner ?? 'nobody'}>; ${row.determination === 'responsible' ? 'responsible' : 'not responsible'}, root cause ${row.root_cause ?? '—'}).`;
    return {
      text,
      blocks: [
        { type: 'section', text: mrkdwn(text) },
        { type: 'section', text: mrkdwn(`*Written result for the customer*\n${escapeMrkdwn(truncate(row.resolution_summary ?? '', 1500))}`) },
        { type: 'actions', block_id: 'case_actions', elements: [button('Approve remedy', ACTIONS.approve, row.id, 'primary'), button('Reject remedy', ACTIONS.reject, row.id, 'danger')] },
      ],
    };
  }
  if (notice === 'emergency') {
    const text = `:rotating_light: New *major* case *${row.number}*${where}: emergency handling starts now (first response due ${slackDate(row.first_response_due_at)}).`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  if (notice.startsWith('breached:')) {
    const which = notice === 'breached:first_response' ? 'first response' : 'resolution';
    const text = `:red_circle: Case *${row.number}* (${row.severity})${where} missed its *${which}* deadline (owner ${row.owner ? `<@${row.owner}>` : 'nobody'}). It can be reassigned from the card.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const text = `:rotating_light: Case *${row.number}* (${row.severity})${where} was escalated to *${row.escalation}* ${row.escalated_by ? `by <@${row.escalated_by}>` : 'at the customer\'s request'}.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }, { type: 'section', text: mrkdwn(`*Reason*\n${escapeMrkdwn(truncate(row.escalation_reason ?? '', 1500))}`) }] };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
