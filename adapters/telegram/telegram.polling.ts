import { TelegramError, type Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../../src/logger.ts';

/** getUpdates waits this long for an update when nothing is held back (Telegram's long poll). */
const LONG_POLL_SECONDS = 50;
/** While a failed update waits for its retry, later updates are fetched at most this long apart. */
const HELD_POLL_MS = 1_000;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

type AllowedUpdates = Parameters<Telegraf['telegram']['getUpdates']>[3];
/** telegraf types the signal as its abort-controller shim's; node-fetch takes Node's own. */
type ShimSignal = NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal'];

export interface UpdatePollingOptions {
  allowedUpdates: AllowedUpdates;
  /** Tries of one update before it is dropped (a poison update must not hold its chat forever). */
  maxAttempts: number;
  logger: Logger;
  /** Told of each update dropped after `maxAttempts` failed tries (metrics). */
  dropped: () => void;
  /** Told the error of a failed Bot API call of the loop, and undefined once polling works again. */
  pollError: (error: unknown) => void;
}

/**
 * Long polling with the update offset under hearken's control.
 *
 * telegraf's own loop (bot.launch) confirms every fetched update whatever its
 * handler did: it moves the offset past a batch before handling it and
 * confirms that offset when it stops. An update whose handling failed (the
 * database down for a moment) would be lost. Here the offset only moves past
 * updates that were handled, or dropped after `maxAttempts` tries: a failed
 * update stays unconfirmed at Telegram, comes back with the next getUpdates
 * and is tried again with backoff (and after a crash or restart too).
 *
 * Updates of one chat are handled one at a time in arrival order, and a chat
 * whose update waits for its retry waits with it; other chats go on. Updates
 * after a held one come back with every getUpdates: those already handled are
 * skipped here (and a redelivery after a restart is a duplicate delivery id,
 * which the conversation service ignores).
 */
export class UpdatePolling {
  private offset = 0;
  /** The offset Telegram was last told (getUpdates confirms every update below it). */
  private confirmed = 0;
  /** Update ids at or above `offset` that were handled (or dropped). */
  private readonly done = new Set<number>();
  /** Update ids at or above `offset` whose handling failed, with their next try. */
  private readonly failing = new Map<number, { attempts: number; retryAt: number }>();
  private abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly bot: Telegraf,
    private readonly options: UpdatePollingOptions,
  ) {}

  start(): void {
    this.abort = new AbortController();
    this.running = this.loop(this.abort.signal);
  }

  /** Ends the long poll, lets updates being handled finish, and confirms the handled ones. Never throws. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.running = undefined;
    if (this.offset <= this.confirmed) return;
    try {
      await this.bot.telegram.callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 });
      this.confirmed = this.offset;
    } catch {
      // Unconfirmed updates come again at the next start; they are duplicates then.
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let prepared = false;
    let failedCalls = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        if (!prepared) {
          this.bot.botInfo ??= await this.bot.telegram.getMe();
          // Telegram refuses getUpdates while a webhook is set.
          await this.bot.telegram.deleteWebhook();
          prepared = true;
        }
        // No long poll while an update is held (it is always pending) or after a failed call (recovery shows at once).
        const timeout = this.failing.size > 0 || failedCalls > 0 ? 0 : LONG_POLL_SECONDS;
        const offset = this.offset;
        updates = await this.bot.telegram.callApi('getUpdates', { timeout, offset, allowed_updates: this.options.allowedUpdates }, { signal: signal as unknown as ShimSignal });
        this.confirmed = offset;
      } catch (error) {
        if (signal.aborted) return;
        failedCalls += 1;
        // 409: a webhook was set meanwhile, or another process polls with this token.
        if (error instanceof TelegramError && error.code === 409) prepared = false;
        this.options.pollError(error);
        await sleep(retryAfterMs(error) ?? backoffMs(failedCalls), signal);
        continue;
      }
      if (failedCalls > 0) {
        failedCalls = 0;
        this.options.pollError(undefined);
      }
      await this.handleBatch(updates);
      if (this.failing.size > 0) {
        const nextRetry = Math.min(...[...this.failing.values()].map((f) => f.retryAt));
        await sleep(Math.max(50, Math.min(HELD_POLL_MS, nextRetry - Date.now())), signal);
      }
    }
  }

  /** Handles a fetched batch: chats concurrently, each chat's updates in order. */
  private async handleBatch(updates: Update[]): Promise<void> {
    const chats = new Map<string, Update[]>();
    for (const update of updates) {
      if (this.done.has(update.update_id)) continue;
      const key = chatOf(update);
      const queue = chats.get(key);
      if (queue) queue.push(update);
      else chats.set(key, [update]);
    }
    await Promise.all([...chats.values()].map((queue) => this.handleChat(queue)));
    const first = updates.find((u) => !this.done.has(u.update_id));
    const last = updates.at(-1);
    if (first) this.offset = first.update_id;
    else if (last) this.offset = last.update_id + 1;
    for (const id of this.done) if (id < this.offset) this.done.delete(id);
    for (const id of this.failing.keys()) if (id < this.offset) this.failing.delete(id);
  }

  /** One chat's updates in order; stops at the first that fails or waits for its retry. */
  private async handleChat(queue: Update[]): Promise<void> {
    for (const update of queue) {
      const id = update.update_id;
      const failing = this.failing.get(id);
      if (failing && failing.retryAt > Date.now()) return;
      try {
        await this.bot.handleUpdate(update);
        this.done.add(id);
        this.failing.delete(id);
        continue;
      } catch {
        // The adapter logged the error; what follows is the decision.
      }
      const attempts = (failing?.attempts ?? 0) + 1;
      if (attempts >= this.options.maxAttempts) {
        this.options.logger.error({ channel: 'telegram', updateId: id, attempts }, 'telegram update dropped after repeated failures');
        this.options.dropped();
        this.done.add(id);
        this.failing.delete(id);
        continue;
      }
      const delayMs = backoffMs(attempts);
      this.failing.set(id, { attempts, retryAt: Date.now() + delayMs });
      this.options.logger.warn({ channel: 'telegram', updateId: id, attempt: attempts, delayMs }, 'telegram update failed; will retry');
      return;
    }
  }
}

/** Updates of one chat share a key; an update of no chat is on its own. */
function chatOf(update: Update): string {
  const u = update as { message?: { chat?: { id?: number } }; callback_query?: { from?: { id?: number }; message?: { chat?: { id?: number } } } };
  const chat = u.message?.chat?.id ?? u.callback_query?.message?.chat?.id ?? u.callback_query?.from?.id;
  return chat === undefined ? `update:${update.update_id}` : `chat:${chat}`;
}

/** 1 s, 2 s, 4 s … at most a minute. */
export function backoffMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
}

function retryAfterMs(error: unknown): number | undefined {
  const seconds = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
  return seconds === undefined ? undefined : seconds * 1000;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
