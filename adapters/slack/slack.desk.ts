import type { Db } from '../../src/db/database.ts';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import type { StaffLanguages, StaffTexts } from '../../src/staff/staff-catalog.ts';
import { caseTeam } from '../../src/staff/staff.repository.ts';
import type { DeskEvent, StaffDesk } from '../../src/cases/staff-desk.ts';
import { MAX_CARD_EVIDENCE, type SupervisorNotice } from './slack.card.ts';
import { customerWordsBlocks, type Block } from './slack.customer-words.ts';
import { milestoneThreadText } from './slack.milestones.ts';
import { caseConversationKey, hasCard, hasQueuedCardRefresh, SLACK_OUTBOX_CHANNEL, takeThreadPostsToRedact } from './slack.repository.ts';

/** Outbox payloads of the `slack` channel, delivered by SlackSender. */
export type SlackPayload =
  /** Post the case card, or update it in place: rendered from the case as it is when sent. */
  | { kind: 'card'; caseId: number }
  /**
   * A thread line; `blocks` when it carries the customer's words (then `text`, the notification fallback, does not),
   * `redacted` (the text without the customer's words): the post is recorded to be redacted later.
   */
  | { kind: 'thread'; caseId: number; text: string; blocks?: Block[]; redacted?: string }
  /** Replace a recorded thread post's text (the case was anonymised). */
  | { kind: 'redact'; caseId: number; channel: string; ts: string; text: string }
  /** A customer's file, uploaded to the thread; `from: 'intake'` for the evidence sent before the case opened. */
  | { kind: 'file'; caseId: number; attachmentId: string; from?: 'intake' }
  | { kind: 'reaction'; caseId: number; channel: string; ts: string; name: string }
  | { kind: 'supervisors'; caseId: number; notice: SupervisorNotice }
  /** The weekly report digest, rendered when queued; `period` makes it once per channel and period. */
  | { kind: 'digest'; channel: string; period: string; text: string; blocks: Array<Record<string, unknown>> };


/** A relayed customer message once its case is anonymised (as STAFF_LOCALE=en shows it; thread.customerMessageRedacted). */
export const CUSTOMER_MESSAGE_REDACTED = ':speech_balloon: *Customer:* _message removed (personal data)_';
/** The notification fallback of a relayed customer message: the bot's words only (English; thread.customerWroteFallback). */
export const CUSTOMER_WROTE_FALLBACK = ':speech_balloon: The customer wrote in this thread';

export const REACTION_DELIVERED = 'white_check_mark';
export const REACTION_FAILED = 'x';

const NOTICE_KINDS = new Set(['request_info', 'result', 'reopened']);

/**
 * The staff desk in Slack: desk events become `slack` outbox rows, one
 * ordered conversation per case (the card first, then its thread).
 */
export class SlackDesk implements StaffDesk {
  constructor(private readonly options: { supervisorsChannel?: string; languages: StaffLanguages }) {}

  /** A case's thread is written in its team's language (rendered when queued). */
  private async texts(trx: Db, caseId: number): Promise<StaffTexts> {
    const { languages } = this.options;
    return languages.perTeam ? languages.forTeam(await caseTeam(trx, caseId)) : languages.default;
  }

  async publish(trx: Db, caseId: number, event: DeskEvent): Promise<void> {
    await this.enqueue(trx, caseId, await this.payloads(trx, caseId, event));
  }

  /**
   * The case's personal fields were removed: the card is re-rendered from
   * the anonymised case, the bot's posts that carry the customer's words
   * (their relayed messages, a survey comment) are edited to their redacted
   * text, each once, and the thread says so. Messages staff wrote themselves
   * cannot be edited by the bot (see docs/slack.md, limits). A case whose
   * card was never posted gets nothing.
   */
  async caseAnonymised(trx: Db, caseId: number, reason: 'retention' | 'erasure', at: Date): Promise<void> {
    if (!(await hasCard(trx, caseId))) return;
    const posts = await takeThreadPostsToRedact(trx, caseId, at);
    await this.enqueue(trx, caseId, [
      { kind: 'card', caseId },
      ...posts.map((post): SlackPayload => ({ kind: 'redact', caseId, ...post })),
      { kind: 'thread', caseId, text: (await this.texts(trx, caseId)).t(reason === 'erasure' ? 'thread.anonymisedErasure' : 'thread.anonymisedRetention') },
    ]);
  }

  /** Queues the redaction of a thread post recorded after its case was anonymised (the post was delivered while that ran). */
  async redactLatePost(trx: Db, caseId: number, post: { channel: string; ts: string; text: string }): Promise<void> {
    await this.enqueue(trx, caseId, [{ kind: 'redact', caseId, ...post }]);
  }

  private async enqueue(trx: Db, caseId: number, payloads: SlackPayload[]): Promise<void> {
    await enqueueOutbound(
      trx,
      payloads.map((payload) => ({
        customerId: null,
        caseId,
        channel: SLACK_OUTBOX_CHANNEL,
        conversationKey: caseConversationKey(caseId),
        address: {},
        payload: payload as unknown as Record<string, unknown>,
      })),
    );
  }

  private async payloads(trx: Db, caseId: number, event: DeskEvent): Promise<SlackPayload[]> {
    const texts = await this.texts(trx, caseId);
    const t = (key: string, vars?: Record<string, string | number>) => texts.t(`thread.${key}`, vars);
    const thread = (text: string, redacted?: string): SlackPayload => ({ kind: 'thread', caseId, text, ...(redacted !== undefined ? { redacted } : {}) });
    const user = (id: string) => `<@${id}>`;
    switch (event.type) {
      case 'case-changed':
        return (await hasQueuedCardRefresh(trx, caseId)) ? [] : [{ kind: 'card', caseId }];
      case 'customer-wrote': {
        const out: SlackPayload[] = [];
        if (event.text.trim()) {
          out.push({ kind: 'thread', caseId, text: t('customerWroteFallback'), blocks: customerWordsBlocks(t('customerWrote'), event.text), redacted: t('customerMessageRedacted') });
        }
        for (const attachmentId of event.attachmentIds) out.push({ kind: 'file', caseId, attachmentId });
        return out;
      }
      case 'intake-evidence':
        // Slack takes about one post a second per channel: a case brings at most this many files to its thread.
        return event.attachmentIds.slice(0, MAX_CARD_EVIDENCE).map((attachmentId): SlackPayload => ({ kind: 'file', caseId, attachmentId, from: 'intake' }));
      case 'reply-outcome': {
        const channel = String(event.ref.channel ?? '');
        const ts = String(event.ref.ts ?? '');
        const out: SlackPayload[] = channel && ts ? [{ kind: 'reaction', caseId, channel, ts, name: event.ok ? REACTION_DELIVERED : REACTION_FAILED }] : [];
        if (!event.ok) out.push(thread(t('replyFailed', { error: event.error ?? t('unknownError') })));
        return out;
      }
      case 'notice-outcome': {
        const what = t(`noticeNames.${NOTICE_KINDS.has(event.what) ? event.what : 'other'}`);
        return [thread(event.ok ? t('noticeDelivered', { what }) : t('noticeFailed', { what, error: event.error ?? t('unknownError') }))];
      }
      case 'assigned':
        return [thread(event.by ? t('assignedBy', { to: user(event.to), by: user(event.by) }) : t('autoAssigned', { to: user(event.to) }))];
      case 'approval-needed':
        return [thread(t('approvalNeeded', { by: user(event.by) })), ...this.supervisors(caseId, 'approval')];
      case 'remedy-decided':
        return [
          thread(
            event.approved
              ? t('remedyApproved', { by: user(event.by) })
              : `${t('remedyRejected', { by: user(event.by) })}${event.owner ? t('remedyRevise', { owner: user(event.owner) }) : ''}`,
          ),
        ];
      case 'escalated': {
        const level = texts.label('escalation', event.level);
        return [thread(event.by ? t('escalatedBy', { level, by: user(event.by) }) : t('escalatedByCustomer', { level })), ...this.supervisors(caseId, 'escalated')];
      }
      case 'survey-answered': {
        const [result, ...alerts] = surveyPosts(event, texts);
        // The comment is the customer's own words: literal blocks under the result; the result alone replaces the post when the case is anonymised.
        const answered: SlackPayload = event.comment?.trim()
          ? { kind: 'thread', caseId, text: result!, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: result! } }, ...customerWordsBlocks(t('surveyComment'), event.comment)], redacted: result! }
          : thread(result!);
        return [answered, ...alerts.map((text) => thread(text))];
      }
      case 'survey-skipped':
        return [thread(t('surveySkipped', { by: user(event.by) }))];
      case 'emergency':
        return [thread(t('emergency')), ...this.supervisors(caseId, 'emergency')];
      case 'deadline-reminder': {
        const vars = { deadline: texts.label('deadline', event.deadline), due: texts.time(event.dueAt) };
        return [thread(event.owner ? t('reminderOwner', { ...vars, owner: user(event.owner) }) : t('reminderNobody', vars))];
      }
      case 'deadline-breached': {
        const deadline = texts.label('deadline', event.deadline);
        return [
          { kind: 'card', caseId },
          thread(event.owner ? t('breachedOwner', { deadline, owner: user(event.owner) }) : t('breached', { deadline })),
          ...this.supervisors(caseId, `breached:${event.deadline}`),
        ];
      }
      case 'milestone-reminder':
      case 'milestone-breached':
      case 'milestone-done':
      case 'progress-update': {
        const notice = milestoneThreadText(event, texts);
        return notice.card && !(await hasQueuedCardRefresh(trx, caseId)) ? [{ kind: 'card', caseId }, thread(notice.text)] : [thread(notice.text)];
      }
    }
  }

  private supervisors(caseId: number, notice: SupervisorNotice): SlackPayload[] {
    return this.options.supervisorsChannel ? [{ kind: 'supervisors', caseId, notice }] : [];
  }
}

/** The survey result in the thread; a dissatisfied answer is a separate alert. */
function surveyPosts(event: Extract<DeskEvent, { type: 'survey-answered' }>, texts: StaffTexts): string[] {
  const t = (key: string, vars?: Record<string, string | number>) => texts.t(`thread.${key}`, vars);
  const yesNo = (v: boolean | null) => (v === null ? '—' : texts.t(v ? 'labels.yes' : 'labels.no'));
  const parts = [t('surveyResolved', { value: yesNo(event.resolved) }), t('surveyCsat', { value: event.csat ?? '—' })];
  if (event.nps !== null) parts.push(t('surveyNps', { value: event.nps }));
  const credited = event.owner ? t('surveyCredited', { owner: `<@${event.owner}>` }) : '';
  const posts = [t('surveyAnswered', { parts: parts.join(' · '), credited })];
  if (event.low) {
    const then = t(event.action === 'reopened' ? 'thenReopened' : event.action === 'mediation_offered' ? 'thenMediation' : 'thenFollowUp');
    posts.push(event.owner ? t('dissatisfiedOwner', { owner: `<@${event.owner}>`, then }) : t('dissatisfied', { then }));
  }
  return posts;
}
