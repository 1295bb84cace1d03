import { maskContact } from '../../src/privacy/mask.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import type { CaseMilestone } from '../../src/sla/case-milestones.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import { isOpen } from '../../src/staff/staff-action.ts';
import { customerText, customerWordsBlocks, displayFileName, literal } from './slack.customer-words.ts';
import { milestoneCardBlocks } from './slack.milestones.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

/** Block Kit for staff. Staff-facing texts come from prompts/<STAFF_LOCALE>/staff.json; customer text is literal and masked (slack.customer-words.ts). */

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

export function remedyLabel(texts: StaffTexts, remedy: string | null, amount: string | null, currency: string): string {
  if (!remedy || remedy === 'none') return texts.t('labels.remedy.none');
  return `${texts.label('remedy', remedy)}${amount ? ` ${amount}${currency ? ` ${currency}` : ''}` : ''}`;
}

const owner = (texts: StaffTexts, user: string | null) => (user ? `<@${user}>` : texts.t('card.unassigned'));

/** One line per case, for lists. */
export function caseLine(row: CaseRow, texts: StaffTexts): string {
  return texts.t('card.line', {
    number: row.number,
    severity: texts.label('severity', row.severity),
    status: texts.label('status', row.status),
    owner: owner(texts, row.owner),
    category: texts.category(row.category),
    due: texts.time(row.resolution_due_at),
  });
}

export interface CardOptions {
  texts: StaffTexts;
  currency: string;
  now: Date;
  survey?: CardSurvey;
  /** The case's milestones (issue 18): listed, with a button per open one. */
  milestones?: readonly CaseMilestone[];
}

/** The case card: what staff need to pick up the case, with the buttons its state allows. */
export function renderCard(row: CaseRow, options: CardOptions): { text: string; blocks: Block[] } {
  const { texts } = options;
  const status = texts.label('status', row.status);
  const severity = texts.label('severity', row.severity);
  const anonymised = row.anonymised_at !== null;
  const responded = row.first_responded_at ? `\n${texts.t('card.answered', { at: texts.time(row.first_responded_at) })}` : '';
  const late = (due: Date | string) => (isOpen(row.status) && new Date(due).getTime() < options.now.getTime() ? ` ${texts.t('card.late')}` : '');
  const field = (key: string, value: string) => mrkdwn(`${texts.t(`card.${key}`)}\n${value}`);
  const contact = anonymised ? texts.t('card.contactRemoved') : (maskContact({ phone: row.contact_phone, email: row.contact_email }) ?? (row.contact_name ? texts.t('card.contactNameOnly') : '—'));
  const blocks: Block[] = [
    { type: 'header', text: plain(texts.t('card.header', { number: row.number, severity: severity.toUpperCase() })) },
    ...summaryBlocks(row, texts),
    {
      type: 'section',
      fields: [
        field('status', status),
        field('severity', severity),
        field('category', escapeMrkdwn(texts.category(row.category))),
        field('owner', owner(texts, row.owner)),
        field('team', row.team ?? '—'),
        field('channel', texts.label('channel', row.channel)),
        field('contact', contact),
        field('wants', row.desired_resolution ? escapeMrkdwn(texts.label('remedy', row.desired_resolution)) : '—'),
        field('firstResponseDue', `${texts.time(row.first_response_due_at)}${row.first_responded_at ? responded : late(row.first_response_due_at)}`),
        field('resolutionDue', `${texts.time(row.resolution_due_at)}${row.resolved_at ? '' : late(row.resolution_due_at)}`),
      ],
    },
  ];
  if (options.milestones) blocks.push(...milestoneCardBlocks(row, options.milestones, texts, options.now, isOpen(row.status)));
  blocks.push(...evidenceBlocks(row, texts));
  const context = contextElements(row, options);
  if (context.length > 0) blocks.push({ type: 'context', elements: context });
  blocks.push({ type: 'actions', block_id: 'case_actions', elements: buttons(row, texts, options.survey) });
  // Its own block, so the case's workflow buttons stay one list. The unmasked contact is only ever shown ephemerally.
  // Kept on closed cases (a follow-up call, a data request) until retention anonymises the case and removes the contact.
  if (hasContact(row)) blocks.push({ type: 'actions', block_id: 'case_contact', elements: [button(texts.t('buttons.revealContact'), ACTIONS.revealContact, row.id)] });
  const text = row.owner
    ? texts.t('card.fallbackOwner', { number: row.number, severity, status, owner: `<@${row.owner}>` })
    : texts.t('card.fallback', { number: row.number, severity, status });
  return { text, blocks };
}

export function hasContact(row: Pick<CaseRow, 'contact_name' | 'contact_phone' | 'contact_email'>): boolean {
  return Boolean(row.contact_name || row.contact_phone || row.contact_email);
}

/**
 * The unmasked contact, for the one staff member who pressed Reveal contact (ephemeral, never on the card).
 * What the customer typed is literal text; the fallback `text` carries only the bot's words.
 */
export function renderContact(row: CaseRow, texts: StaffTexts): { text: string; blocks: Block[] } {
  const text = texts.t('card.contactHeader', { number: row.number });
  const lines: string[] = [];
  if (row.contact_name) lines.push(texts.t('card.contactName', { value: row.contact_name }));
  if (row.contact_phone) lines.push(texts.t('card.contactPhone', { value: row.contact_phone }));
  if (row.contact_email) lines.push(texts.t('card.contactEmail', { value: row.contact_email }));
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }, { type: 'section', text: literal(lines.join('\n')) }] };
}

// --- Customer's words on the card (s-slack, issue 19 items 7, 8, 10): literal text, contacts masked. ---

/** The description the customer wrote, under the bot's own header; the bot's notes when there is none. */
function summaryBlocks(row: CaseRow, texts: StaffTexts): Block[] {
  if (row.anonymised_at !== null) return [{ type: 'section', text: mrkdwn(texts.t('card.summaryAnonymised', { at: texts.time(row.anonymised_at) })) }];
  if (!row.description) return [{ type: 'section', text: mrkdwn(texts.t('card.summaryNone')) }];
  return customerWordsBlocks(texts.t('card.summaryWords'), row.description, 600);
}

/** Files sent during the intake: how many, and their names (cleaned, literal). They are uploaded to the thread. */
export const MAX_CARD_EVIDENCE = 10;

function evidenceBlocks(row: CaseRow, texts: StaffTexts): Block[] {
  if (row.anonymised_at !== null) return [];
  const files = intakeEvidence(row, texts.t('card.fileFallback'));
  if (files.length === 0) return [];
  const shown = files.slice(0, MAX_CARD_EVIDENCE).map((f) => `• ${customerText(displayFileName(f.fileName), 120)}`);
  const more = files.length > MAX_CARD_EVIDENCE ? `\n${texts.t('card.evidenceMore', { count: files.length - MAX_CARD_EVIDENCE })}` : '';
  const header = more ? 'card.evidenceFirst' : files.length === 1 ? 'card.evidenceOne' : 'card.evidenceAll';
  return [
    { type: 'section', text: mrkdwn(texts.t(header, { count: files.length, max: MAX_CARD_EVIDENCE })) },
    { type: 'section', text: literal(`${shown.join('\n')}${more}`) },
  ];
}

/** The files recorded with the case at intake (the case's `evidence`), as the card lists them. */
function intakeEvidence(row: Pick<CaseRow, 'evidence'>, unnamed: string): Array<{ id: string; fileName: string }> {
  const list = Array.isArray(row.evidence) ? row.evidence : [];
  return list.flatMap((e) => (typeof e.id === 'string' ? [{ id: e.id, fileName: typeof e.fileName === 'string' ? e.fileName : unnamed }] : []));
}

// --- end of the customer's words ---

function contextElements(row: CaseRow, options: CardOptions): Block[] {
  // Prefixed before masking, so an order number is recognised as one and left readable.
  const order = row.order_ref ? [literal(customerText(options.texts.t('card.order', { ref: row.order_ref }), 150))] : [];
  return [...order, ...contextLines(row, options).map((line) => mrkdwn(line))].slice(0, 10);
}

function contextLines(row: CaseRow, options: CardOptions): string[] {
  const { texts } = options;
  const lines: string[] = [];
  const survey = options.survey;
  if (survey?.status === 'answered') {
    const nps = survey.nps !== null ? texts.t('card.csatNps', { nps: survey.nps }) : '';
    lines.push(texts.t('card.csat', { csat: survey.csat ?? '—', nps, low: survey.resolved === false ? texts.t('card.csatLow') : '' }));
  } else if (survey) {
    lines.push(texts.t('card.surveyStatus', { status: surveyStatus(texts, survey.status) }));
  }
  if (row.severity_reasons.length > 0) lines.push(texts.t('card.severityBecause', { reasons: escapeMrkdwn(texts.reasons(row.severity_reasons)) }));
  if (row.escalation) {
    const level = texts.label('escalation', row.escalation);
    lines.push(row.escalated_by ? texts.t('card.escalatedBy', { level, by: `<@${row.escalated_by}>` }) : texts.t('card.escalated', { level }));
  }
  const remedy = remedyLabel(texts, row.remedy, row.remedy_amount, options.currency);
  if (row.remedy_approval === 'pending') lines.push(texts.t('card.remedyPending', { remedy }));
  if (row.remedy_approval === 'rejected') lines.push(texts.t('card.remedyRejected', { by: `<@${row.remedy_decided_by}>` }));
  if (row.determination) {
    const approved = row.remedy_approval === 'approved' ? texts.t('card.approvedBy', { by: `<@${row.remedy_decided_by}>` }) : '';
    lines.push(texts.t('card.determination', { determination: texts.label('determination', row.determination), rootCause: rootCause(texts, row.root_cause), remedy, approved }));
  }
  return lines.slice(0, 9);
}

function surveyStatus(texts: StaffTexts, status: string): string {
  try {
    return texts.t(`card.surveyStatuses.${status}`);
  } catch {
    return status;
  }
}

/** A root cause as staff read it; English keeps the id (`product_defect`) that reports and exports use. */
export function rootCause(texts: StaffTexts, value: string | null): string {
  if (!value) return '—';
  return texts.locale === 'en' ? value : texts.label('rootCause', value);
}

function buttons(row: CaseRow, texts: StaffTexts, survey: CardSurvey | undefined): Block[] {
  const id = row.id;
  const b = (key: keyof typeof ACTIONS, style?: 'primary' | 'danger') => button(texts.t(`buttons.${key}`), ACTIONS[key], id, style);
  if (!isOpen(row.status)) {
    const skip = survey?.status === 'scheduled' ? [b('skipSurvey')] : [];
    // Closed is final until reopened: every other action on it refuses (`not_open`), so only Reopen is offered.
    if (row.status === 'closed') return [b('reopen'), ...skip];
    return [b('reopen'), b('escalate'), ...skip];
  }
  if (row.remedy_approval === 'pending') return [b('approve', 'primary'), b('reject', 'danger'), b('assign'), b('severity'), b('escalate')];
  return [...(row.owner ? [] : [b('claim', 'primary')]), b('assign'), b('severity'), b('requestInfo'), b('resolve'), b('escalate')];
}

/** The supervisors' copy of an approval request or an escalation. */
/** What the supervisors' channel is told about a case. */
export type SupervisorNotice = 'approval' | 'escalated' | 'emergency' | 'breached:first_response' | 'breached:resolution';

export function renderSupervisorNotice(row: CaseRow, notice: SupervisorNotice, options: { texts: StaffTexts; currency: string }): { text: string; blocks: Block[] } {
  const { texts } = options;
  const where = row.slack_channel ? texts.t('supervisors.where', { channel: `<#${row.slack_channel}>` }) : '';
  const base = { number: row.number, severity: texts.label('severity', row.severity), where };
  const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
  if (notice === 'approval') {
    const text = texts.t('supervisors.approval', {
      ...base,
      remedy: remedyLabel(texts, row.remedy, row.remedy_amount, options.currency),
      owner: `<@${row.owner ?? 'nobody'}>`,
      determination: texts.t(row.determination === 'responsible' ? 'supervisors.responsible' : 'supervisors.notResponsible'),
      rootCause: rootCause(texts, row.root_cause),
    });
    const approve = [button(texts.t('buttons.approve'), ACTIONS.approve, row.id, 'primary'), button(texts.t('buttons.reject'), ACTIONS.reject, row.id, 'danger')];
    return {
      text,
      blocks: [
        section(text),
        section(`${texts.t('supervisors.writtenResult')}\n${escapeMrkdwn(truncate(row.resolution_summary ?? '', 1500))}`),
        { type: 'actions', block_id: 'case_actions', elements: approve },
      ],
    };
  }
  if (notice === 'emergency') {
    const text = texts.t('supervisors.emergency', { ...base, due: texts.time(row.first_response_due_at) });
    return { text, blocks: [section(text)] };
  }
  if (notice.startsWith('breached:')) {
    const deadline = texts.label('deadline', notice === 'breached:first_response' ? 'first_response' : 'resolution');
    const text = texts.t('supervisors.breached', { ...base, deadline, owner: row.owner ? `<@${row.owner}>` : texts.t('supervisors.nobody') });
    return { text, blocks: [section(text)] };
  }
  const level = texts.label('escalation', row.escalation ?? '');
  const text = row.escalated_by ? texts.t('supervisors.escalatedBy', { ...base, level, by: `<@${row.escalated_by}>` }) : texts.t('supervisors.escalatedByCustomer', { ...base, level });
  return { text, blocks: [section(text), section(`${texts.t('supervisors.reason')}\n${escapeMrkdwn(truncate(row.escalation_reason ?? '', 1500))}`)] };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
