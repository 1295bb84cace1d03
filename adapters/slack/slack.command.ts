import type { App } from '@slack/bolt';
import { findCaseByNumber } from '../../src/cases/case.repository.ts';
import { maskContact } from '../../src/privacy/mask.ts';
import { rollingDays } from '../../src/reports/report-range.ts';
import { buildReport } from '../../src/reports/report.ts';
import { listOpenCases } from '../../src/staff/staff.repository.ts';
import type { StaffActor } from '../../src/staff/staff-actor.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { caseLine, remedyLabel, rootCause } from './slack.card.ts';
import { lookupActor, type SlackContext } from './slack.context.ts';
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
    if (!actor) return reply(ctx.texts.t('refusals.lookupFailed'));
    const [sub = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const log = { component: 'slack', command: sub.toLowerCase(), user: actor.userId, role: actor.role };
    if (actor.role === 'none') {
      ctx.logger.warn(log, 'slash command refused');
      return reply(refusalText(ctx.texts, { reason: 'not_staff' }));
    }
    ctx.logger.info(log, 'slash command');
    try {
      await reply(await answer(ctx, actor, sub.toLowerCase(), args, options));
    } catch (error) {
      ctx.logger.error({ ...log, err: error }, 'slash command failed');
      await reply(ctx.texts.t('command.failed'));
    }
  });
}

async function answer(ctx: SlackContext, actor: StaffActor, sub: string, args: string[], options: CommandOptions): Promise<string | { text: string; blocks: Array<Record<string, unknown>> }> {
  const { db, clock } = ctx.deps;
  const { texts } = ctx;
  const c = (key: string, vars: Record<string, string | number> = {}) => texts.t(`command.${key}`, { command: COMMAND, ...vars });
  const now = clock();
  const list = (title: string, rows: Awaited<ReturnType<typeof listOpenCases>>) =>
    rows.length === 0 ? c('listNone', { title }) : [c('listTitle', { title, count: `${rows.length}${rows.length === LIST_LIMIT ? '+' : ''}` }), ...rows.map((r) => caseLine(r, texts))].join('\n');
  switch (sub) {
    case 'mine':
      return list(c('mine'), await listOpenCases(db, { owner: actor.userId, limit: LIST_LIMIT }));
    case 'open':
      return list(c('open'), await listOpenCases(db, { limit: LIST_LIMIT }));
    case 'breaching':
      return list(c('breaching'), await listOpenCases(db, { breachingAt: { now, soonMs: BREACHING_SOON_MS }, limit: LIST_LIMIT }));
    case 'show': {
      const number = (args[0] ?? '').toUpperCase();
      const row = number ? await findCaseByNumber(db, number) : undefined;
      if (!row) return c('noCase', { number: escapeMrkdwn(number || c('noNumber')) });
      return showCase(ctx.languages.forTeam(row.team), row, ctx.deps.routing.resolution.currency);
    }
    case 'stats': {
      const days = parseDays(args[0]);
      if (!days) return c('statsUsage');
      const report = await buildReport(db, rollingDays(now, days), { now, timezone: ctx.deps.policy.timezone });
      return renderReport(report, c('statsTitle', { days }), texts);
    }
    case 'export': {
      const days = parseDays(args[0] ?? '30d');
      if (!days) return c('exportUsage');
      if (!options.publicUrl) return c('needsPublicUrl');
      const url = `${options.publicUrl.replace(/\/$/, '')}${EXPORT_PATH}?token=${exportToken(options.exportKey, actor.userId, days, now)}`;
      return c('exportLink', { days, url });
    }
    case 'campaign':
      return campaign(ctx, actor, args);
    case 'export-customer':
    case 'erase-customer':
      return dataRequest(ctx, actor, sub, args, options);
    default:
      return c('usage');
  }
}

/** `/complaints show`: one case, in its team's language. */
function showCase(texts: StaffTexts, row: CaseRow, currency: string): { text: string; blocks: Array<Record<string, unknown>> } {
  const c = (key: string, vars: Record<string, string | number> = {}) => texts.t(`command.${key}`, { command: COMMAND, ...vars });
  const approval = row.remedy_approval ? ` (${c(`approval.${row.remedy_approval}`)})` : '';
  const lines = [
    c('showHead', {
      number: row.number,
      severity: texts.label('severity', row.severity),
      status: texts.label('status', row.status),
      escalation: row.escalation ? c('showEscalated', { level: texts.label('escalation', row.escalation) }) : '',
    }),
    c('showOwner', { owner: row.owner ? `<@${row.owner}>` : texts.t('card.unassigned'), team: row.team ?? '—', category: escapeMrkdwn(texts.category(row.category)), channel: texts.label('channel', row.channel) }),
    c('showContact', { contact: maskContact({ phone: row.contact_phone, email: row.contact_email }) ?? '—' }),
    c('showDue', {
      firstDue: texts.time(row.first_response_due_at),
      answered: row.first_responded_at ? c('showAnswered', { at: texts.time(row.first_responded_at) }) : '',
      resolutionDue: texts.time(row.resolution_due_at),
    }),
    row.determination
      ? c('showDetermination', {
          determination: texts.locale === 'en' ? row.determination : texts.label('determination', row.determination),
          rootCause: rootCause(texts, row.root_cause),
          remedy: remedyLabel(texts, row.remedy, row.remedy_amount, currency),
          approval,
        })
      : '',
    row.slack_channel ? c('showCard', { channel: `<#${row.slack_channel}>` }) : c('showNoCard'),
  ].filter(Boolean).join('\n');
  // The description is the customer's: literal and masked, never in the mrkdwn lines or the `text` fallback.
  const words = row.description && row.anonymised_at === null ? customerWordsBlocks(texts.t('card.summaryWords'), row.description, 600) : [];
  return { text: lines, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines } }, ...words] };
}

async function campaign(ctx: SlackContext, actor: StaffActor, args: string[]): Promise<string> {
  const c = (key: string, vars: Record<string, string | number> = {}) => ctx.texts.t(`command.${key}`, { command: COMMAND, ...vars });
  const campaigns = ctx.campaigns;
  if (!campaigns) return c('campaignsUnavailable');
  const [action = '', ...rest] = args;
  if (action.toLowerCase() === 'start') {
    if (actor.role !== 'supervisor') return refusalText(ctx.texts, { reason: 'not_supervisor' });
    const started = await campaigns.start({ name: rest.join(' '), startedBy: actor.userId });
    if (!started.ok) return c('campaignName');
    return c('campaignStarted', { id: started.id, recipients: started.recipients });
  }
  if (action.toLowerCase() === 'results') {
    const id = Number(rest[0]);
    const results = Number.isInteger(id) && id > 0 ? await campaigns.results(id) : undefined;
    if (!results?.ok) return c('noCampaign', { id: escapeMrkdwn(rest[0] ?? c('noId')) });
    const f = results.figures;
    const nps = f.npsCount > 0 ? Math.round(((f.promoters - f.detractors) / f.npsCount) * 100) : null;
    const byScore = [1, 2, 3, 4, 5].map((n) => `${n}: ${f.csatByScore[n] ?? 0}`).join(' · ');
    return [
      c('campaignHead', { id, name: escapeMrkdwn(results.name), at: ctx.texts.time(results.startedAt), recipients: results.recipients }),
      c('campaignCsat', { count: f.csatCount, average: f.csatAverage === null ? '—' : f.csatAverage.toFixed(2), byScore }),
      c('campaignNps', { nps: nps === null ? '—' : nps, count: f.npsCount, promoters: f.promoters, detractors: f.detractors }),
      c('campaignComments', { count: f.comments }),
    ].join('\n');
  }
  return c('usage');
}

/** `export-customer case <number>` / `erase-customer case <number>`: supervisors only; the actor in the audit is `slack:<user>`. */
async function dataRequest(ctx: SlackContext, actor: StaffActor, sub: string, args: string[], options: CommandOptions): Promise<string> {
  const c = (key: string, vars: Record<string, string | number> = {}) => ctx.texts.t(`command.${key}`, { command: COMMAND, ...vars });
  if (actor.role !== 'supervisor') {
    ctx.logger.warn({ component: 'slack', command: sub, user: actor.userId, role: actor.role }, 'data request refused');
    return c('notSupervisorData');
  }
  const number = args[0]?.toLowerCase() === 'case' ? (args[1] ?? '').toUpperCase() : '';
  if (!/^C-\d{4}-\d{6,}$/.test(number)) return c('nameCase', { sub });
  if (sub === 'export-customer') {
    if (!options.publicUrl) return c('needsPublicUrl');
    if (!(await findCaseByNumber(ctx.deps.db, number))) return c('noCaseShort', { number });
    const url = `${options.publicUrl.replace(/\/$/, '')}${CUSTOMER_EXPORT_PATH}?token=${customerExportToken(options.exportKey, actor.userId, number, ctx.deps.clock())}`;
    return c('customerExport', { number, url });
  }
  const outcome = await options.privacy.eraseCustomer({ caseNumber: number }, `slack:${actor.userId}`);
  if (!outcome.ok) return outcome.reason === 'not_found' ? c('eraseNotFound', { number }) : c('eraseAlready', { number });
  const s = outcome.summary;
  return [
    c('erased', { number }),
    c('erasedSummary', {
      cases: s.cases.length > 0 ? s.cases.join(', ') : c('erasedNone'),
      messages: s.caseMessagesBlanked,
      files: s.attachmentsDeleted,
      outbound: s.outboxRowsDeleted,
      transcript: s.transcriptLinesDeleted,
    }),
    c('erasedAfter'),
  ].join('\n');
}

function parseDays(arg: string | undefined): number | undefined {
  const value = (arg ?? '7d').toLowerCase();
  return value === '7d' || value === '7' ? 7 : value === '30d' || value === '30' ? 30 : undefined;
}
