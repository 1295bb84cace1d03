import type { App } from '@slack/bolt';
import { findCaseByNumber } from '../../src/cases/case.repository.ts';
import { maskContact } from '../../src/privacy/mask.ts';
import { rollingDays } from '../../src/reports/report-range.ts';
import { buildReport } from '../../src/reports/report.ts';
import { listOpenCases } from '../../src/staff/staff.repository.ts';
import type { StaffActor } from '../../src/staff/staff-actor.ts';
import { caseLine, categoryLabel, remedyLabel, slackDate, STATUS_LABELS } from './slack.card.ts';
import { lookupActor, LOOKUP_FAILED, type SlackContext } from './slack.context.ts';
import { CUSTOMER_EXPORT_PATH, customerExportToken, EXPORT_PATH, exportToken } from './slack.export.ts';
import type { PrivacyService } from '../../src/privacy/privacy.service.ts';
import { refusalText } from './slack.modals.ts';
import { renderReport } from './slack.report.ts';
import { customerWordsBlocks } from './slack.customer-words.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

export const COMMAND = '/complaints';
const LIST_LIMIT = 20;
/** `breaching` lists open cases late or due within this window. */
const BREACHING_SOON_MS = 2 * 3_600_000;

const USAGE = [
  `*${COMMAND}* — cases at a glance (only you see the answers)`,
  `• \`${COMMAND} mine\` — your open cases`,
  `• \`${COMMAND} open\` — all open cases`,
  `• \`${COMMAND} breaching\` — open cases late or due within 2 hours`,
  `• \`${COMMAND} show C-2026-000123\` — one case`,
  `• \`${COMMAND} stats [7d|30d]\` — figures`,
  `• \`${COMMAND} export [7d|30d]\` — CSV download link (15 minutes)`,
  `• \`${COMMAND} campaign start <name>\` — anonymous satisfaction survey to customers who consented (supervisors)`,
  `• \`${COMMAND} campaign results <id>\` — its totals`,
  `• \`${COMMAND} export-customer case C-2026-000123\` — JSON of everything held about that case's customer, download link (works once, within 15 minutes; supervisors)`,
  `• \`${COMMAND} erase-customer case C-2026-000123\` — erase that customer's personal data (supervisors; verify who asks first)`,
].join('\n');

export interface CommandOptions {
  exportKey: Buffer;
  publicUrl?: string;
  privacy: Pick<PrivacyService, 'eraseCustomer'>;
}

/** `/complaints …`: staff only; answered ephemerally in the command's response. */
export function registerCommand(app: App, ctx: SlackContext, options: CommandOptions): void {
  app.command(COMMAND, async ({ command, ack }) => {
    const reply = (answer: string | { text: string; blocks: Array<Record<string, unknown>> }) =>
      ack(typeof answer === 'string' ? { response_type: 'ephemeral', text: answer } : { response_type: 'ephemeral', text: answer.text, blocks: answer.blocks as never });
    const actor = await lookupActor(ctx, command.user_id);
    if (!actor) return reply(LOOKUP_FAILED);
    const [sub = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const log = { component: 'slack', command: sub.toLowerCase(), user: actor.userId, role: actor.role };
    if (actor.role === 'none') {
      ctx.logger.warn(log, 'slash command refused');
      return reply(refusalText({ reason: 'not_staff' }));
    }
    ctx.logger.info(log, 'slash command');
    try {
      await reply(await answer(ctx, actor, sub.toLowerCase(), args, options));
    } catch (error) {
      ctx.logger.error({ ...log, err: { message: (error as Error).message } }, 'slash command failed');
      await reply('Something went wrong answering that. Please try again.');
    }
  });
}

async function answer(ctx: SlackContext, actor: StaffActor, sub: string, args: string[], options: CommandOptions): Promise<string | { text: string; blocks: Array<Record<string, unknown>> }> {
  const { db, catalog, clock } = ctx.deps;
  const now = clock();
  const list = (title: string, rows: Awaited<ReturnType<typeof listOpenCases>>) =>
    rows.length === 0 ? `${title}: none.` : [`*${title}* (${rows.length}${rows.length === LIST_LIMIT ? '+' : ''})`, ...rows.map((r) => caseLine(r, catalog))].join('\n');
  switch (sub) {
    case 'mine':
      return list('Your open cases', await listOpenCases(db, { owner: actor.userId, limit: LIST_LIMIT }));
    case 'open':
      return list('Open cases', await listOpenCases(db, { limit: LIST_LIMIT }));
    case 'breaching':
      return list('Late or due within 2 hours', await listOpenCases(db, { breachingAt: { now, soonMs: BREACHING_SOON_MS }, limit: LIST_LIMIT }));
    case 'show': {
      const number = (args[0] ?? '').toUpperCase();
      const row = number ? await findCaseByNumber(db, number) : undefined;
      if (!row) return `No case ${escapeMrkdwn(number || '(no number given)')}. Example: \`${COMMAND} show C-2026-000123\``;
      const lines = [
        `*${row.number}* · ${row.severity} · ${STATUS_LABELS[row.status] ?? row.status}${row.escalation ? ` · escalated: ${row.escalation}` : ''}`,
        `Owner ${row.owner ? `<@${row.owner}>` : '_unassigned_'} · team ${row.team ?? '—'} · ${escapeMrkdwn(categoryLabel(catalog, row.category))} · via ${row.channel}`,
        `Contact ${maskContact({ phone: row.contact_phone, email: row.contact_email }) ?? '—'}`,
        `First response due ${slackDate(row.first_response_due_at)}${row.first_responded_at ? ` (answered ${slackDate(row.first_responded_at)})` : ''} · resolution due ${slackDate(row.resolution_due_at)}`,
        row.determination ? `Determination ${row.determination} · root cause ${row.root_cause ?? '—'} · remedy ${remedyLabel(catalog, row.remedy, row.remedy_amount, ctx.deps.routing.resolution.currency)}${row.remedy_approval ? ` (${row.remedy_approval})` : ''}` : '',
        row.slack_channel ? `Card and thread in <#${row.slack_channel}>` : 'Card not posted yet',
      ].filter(Boolean).join('\n');
      // The description is the customer's: literal and masked, never in the mrkdwn lines or the `text` fallback.
      const words = row.description && row.anonymised_at === null ? customerWordsBlocks("*Summary* · the customer's own words (contacts masked):", row.description, 600) : [];
      return { text: lines, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines } }, ...words] };
    }
    case 'stats': {
      const days = parseDays(args[0]);
      if (!days) return `Use \`${COMMAND} stats 7d\` or \`${COMMAND} stats 30d\`.`;
      const report = await buildReport(db, rollingDays(now, days), { now, timezone: ctx.deps.policy.timezone });
      return renderReport(report, `Cases opened in the last ${days} days`);
    }
    case 'export': {
      const days = parseDays(args[0] ?? '30d');
      if (!days) return `Use \`${COMMAND} export 7d\` or \`${COMMAND} export 30d\`.`;
      if (!options.publicUrl) return 'Export links need PUBLIC_URL (the address Slack users reach this app at). Ask the operator to set it.';
      const url = `${options.publicUrl.replace(/\/$/, '')}${EXPORT_PATH}?token=${exportToken(options.exportKey, actor.userId, days, now)}`;
      return `CSV of cases opened in the last ${days} days (link valid 15 minutes, no contact details): <${url}|download>`;
    }
    case 'campaign':
      return campaign(ctx, actor, args);
    case 'export-customer':
    case 'erase-customer':
      return dataRequest(ctx, actor, sub, args, options);
    default:
      return USAGE;
  }
}

async function campaign(ctx: SlackContext, actor: StaffActor, args: string[]): Promise<string> {
  const campaigns = ctx.deps.campaigns;
  if (!campaigns) return 'Survey campaigns are not available.';
  const [action = '', ...rest] = args;
  if (action.toLowerCase() === 'start') {
    if (actor.role !== 'supervisor') return refusalText({ reason: 'not_supervisor' });
    const started = await campaigns.start({ name: rest.join(' '), startedBy: actor.userId });
    if (!started.ok) return `Give the campaign a name: \`${COMMAND} campaign start Q4 2026\``;
    return `Campaign *#${started.id}* started: the anonymous survey goes to ${started.recipients} customer(s) who consented. Totals: \`${COMMAND} campaign results ${started.id}\``;
  }
  if (action.toLowerCase() === 'results') {
    const id = Number(rest[0]);
    const results = Number.isInteger(id) && id > 0 ? await campaigns.results(id) : undefined;
    if (!results?.ok) return `No campaign ${escapeMrkdwn(rest[0] ?? '(no id given)')}. Example: \`${COMMAND} campaign results 1\``;
    const f = results.figures;
    const nps = f.npsCount > 0 ? Math.round(((f.promoters - f.detractors) / f.npsCount) * 100) : null;
    const byScore = [1, 2, 3, 4, 5].map((n) => `${n}: ${f.csatByScore[n] ?? 0}`).join(' · ');
    return [
      `*Campaign #${id}: ${escapeMrkdwn(results.name)}* (started ${slackDate(results.startedAt)}, ${results.recipients} invited; answers are anonymous)`,
      `CSAT: ${f.csatCount} answer(s), average ${f.csatAverage === null ? '—' : f.csatAverage.toFixed(2)} (${byScore})`,
      `NPS: ${nps === null ? '—' : nps} from ${f.npsCount} answer(s) (${f.promoters} promoters, ${f.detractors} detractors)`,
      `Comments: ${f.comments}`,
    ].join('\n');
  }
  return USAGE;
}

const NOT_SUPERVISOR = "Only supervisors can export or erase a customer's data. Nothing was done.";

/** `export-customer case <number>` / `erase-customer case <number>`: supervisors only; the actor in the audit is `slack:<user>`. */
async function dataRequest(ctx: SlackContext, actor: StaffActor, sub: string, args: string[], options: CommandOptions): Promise<string> {
  if (actor.role !== 'supervisor') {
    ctx.logger.warn({ component: 'slack', command: sub, user: actor.userId, role: actor.role }, 'data request refused');
    return NOT_SUPERVISOR;
  }
  const number = args[0]?.toLowerCase() === 'case' ? (args[1] ?? '').toUpperCase() : '';
  if (!/^C-\d{4}-\d{6,}$/.test(number)) return `Name the case: \`${COMMAND} ${sub} case C-2026-000123\``;
  if (sub === 'export-customer') {
    if (!options.publicUrl) return 'Export links need PUBLIC_URL (the address Slack users reach this app at). Ask the operator to set it.';
    if (!(await findCaseByNumber(ctx.deps.db, number))) return `No case ${number}.`;
    const url = `${options.publicUrl.replace(/\/$/, '')}${CUSTOMER_EXPORT_PATH}?token=${customerExportToken(options.exportKey, actor.userId, number, ctx.deps.clock())}`;
    return `Everything held about the customer of *${number}*, as JSON (the link works once, within 15 minutes; the download is recorded on their cases): <${url}|download>`;
  }
  const outcome = await options.privacy.eraseCustomer({ caseNumber: number }, `slack:${actor.userId}`);
  if (!outcome.ok) return outcome.reason === 'not_found' ? `No case ${number}: nothing was erased.` : `The customer of *${number}* was already erased. Nothing more to do.`;
  const s = outcome.summary;
  return [
    `:wastebasket: Erased the personal data of the customer of *${number}*.`,
    `Cases anonymised: ${s.cases.length > 0 ? s.cases.join(', ') : 'none'} · messages blanked ${s.caseMessagesBlanked} · files deleted ${s.attachmentsDeleted} · outbound messages deleted ${s.outboxRowsDeleted} · transcript lines deleted ${s.transcriptLinesDeleted}.`,
    "Their cards and the customer's messages in the threads are being redacted; messages staff wrote in the threads are not changed.",
  ].join('\n');
}

function parseDays(arg: string | undefined): number | undefined {
  const value = (arg ?? '7d').toLowerCase();
  return value === '7d' || value === '7' ? 7 : value === '30d' || value === '30' ? 30 : undefined;
}
