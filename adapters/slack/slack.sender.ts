import { findCaseById } from '../../src/cases/case.repository.ts';
import type { DeliveryResult, OutboxSender } from '../../src/channels/contract.ts';
import type { Db } from '../../src/db/database.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import type { Logger } from '../../src/logger.ts';
import type { Policy } from '../../src/policy.ts';
import { loadCaseMilestones } from '../../src/sla/case-milestones.ts';
import type { StaffLanguages } from '../../src/staff/staff-catalog.ts';
import { renderCard, renderSupervisorNotice } from './slack.card.ts';
import { classifySlackError, isSlackError, type SlackClient, type SlackHealth } from './slack.client.ts';
import type { SlackDesk, SlackPayload } from './slack.desk.ts';
import { customerText, displayFileName } from './slack.customer-words.ts';
import { latestSurveyOfCase } from '../../src/surveys/survey.repository.ts';
import { readAttachment, saveCardMessage, saveThreadPost, SLACK_OUTBOX_CHANNEL } from './slack.repository.ts';
import { RateLimiter } from '../../src/outbox/rate-limiter.ts';

export interface SlackSenderDeps {
  db: Db;
  client: SlackClient;
  health: SlackHealth;
  /** A case's card, notices and file comments are in its team's language. */
  languages: StaffLanguages;
  logger: Logger;
  clock: () => Date;
  defaultChannel: string;
  supervisorsChannel?: string;
  currency: string;
  /** Paces posts per Slack channel (tests inject one on a fake clock). */
  pacer?: RateLimiter;
  /** Queues the redaction of a post delivered after its case was anonymised. */
  desk: Pick<SlackDesk, 'redactLatePost'>;
  outboxWritten?: () => void;
  /** The policy, for the case's milestones on the card (issue 18). */
  policy?: Policy;
}

/**
 * Posts to one Slack channel stay near Slack's "about one message per second
 * per channel": a short burst, then one a second, per Slack channel (the
 * outbox's own buckets are per case conversation, and many cases share a
 * channel). Per process: several instances each keep their own pace, and
 * Slack's 429 + Retry-After (honoured by the outbox) covers the rest.
 */
export const SLACK_CHANNEL_PACE = { channel: 'slack-channel-pace', rateLimit: { perConversation: { burst: 4, perSecond: 1 } } } as const;

class CaseGoneError extends Error {}

class TargetError extends Error {
  constructor(
    readonly scope: string,
    override readonly cause: unknown,
  ) {
    super('slack call failed');
  }
}

/**
 * Delivers `slack` outbox rows: the case card (posted once, then updated in
 * place), thread lines, files (files.getUploadURLExternal → upload →
 * files.completeUploadExternal) and reactions. Errors are returned, never
 * thrown: 429 with its Retry-After, workspace problems (archived channel,
 * bot not in channel) retried slowly and reported on /healthz.
 */
export class SlackSender implements OutboxSender<SlackPayload> {
  readonly channel = SLACK_OUTBOX_CHANNEL;
  private readonly pacer: RateLimiter;

  constructor(private readonly deps: SlackSenderDeps) {
    this.pacer = deps.pacer ?? new RateLimiter();
  }

  /** Resolves when a post to `channel` may go out. */
  private async pace(channel: string): Promise<void> {
    await this.pacer.acquire(SLACK_CHANNEL_PACE, channel);
  }

  async send(_address: Record<string, unknown>, payload: SlackPayload): Promise<DeliveryResult> {
    try {
      const externalId = await this.deliver(payload);
      return { ok: true, externalId };
    } catch (error) {
      const scope = error instanceof TargetError ? error.scope : 'slack';
      const cause = error instanceof TargetError ? error.cause : error;
      const failure = cause instanceof CaseGoneError ? { code: 'case_not_found', permanent: true, setup: false } : classifySlackError(cause);
      if (failure.setup) this.deps.health.problem(failure.code.startsWith('missing_scope') ? 'auth' : scope, failure.code);
      else if (!failure.permanent && failure.code !== 'ratelimited') this.deps.health.problem('api', failure.code);
      this.deps.logger.warn({ component: 'slack', kind: payload.kind, caseId: 'caseId' in payload ? payload.caseId : undefined, scope, code: failure.code }, 'Slack delivery failed');
      const retryAfterMs = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
      return { ok: false, permanent: failure.permanent, error: failure.code, ...(retryAfterMs ? { retryAfterMs } : {}) };
    }
  }

  private async deliver(payload: SlackPayload): Promise<string | undefined> {
    switch (payload.kind) {
      case 'card':
        return (await this.card(payload.caseId, true)).ts;
      case 'thread': {
        const card = await this.card(payload.caseId, false);
        await this.pace(card.channel);
        const posted = await this.call(card.channel, () =>
          this.deps.client.chat.postMessage({
            channel: card.channel,
            thread_ts: card.ts,
            text: payload.text,
            ...(payload.blocks ? { blocks: payload.blocks as never } : {}),
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        if (payload.redacted !== undefined && posted.ts) await this.recordPost(payload.caseId, String(posted.channel ?? card.channel), String(posted.ts), payload.redacted);
        return posted.ts;
      }
      case 'redact':
        await this.pace(payload.channel);
        try {
          // The blocks are replaced too: an update without them would keep the customer's words.
          const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: payload.text } }];
          await this.call(payload.channel, () => this.deps.client.chat.update({ channel: payload.channel, ts: payload.ts, text: payload.text, blocks }));
        } catch (error) {
          // Deleted by hand: nothing left to redact.
          if (!(error instanceof TargetError && isSlackError(error.cause, 'message_not_found'))) throw error;
        }
        return undefined;
      case 'file':
        await this.file(payload.caseId, payload.attachmentId, payload.from);
        return undefined;
      case 'reaction':
        try {
          await this.call(payload.channel, () => this.deps.client.reactions.add({ channel: payload.channel, timestamp: payload.ts, name: payload.name }));
        } catch (error) {
          if (!(error instanceof TargetError && isSlackError(error.cause, 'already_reacted'))) throw error;
        }
        return undefined;
      case 'supervisors': {
        const channel = this.deps.supervisorsChannel;
        const row = await findCaseById(this.deps.db, payload.caseId);
        if (!channel || !row) return undefined;
        const notice = renderSupervisorNotice(row, payload.notice, { texts: this.deps.languages.forTeam(row.team), currency: this.deps.currency });
        await this.pace(channel);
        const posted = await this.call(channel, () => this.deps.client.chat.postMessage({ channel, text: notice.text, blocks: notice.blocks as never }));
        return posted.ts;
      }
      case 'digest': {
        await this.pace(payload.channel);
        const posted = await this.call(payload.channel, () =>
          this.deps.client.chat.postMessage({ channel: payload.channel, text: payload.text, blocks: payload.blocks as never, unfurl_links: false }),
        );
        return posted.ts;
      }
    }
  }

  /** The case's card: updated in place when `refresh`, posted when it does not exist yet. */
  private async card(caseId: number, refresh: boolean): Promise<{ channel: string; ts: string; team: string | null }> {
    const row = await findCaseById(this.deps.db, caseId);
    if (!row) throw new CaseGoneError();
    if (row.slack_channel && row.slack_ts) {
      const card = { channel: row.slack_channel, ts: row.slack_ts, team: row.team };
      if (!refresh) return card;
      const view = await this.render(row);
      try {
        await this.call(card.channel, () => this.deps.client.chat.update({ channel: card.channel, ts: card.ts, text: view.text, blocks: view.blocks as never }));
        return card;
      } catch (error) {
        // A card deleted by hand is posted again rather than lost.
        if (!(error instanceof TargetError && isSlackError(error.cause, 'message_not_found'))) throw error;
      }
    }
    const channel = row.slack_channel ?? this.deps.defaultChannel;
    const view = await this.render(row);
    await this.pace(channel);
    const posted = await this.call(channel, () => this.deps.client.chat.postMessage({ channel, text: view.text, blocks: view.blocks as never, unfurl_links: false }));
    const ts = String(posted.ts);
    await saveCardMessage(this.deps.db, caseId, String(posted.channel ?? channel), ts);
    return { channel: String(posted.channel ?? channel), ts, team: row.team };
  }

  /** Remembers a post carrying the customer's words; one delivered while its case was being anonymised is redacted at once. */
  private async recordPost(caseId: number, channel: string, ts: string, redacted: string): Promise<void> {
    const late = await this.deps.db.transaction().execute(async (trx) => {
      const anonymised = await saveThreadPost(trx, { caseId, channel, ts, redactedText: redacted }, this.deps.clock());
      if (anonymised) await this.deps.desk.redactLatePost(trx, caseId, { channel, ts, text: redacted });
      return anonymised;
    });
    if (late) this.deps.outboxWritten?.();
  }

  private async file(caseId: number, attachmentId: string, from?: 'intake'): Promise<void> {
    const attachment = await readAttachment(this.deps.db, attachmentId);
    if (!attachment?.content) return; // erased or never stored: nothing to show
    const card = await this.card(caseId, false);
    const content = Buffer.from(attachment.content);
    const { client } = this.deps;
    // The name is the customer's: shown without bidi or zero-width tricks, contacts masked.
    const fileName = customerText(displayFileName(attachment.fileName), 120);
    const upload = await this.call('upload', () => client.files.getUploadURLExternal({ filename: fileName, length: content.length }));
    const response = await fetch(String(upload.upload_url), { method: 'POST', body: content, headers: { 'content-type': attachment.mimeType } });
    if (!response.ok) throw new TargetError('upload', Object.assign(new Error('upload refused'), { code: `upload_http_${response.status}` }));
    await this.pace(card.channel);
    await this.call(card.channel, () =>
      client.files.completeUploadExternal({
        files: [{ id: String(upload.file_id), title: fileName }],
        channel_id: card.channel,
        thread_ts: card.ts,
        initial_comment: this.deps.languages.forTeam(card.team).t(from === 'intake' ? 'thread.intakeFile' : 'thread.customerFile'),
      }),
    );
  }

  private async render(row: CaseRow) {
    const survey = await latestSurveyOfCase(this.deps.db, row.id);
    const now = this.deps.clock();
    const milestones = this.deps.policy ? await loadCaseMilestones(this.deps.db, row, this.deps.policy, now) : [];
    return renderCard(row, { texts: this.deps.languages.forTeam(row.team), currency: this.deps.currency, now, ...(survey ? { survey } : {}), ...(milestones.length > 0 ? { milestones } : {}) });
  }

  /** Runs one Web API call against `scope` (a channel id): success clears that scope's problem. */
  private async call<T>(scope: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.deps.health.ok(scope);
      this.deps.health.ok('api');
      return result;
    } catch (error) {
      throw new TargetError(scope, error);
    }
  }
}
