import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import { Telegraf, TelegramError, type Context } from 'telegraf';
import type { AppContext, ChannelModule } from '../channel-module.ts';
import type { InboundMessage } from '../../src/channels/contract.ts';
import { fetchAllowedFile } from '../../src/channels/file-fetch.ts';
import { errorBody, ErrorCode, InboundOverloaded, serializeError } from '../../src/errors.ts';
import { downloadRefusal, receiveEvidence, storeEvidence, type Downloaded } from '../../src/inbound/evidence-intake.ts';
import { mapUpdate, TELEGRAM_DOWNLOAD_LIMIT, type TelegramFileRef } from './telegram.mapper.ts';
import { backoffMs, UpdatePolling } from './telegram.polling.ts';
import { TelegramSender } from './telegram.sender.ts';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramOptions {
  token: string;
  apiRoot?: string;
  /** Webhook mode when set (the webhook is registered at start); long polling otherwise. */
  publicUrl?: string;
  webhookSecret?: string;
  /** Long polling: tries of one update before it is dropped. */
  updateAttempts: number;
  /** Hosts files are downloaded from (see TELEGRAM_FILE_HOSTS). */
  fileHosts: readonly string[];
}

/**
 * The Telegram customer channel (telegraf). Translates updates to
 * InboundMessage for the conversation service and delivers its outbox rows;
 * decides nothing about the conversation.
 */
export class TelegramChannel implements ChannelModule {
  readonly name = 'telegram';
  readonly sender: TelegramSender;
  private readonly bot: Telegraf;
  private readonly botId: string;
  private readonly secret: string;
  private readonly mode: 'webhook' | 'polling';
  private error: string | undefined;
  private stopped = false;
  private polling: UpdatePolling | undefined;
  /** Per webhook request: a callback query to answer in its response (see answerButton). */
  private readonly webhookAnswers = new WeakMap<object, { callbackQueryId?: string }>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: TelegramOptions,
  ) {
    this.botId = options.token.split(':')[0] ?? 'bot';
    // webhookReply: false, or telegraf writes some answers into the webhook response instead of sending them.
    this.bot = new Telegraf(options.token, { telegram: { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) } });
    this.bot.use((context) => this.onUpdate(context));
    this.bot.catch((error, context) => {
      // Refused under load: counted and logged by the conversation service; redelivered (webhook 503) or tried again (polling).
      if (error instanceof InboundOverloaded) throw error;
      this.ctx.logger.error({ channel: 'telegram', updateId: context.update.update_id, err: error }, 'telegram update failed');
      // Webhook: a 500 makes Telegram deliver the update again (it is idempotent). Polling: UpdatePolling tries it again.
      throw error;
    });
    this.sender = new TelegramSender(this.bot.telegram);
    this.mode = options.publicUrl ? 'webhook' : 'polling';
    this.secret = options.webhookSecret ?? createHmac('sha256', options.token).update('hearken telegram webhook').digest('hex');
  }

  mount(app: Express): void {
    if (this.mode !== 'webhook') return;
    app.post(TELEGRAM_WEBHOOK_PATH, (req, res, next) => {
      if (!this.secretMatches(req.get('x-telegram-bot-api-secret-token'))) {
        res.status(403).json(errorBody(ErrorCode.Forbidden, 'Invalid secret token.'));
        return;
      }
      next();
    }, express.json({ limit: '1mb' }), (req, res) => this.onWebhook(req, res));
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (this.mode === 'webhook') void this.registerWebhook(1);
    else this.startPolling();
    this.ctx.logger.info({ channel: 'telegram', mode: this.mode }, 'telegram channel on');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.polling) await Promise.race([this.polling.stop(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  lastError(): string | undefined {
    return this.error;
  }

  private async onWebhook(req: Request, res: Response): Promise<void> {
    const update = req.body as { update_id?: unknown } | undefined;
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
      res.status(400).json(errorBody(ErrorCode.InvalidUpdate, 'Not a Telegram update.'));
      return;
    }
    const answer: { callbackQueryId?: string } = {};
    this.webhookAnswers.set(update, answer);
    await this.bot.handleUpdate(update as Parameters<Telegraf['handleUpdate']>[0]);
    // Telegram runs one Bot API method given in the webhook response: the button's answer rides along.
    if (answer.callbackQueryId) res.status(200).json({ method: 'answerCallbackQuery', callback_query_id: answer.callbackQueryId });
    else res.status(200).end();
  }

  /**
   * Stops the button's spinner in the customer's app. In webhook mode the
   * answer goes in the webhook response (a Bot API call fewer per button
   * press; its result is not needed); with long polling it is a call.
   */
  private answerButton(context: Context, callbackQueryId: string): void {
    const answer = this.webhookAnswers.get(context.update);
    if (answer) answer.callbackQueryId = callbackQueryId;
    else void this.answerCallback(callbackQueryId);
  }

  private secretMatches(given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async onUpdate(context: Context): Promise<void> {
    const { policy, logger, db, conversations } = this.ctx;
    const mapped = mapUpdate(context.update, { botId: this.botId, limits: policy.attachments });
    if (mapped.kind === 'ignored') {
      logger.info({ channel: 'telegram', updateId: context.update.update_id, reason: mapped.reason }, 'telegram update ignored');
      if (mapped.callbackQueryId) this.answerButton(context, mapped.callbackQueryId);
      return;
    }
    const message: InboundMessage = mapped.message;
    const evidence = await receiveEvidence(db, message, mapped.files, policy.attachments, (file) => this.fetchFile(file));
    const outcome = await conversations.handleInbound(message, storeEvidence('telegram', evidence));
    if (mapped.callbackQueryId) this.answerButton(context, mapped.callbackQueryId);
    logger.info(
      { channel: 'telegram', updateId: context.update.update_id, customerId: outcome.ok ? outcome.customerId : undefined, duplicate: !outcome.ok, files: evidence.length },
      'telegram update handled',
    );
  }

  /**
   * Through getFile and the file URL, at most the policy's size and
   * Telegram's 20 MB, only from the allowed file hosts. A failing file host
   * throws: the update is delivered again (webhook 500, polling retry).
   */
  private async fetchFile(file: TelegramFileRef): Promise<Downloaded> {
    const maxBytes = Math.min(this.ctx.policy.attachments.maxBytes, TELEGRAM_DOWNLOAD_LIMIT);
    let link: URL;
    try {
      link = await this.bot.telegram.getFileLink(file.fileId);
    } catch (error) {
      if (error instanceof TelegramError && error.code === 400 && /too big/i.test(error.description)) return { ok: false, reason: 'too_large' };
      throw error;
    }
    if (link.protocol === 'file:') {
      // A local Bot API server (--local) answers with a path on its own disk.
      const path = fileURLToPath(link);
      if ((await stat(path)).size > maxBytes) return { ok: false, reason: 'too_large' };
      return { ok: true, content: await readFile(path) };
    }
    const fetched = await fetchAllowedFile(link, { maxBytes, allowedHosts: this.options.fileHosts });
    if (fetched.ok) return fetched;
    if (fetched.reason === 'failed') throw new Error('telegram file download failed');
    if (fetched.reason === 'not_allowed') this.ctx.logger.warn({ channel: 'telegram', host: link.hostname }, 'telegram file link refused: host not allowed');
    return downloadRefusal(fetched);
  }

  private async answerCallback(id: string): Promise<void> {
    try {
      await this.bot.telegram.answerCbQuery(id);
    } catch (error) {
      this.ctx.logger.warn({ channel: 'telegram', err: error }, 'answerCallbackQuery failed');
    }
  }

  private async registerWebhook(attempt: number): Promise<void> {
    const url = `${this.options.publicUrl!.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`;
    try {
      this.bot.botInfo ??= await this.bot.telegram.getMe();
      await this.bot.telegram.setWebhook(url, { secret_token: this.secret, allowed_updates: [...ALLOWED_UPDATES] });
      this.error = undefined;
      this.ctx.logger.info({ channel: 'telegram', botId: this.botId }, 'telegram webhook registered');
    } catch (error) {
      this.error = describe(error);
      this.ctx.logger.error({ channel: 'telegram', attempt, err: error }, 'telegram webhook registration failed; will retry');
      this.retryLater(() => void this.registerWebhook(attempt + 1), attempt);
    }
  }

  /** Not bot.launch(): it confirms updates whose handling failed (see UpdatePolling). */
  private startPolling(): void {
    this.polling = new UpdatePolling(this.bot, {
      allowedUpdates: ALLOWED_UPDATES,
      maxAttempts: this.options.updateAttempts,
      logger: this.ctx.logger,
      dropped: () => this.ctx.inboundDropped('telegram'),
      pollError: (error) => {
        if (error === undefined) {
          this.error = undefined;
          return;
        }
        this.error = describe(error);
        this.ctx.logger.error({ channel: 'telegram', err: error }, 'telegram polling failed; will retry');
      },
    });
    this.polling.start();
  }

  private retryLater(again: () => void, attempt: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) again();
    }, backoffMs(attempt));
    this.retryTimer.unref();
  }
}

export function createTelegramChannel(ctx: AppContext): TelegramChannel | undefined {
  const { TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_UPDATE_ATTEMPTS, TELEGRAM_FILE_HOSTS, PUBLIC_URL } = ctx.config;
  if (!TELEGRAM_BOT_TOKEN) return undefined;
  return new TelegramChannel(ctx, {
    token: TELEGRAM_BOT_TOKEN,
    updateAttempts: TELEGRAM_UPDATE_ATTEMPTS,
    // Files come from the Bot API server the operator configured, and from nowhere else.
    fileHosts: TELEGRAM_FILE_HOSTS ?? [new URL(TELEGRAM_API_ROOT ?? 'https://api.telegram.org').hostname.replace(/^\[(.*)\]$/, '$1')],
    ...(TELEGRAM_API_ROOT ? { apiRoot: TELEGRAM_API_ROOT } : {}),
    ...(PUBLIC_URL ? { publicUrl: PUBLIC_URL } : {}),
    ...(TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: TELEGRAM_WEBHOOK_SECRET } : {}),
  });
}

/** For the health report: the error's kind and codes; a message only from the Bot API itself (network errors carry the URL, and with it the bot token). */
function describe(error: unknown): string {
  const e = serializeError(error);
  return [e.type, e.code, e.status, error instanceof TelegramError ? e.message : undefined].filter((v) => v !== undefined).join(' ');
}
