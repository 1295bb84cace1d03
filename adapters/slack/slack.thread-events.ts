import type { App } from '@slack/bolt';
import { claimDelivery } from '../../src/cases/customer.repository.ts';
import { staffThreadMessage } from '../../src/staff/staff-reply.ts';
import { agentName } from './slack.interactions.ts';
import { ephemeral, lookupActor, type SlackContext } from './slack.context.ts';
import { refusalText } from './slack.modals.ts';
import { parseThreadMessage, REPLY_PREFIX } from './slack.reply-rule.ts';
import { findCaseByCard } from './slack.repository.ts';

interface ThreadMessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  /** Files shared with the message. */
  files?: unknown[];
}

/** Files in a `>>` reply stay in Slack: the customer receives the text only, and the staff member is told (in English, this). */
export const FILES_NOT_RELAYED = 'Only the text of your reply was sent to the customer: files attached to a reply are not relayed to customers. Describe what the file shows, or ask the customer to look at it another way.';

/** Kinds of message events that are a person writing (edits, joins and bot posts are not). */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * Messages in a case thread: by the reply rule (`>>` prefix) a staff reply
 * to the customer, otherwise an internal note. Slack redelivers events
 * (X-Slack-Retry-Num) and Bolt does not dedupe: the event_id is claimed in
 * the same transaction as the change, so a retry changes nothing.
 */
export function registerThreadEvents(app: App, ctx: SlackContext): void {
  app.event('message', async ({ event, body }) => {
    const message = event as unknown as ThreadMessageEvent;
    if (!PERSON_SUBTYPES.has(message.subtype) || message.bot_id || !message.user) return;
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const caseRef = await findCaseByCard(ctx.deps.db, message.channel, message.thread_ts);
    if (!caseRef) return;
    const texts = ctx.languages.forTeam(caseRef.team);
    const eventId = String((body as { event_id?: string }).event_id ?? `${message.channel}:${message.ts}`);
    const parsed = parseThreadMessage(message.text ?? '');
    const target = { channel: message.channel, user: message.user, threadTs: message.thread_ts };
    const actor = await lookupActor(ctx, message.user);
    const log = { component: 'slack', caseId: caseRef.id, user: message.user, kind: parsed.kind, eventId };
    if (!actor) {
      if (parsed.kind === 'reply') await ephemeral(ctx, target, `${texts.t('refusals.lookupFailed')} ${texts.t('refusals.replyNotSent')}`);
      return;
    }
    if (actor.role === 'none') {
      // Not staff: a note is simply not recorded; a reply is refused, once per event.
      if (parsed.kind === 'reply' && (await claimDelivery(ctx.deps.db, 'slack', eventId))) {
        ctx.logger.warn(log, 'staff reply refused');
        await ephemeral(ctx, target, `${refusalText(texts, { reason: 'not_staff' })} ${texts.t('refusals.messageNotSent')}`);
      }
      return;
    }
    const result = await staffThreadMessage(ctx.deps, {
      caseId: caseRef.id,
      actor,
      kind: parsed.kind,
      text: parsed.text,
      delivery: { channel: 'slack', id: eventId },
      ref: { channel: message.channel, ts: message.ts },
      agentName: parsed.kind === 'reply' ? await agentName(ctx, actor) : undefined,
    });
    if (!result.ok && result.reason === 'duplicate') {
      ctx.logger.info(log, 'duplicate Slack event ignored');
      return;
    }
    ctx.logger.info({ ...log, ok: result.ok, reason: result.ok ? undefined : result.reason }, 'case thread message');
    if (!result.ok && result.reason === 'invalid_input') await ephemeral(ctx, target, texts.t('refusals.emptyReply', { prefix: REPLY_PREFIX }));
    else if (!result.ok) await ephemeral(ctx, target, refusalText(texts, result));
    else if (parsed.kind === 'reply' && (message.files?.length ?? 0) > 0) await ephemeral(ctx, target, texts.t('refusals.filesNotRelayed'));
  });
}
