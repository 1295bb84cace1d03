import type { App } from '@slack/bolt';
import { findCaseById } from '../../src/cases/case.repository.ts';
import { assignCase } from '../../src/staff/assign-case.ts';
import { claimCase } from '../../src/staff/claim-case.ts';
import { changeSeverity } from '../../src/staff/change-severity.ts';
import { decideRemedy } from '../../src/staff/decide-remedy.ts';
import { escalateCase } from '../../src/staff/escalate-case.ts';
import { reopenCase } from '../../src/staff/reopen-case.ts';
import { requestInfo } from '../../src/staff/request-info.ts';
import { revealContact } from '../../src/staff/reveal-contact.ts';
import { skipSurvey } from '../../src/staff/skip-survey.ts';
import { resolveCase, type Resolution } from '../../src/staff/resolve-case.ts';
import type { StaffActor } from '../../src/staff/staff-actor.ts';
import type { StaffResult } from '../../src/staff/staff-action.ts';
import { ACTIONS, renderContact } from './slack.card.ts';
import { caseTexts, ephemeral, lookupActor, type SlackContext } from './slack.context.ts';
import { assignView, escalateView, FIELD_BLOCKS, parseMeta, readValues, refusalText, requestInfoView, resolveView, severityView, VIEWS, type ViewMeta } from './slack.modals.ts';
import { MILESTONE_ACTION_PREFIX, MILESTONE_VIEW, milestoneView, type MilestoneViewMeta } from './slack.milestones.ts';
import { loadCaseMilestones } from '../../src/sla/case-milestones.ts';
import { markMilestone } from '../../src/staff/mark-milestone.ts';

interface ButtonBody {
  type: string;
  user: { id: string };
  trigger_id: string;
  channel?: { id: string };
}

/**
 * Card buttons and modal submissions: each one checks the user's role, then
 * calls one staff use case. Refusals are shown only to the user; the card
 * itself changes through the outbox.
 */
export function registerInteractions(app: App, ctx: SlackContext): void {
  app.action(/^case_/, async ({ ack, body, action }) => {
    await ack();
    const button = action as { type: string; action_id: string; value?: string };
    const press = body as unknown as ButtonBody;
    if (press.type !== 'block_actions' || button.type !== 'button') return;
    const caseId = Number(button.value);
    const target = { channel: press.channel?.id, user: press.user.id };
    const texts = await caseTexts(ctx, caseId);
    const actor = await lookupActor(ctx, press.user.id);
    if (!actor) return ephemeral(ctx, target, texts.t('refusals.lookupFailed'));
    const log = { component: 'slack', action: button.action_id, caseId, user: actor.userId, role: actor.role };
    if (actor.role === 'none' || !Number.isInteger(caseId)) {
      ctx.logger.warn(log, 'staff action refused');
      return ephemeral(ctx, target, refusalText(texts, { reason: 'not_staff' }));
    }
    let result: StaffResult | undefined;
    switch (button.action_id) {
      case ACTIONS.claim:
        result = await claimCase(ctx.deps, { caseId, actor });
        break;
      case ACTIONS.reopen:
        result = await reopenCase(ctx.deps, { caseId, actor });
        break;
      case ACTIONS.skipSurvey:
        result = await skipSurvey(ctx.deps, { caseId, actor });
        break;
      case ACTIONS.revealContact: {
        const revealed = await revealContact(ctx.deps, { caseId, actor, via: 'slack' });
        // The contact goes to this user only; the log line carries ids and the outcome, never the contact.
        ctx.logger.info({ ...log, ok: revealed.ok, reason: revealed.ok ? undefined : revealed.reason }, 'staff action');
        return ephemeral(ctx, target, revealed.ok ? renderContact(revealed.caseRow, texts) : refusalText(texts, revealed));
      }
      case ACTIONS.approve:
      case ACTIONS.reject:
        result = await decideRemedy(ctx.deps, { caseId, actor, approve: button.action_id === ACTIONS.approve });
        break;
      default:
        if (button.action_id.startsWith(MILESTONE_ACTION_PREFIX)) return openMilestoneModal(ctx, button.action_id.slice(MILESTONE_ACTION_PREFIX.length), caseId, press, target);
        return openModal(ctx, button.action_id, caseId, press, target);
    }
    ctx.logger.info({ ...log, ok: result.ok, reason: result.ok ? undefined : result.reason }, 'staff action');
    if (!result.ok) await ephemeral(ctx, target, refusalText(texts, result));
  });

  app.view(/^case_/, async ({ ack, body, view }) => {
    const meta = parseMeta(view.private_metadata);
    const firstBlock = ((view.blocks ?? []) as Array<{ block_id?: string; type: string }>).find((b) => b.type === 'input')?.block_id ?? 'value';
    const fail = (block: string, text: string) => ack({ response_action: 'errors', errors: { [block]: text } });
    if (!meta) return fail(firstBlock, ctx.texts.t('modals.outOfDate'));
    const texts = await caseTexts(ctx, meta.caseId);
    const actor = await lookupActor(ctx, body.user.id);
    if (!actor) return fail(firstBlock, texts.t('refusals.lookupFailed'));
    const log = { component: 'slack', view: view.callback_id, caseId: meta.caseId, user: actor.userId, role: actor.role };
    if (actor.role === 'none') {
      ctx.logger.warn(log, 'staff action refused');
      return fail(firstBlock, refusalText(texts, { reason: 'not_staff' }));
    }
    const result = await submit(ctx, view.callback_id, meta, actor, readValues(view));
    ctx.logger.info({ ...log, ok: result.ok, reason: result.ok ? undefined : result.reason }, 'staff action');
    if (result.ok) return ack();
    const block = result.field ? (FIELD_BLOCKS[result.field] ?? firstBlock) : firstBlock;
    return fail(block, refusalText(texts, result));
  });
}

async function openModal(ctx: SlackContext, actionId: string, caseId: number, press: ButtonBody, target: { channel?: string; user: string }): Promise<void> {
  const row = await findCaseById(ctx.deps.db, caseId);
  if (!row) return ephemeral(ctx, target, refusalText(ctx.texts, { reason: 'not_found' }));
  const texts = ctx.languages.forTeam(row.team);
  const meta: ViewMeta = { caseId, ...(target.channel ? { channel: target.channel } : {}) };
  const view =
    actionId === ACTIONS.assign ? assignView(row, texts, meta)
    : actionId === ACTIONS.severity ? severityView(row, ctx.deps.policy.severity.levels, texts, meta)
    : actionId === ACTIONS.requestInfo ? requestInfoView(row, texts, meta)
    : actionId === ACTIONS.resolve ? resolveView(row, ctx.deps.routing, texts, meta)
    : actionId === ACTIONS.escalate ? escalateView(row, texts, meta)
    : undefined;
  if (!view) return;
  try {
    await ctx.client.views.open({ trigger_id: press.trigger_id, view: view as never });
  } catch (error) {
    ctx.logger.warn({ component: 'slack', action: actionId, caseId, err: error }, 'could not open modal');
    await ephemeral(ctx, target, texts.t('modals.openFailed'));
  }
}

/** A milestone's button: the modal to mark it reached (with a note) or skip it (with a reason). */
async function openMilestoneModal(ctx: SlackContext, milestoneId: string, caseId: number, press: ButtonBody, target: { channel?: string; user: string }): Promise<void> {
  const row = await findCaseById(ctx.deps.db, caseId);
  if (!row) return ephemeral(ctx, target, refusalText(ctx.texts, { reason: 'not_found' }));
  const texts = ctx.languages.forTeam(row.team);
  const milestone = (await loadCaseMilestones(ctx.deps.db, row, ctx.deps.policy, ctx.deps.clock())).find((m) => m.spec.id === milestoneId);
  if (!milestone || milestone.done) return ephemeral(ctx, target, refusalText(texts, { reason: 'duplicate' }));
  const meta: MilestoneViewMeta = { caseId, milestone: milestoneId, ...(target.channel ? { channel: target.channel } : {}) };
  try {
    await ctx.client.views.open({ trigger_id: press.trigger_id, view: milestoneView(row, milestone, texts, meta) as never });
  } catch (error) {
    ctx.logger.warn({ component: 'slack', action: 'case_milestone', caseId, code: (error as { data?: { error?: string } }).data?.error }, 'could not open modal');
    await ephemeral(ctx, target, texts.t('modals.openFailed'));
  }
}

async function submit(ctx: SlackContext, callbackId: string, meta: ViewMeta, actor: StaffActor, values: Record<string, string | undefined>): Promise<StaffResult> {
  const { deps } = ctx;
  const caseId = meta.caseId;
  switch (callbackId) {
    case VIEWS.assign: {
      const assignee = values.assignee ?? '';
      const assigneeRole = assignee ? await ctx.directory.role(assignee).catch(() => 'none' as const) : 'none';
      return assignCase(deps, { caseId, actor, assignee, assigneeRole });
    }
    case VIEWS.severity:
      return changeSeverity(deps, { caseId, actor, severity: values.severity ?? '' });
    case VIEWS.requestInfo:
      return requestInfo(deps, { caseId, actor, question: values.question ?? '', agentName: await agentName(ctx, actor) });
    case VIEWS.resolve: {
      const resolution: Resolution = {
        summary: values.summary ?? '',
        remedy: values.remedy ?? 'none',
        amount: values.amount?.trim().replace(',', '.') || null,
        determination: values.determination as Resolution['determination'],
        rootCause: values.root_cause ?? '',
      };
      return resolveCase(deps, { caseId, actor, resolution });
    }
    case VIEWS.escalate:
      return escalateCase(deps, { caseId, actor, level: values.level ?? '', reason: values.reason ?? '' });
    case MILESTONE_VIEW:
      return markMilestone(deps, { caseId, actor, milestoneId: String((meta as Partial<MilestoneViewMeta>).milestone ?? ''), skip: values.outcome === 'skipped', note: values.note });
    default:
      return { ok: false, reason: 'invalid_input' };
  }
}

export async function agentName(ctx: SlackContext, actor: StaffActor): Promise<string | undefined> {
  return ctx.deps.attribution === 'agent' ? ctx.directory.displayName(actor.userId) : undefined;
}
