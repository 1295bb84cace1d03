import type { Db } from '../../src/db/database.ts';
import { enqueueOutbound } from '../../src/outbox/outbox.repository.ts';
import type { DeskEvent, StaffDesk } from '../../src/staff/staff-desk.ts';
import { MAX_CARD_EVIDENCE } from './slack.card.ts';
import { customerWordsBlocks, type Block } from './slack.customer-words.ts';
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

export type SupervisorNotice = 'approval' | 'escalated' | 'emergency' | 'breached:first_response' | 'breached:resolution';

/** A relayed customer message once its case is anonymised. */
export const CUSTOMER_MESSAGE_REDACTED = ':speech_balloon: *Customer:* _message removed (personal data)_';
/** The notification fallback of a relayed customer message: the bot's words only. */
export const CUSTOMER_WROTE_FALLBACK = ':speech_balloon: The customer wrote in this thread';
const CUSTOMER_WROTE_HEADER = ':speech_balloon: *Customer wrote* (their own words, shown as plain text; contacts masked):';

export const REACTION_DELIVERED = 'white_check_mark';
export const REACTION_FAILED = 'x';

const DEADLINE_NAMES = { first_response: 'first response', resolution: 'resolution' } as const;

const NOTICE_NAMES: Record<string, string> = { request_info: 'The question', result: 'The written result', reopened: 'The reopening notice' };

/**
 * The staff desk in Slack: desk events become `slack` outbox rows, one
 * ordered conversation per case (the card first, then its thread).
 */
export class SlackDesk implements StaffDesk {
  constructor(private readonly options: { supervisorsChannel?: string }) {}

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
    const why = reason === 'erasure' ? 'at the customer\'s request (erasure)' : 'because its retention period ended';
    const posts = await takeThreadPostsToRedact(trx, caseId, at);
    await this.enqueue(trx, caseId, [
      { kind: 'card', caseId },
      ...posts.map((post): SlackPayload => ({ kind: 'redact', caseId, ...post })),
      {
        kind: 'thread',
        caseId,
        text: `:lock: The customer's personal data was removed from this case ${why}. The card no longer shows it and the customer's messages in this thread are replaced; messages staff wrote here themselves were not changed.`,
      },
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
    const thread = (text: string, redacted?: string): SlackPayload => ({ kind: 'thread', caseId, text, ...(redacted !== undefined ? { redacted } : {}) });
    switch (event.type) {
      case 'case-changed':
        return (await hasQueuedCardRefresh(trx, caseId)) ? [] : [{ kind: 'card', caseId }];
      case 'customer-wrote': {
        const out: SlackPayload[] = [];
        if (event.text.trim()) {
          out.push({ kind: 'thread', caseId, text: CUSTOMER_WROTE_FALLBACK, blocks: customerWordsBlocks(CUSTOMER_WROTE_HEADER, event.text), redacted: CUSTOMER_MESSAGE_REDACTED });
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
        if (!event.ok) out.push(thread(`:x: A reply could not be delivered to the customer (${event.error ?? 'unknown error'}).`));
        return out;
      }
      case 'notice-outcome': {
        const what = NOTICE_NAMES[event.what] ?? 'The message';
        return [thread(event.ok ? `:white_check_mark: ${what} reached the customer.` : `:x: ${what} could not be delivered to the customer (${event.error ?? 'unknown error'}).`)];
      }
      case 'assigned':
        return [thread(`:bust_in_silhouette: <@${event.to}> now owns this case (${event.by ? `assigned by <@${event.by}>` : 'auto-assigned'}).`)];
      case 'approval-needed':
        return [
          thread(`:hourglass: <@${event.by}> proposed a remedy that needs a supervisor's approval. The customer is told once it is approved.`),
          ...this.supervisors(caseId, 'approval'),
        ];
      case 'remedy-decided':
        return [
          thread(
            event.approved
              ? `:white_check_mark: Remedy approved by <@${event.by}>. The customer receives the written result.`
              : `:no_entry: Remedy rejected by <@${event.by}>.${event.owner ? ` <@${event.owner}>, please revise and resolve again.` : ''}`,
          ),
        ];
      case 'escalated':
        return [thread(`:rotating_light: Escalated to *${event.level}* ${event.by ? `by <@${event.by}>` : 'at the customer\'s request'}.`), ...this.supervisors(caseId, 'escalated')];
      case 'survey-answered': {
        const [result, ...alerts] = surveyPosts(event);
        // The comment is the customer's own words: literal blocks under the result; the result alone replaces the post when the case is anonymised.
        const answered: SlackPayload = event.comment?.trim()
          ? { kind: 'thread', caseId, text: result!, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: result! } }, ...customerWordsBlocks('*Their comment* (plain text; contacts masked):', event.comment)], redacted: result! }
          : thread(result!);
        return [answered, ...alerts.map((text) => thread(text))];
      }
      case 'survey-skipped':
        return [thread(`:no_bell: <@${event.by}> chose to send no satisfaction survey for this case.`)];
      case 'emergency':
        return [thread(':rotating_light: *Major case*: emergency handling starts now. Supervisors have been notified.'), ...this.supervisors(caseId, 'emergency')];
      case 'deadline-reminder': {
        const who = event.owner ? `<@${event.owner}>` : 'Nobody owns this case yet —';
        return [thread(`:alarm_clock: ${who} the ${DEADLINE_NAMES[event.deadline]} is due <!date^${Math.floor(event.dueAt.getTime() / 1000)}^{date_short_pretty} {time}|${event.dueAt.toISOString()}>.`)];
      }
      case 'deadline-breached':
        return [
          { kind: 'card', caseId },
          thread(
            `:red_circle: *The ${DEADLINE_NAMES[event.deadline]} deadline was missed.* Supervisors have been notified${event.owner ? ` (owner <@${event.owner}>)` : ''}; the customer was told the new expectation. Use *Assign…* to reassign.`,
          ),
          ...this.supervisors(caseId, `breached:${event.deadline}`),
        ];
    }
  }

  private supervisors(caseId: number, notice: SupervisorNotice): SlackPayload[] {
    return this.options.supervisorsChannel ? [{ kind: 'supervisors', caseId, notice }] : [];
  }
}

/** The survey result in the thread; a dissatisfied answer is a separate alert. */
function surveyPosts(event: Extract<DeskEvent, { type: 'survey-answered' }>): string[] {
  const yesNo = (v: boolean | null) => (v === null ? '—' : v ? 'yes' : 'no');
  const parts = [`resolved *${yesNo(event.resolved)}*`, `CSAT *${event.csat ?? '—'}/5*`];
  if (event.nps !== null) parts.push(`NPS *${event.nps}*`);
  const credited = event.owner ? ` · credited to <@${event.owner}>` : '';
  const posts = [`:bar_chart: *Satisfaction survey answered*: ${parts.join(' · ')}${credited}`];
  if (event.low) {
    const then =
      event.action === 'reopened' ? 'The case was *reopened* with a new resolution window.'
      : event.action === 'mediation_offered' ? 'The customer was offered mediation.'
      : 'Please follow up.';
    posts.push(`:warning: *Dissatisfied customer*${event.owner ? ` (owner <@${event.owner}>)` : ''}. ${then}`);
  }
  return posts;
}
