import type { DeliveryResult, OutboxSender } from '../channels/contract.ts';
import type { Db } from '../db/database.ts';
import type { OutboxRow } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { DeliveryListener, DeliveryOutcome } from './delivery-listener.ts';
import { claimDue, markFailed, markRetry, markSent, postpone, release } from './outbox.repository.ts';
import { RateLimiter } from './rate-limiter.ts';
import { backoffMs, withTimeout } from './retry.ts';
import { redactSecrets } from '../redact.ts';

export { backoffMs } from './retry.ts';

/** A failed "mark sent" is retried this often, this far apart (well inside the lease). */
const MARK_SENT_RETRIES = 20;
const MARK_SENT_RETRY_MS = 500;

/** Rate-limit waits up to this long are slept inline; longer ones postpone the conversation's rows. */
const INLINE_RATE_WAIT_MS = 250;

/** Told about each delivery outcome (metrics). */
export interface DeliveryObserver {
  delivered(channel: string, count: number): void;
  retried(channel: string): void;
  failed(channel: string): void;
}

export interface OutboxWorkerOptions {
  pollMs: number;
  observer?: DeliveryObserver;
  leaseSeconds?: number;
  maxAttempts?: number;
  batchSize?: number;
  /** Told the final outcome of rows that carry a `report` (see DeliveryListener). */
  listeners?: DeliveryListener[];
  /** Keeps senders within their `rateLimit` (tests inject a clock). */
  rateLimiter?: RateLimiter;
  /** A send that has not answered by then counts as a transient failure (default 20 s, inside the lease). */
  sendTimeoutMs?: number;
  /** The time outcomes are recorded at (default: the system clock). */
  clock?: () => Date;
}

/**
 * SDK clients wait long for an answer (telegraf: 500 s). One platform call
 * that never answers would hold the whole delivery round, and with it every
 * conversation, and outlive its row's lease.
 */
const SEND_TIMEOUT_MS = 20_000;

export interface OutboxStats {
  sent: number;
  failed: number;
  retried: number;
}

/**
 * Delivers outbox rows through channel senders after commit: in order per
 * conversation, within each sender's rate limits, retried with exponential
 * backoff and jitter, honouring retry-after, and giving up on permanent
 * errors (told to the listeners: the case's audit log is one).
 * Delivery is at least once: a crash after sending and before marking the
 * row sent delivers that message again.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly rateLimiter: RateLimiter;
  private readonly clock: () => Date;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private sentBatch: number[] = [];
  private sentFlush: Promise<void> | undefined;
  readonly stats: OutboxStats = { sent: 0, failed: 0, retried: 0 };

  constructor(
    private readonly db: Db,
    private readonly senders: ReadonlyMap<string, OutboxSender>,
    private readonly logger: Logger,
    private readonly options: OutboxWorkerOptions,
  ) {
    this.rateLimiter = options.rateLimiter ?? new RateLimiter();
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a delivery round now (coalesced with one already running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: Error) => this.logger.error({ err: error }, 'outbox round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Delivers rows this process just committed and leased (the hot path: no
   * claim round trip). Not awaited by the caller; failures follow the same
   * retry path as polled rows.
   */
  deliverNow(rows: OutboxRow[]): void {
    if (this.stopped || rows.length === 0) return;
    const byConversation = new Map<string, OutboxRow[]>();
    for (const row of rows) byConversation.set(row.conversation_key, [...(byConversation.get(row.conversation_key) ?? []), row]);
    for (const list of byConversation.values()) {
      const delivery = this.deliverConversation(list)
        .catch((error: Error) => this.logger.error({ err: error }, 'direct delivery failed; the lease will bring it back'))
        .finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Stops polling and waits for the round in flight; undelivered rows stay for the next instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const timer of this.wakeTimers) clearTimeout(timer);
    this.wakeTimers.clear();
    await this.running;
    await Promise.all([...this.inFlight]);
    await this.sentFlush;
  }

  /** A round when postponed rows fall due, sooner than the next poll. */
  private kickAfter(ms: number): void {
    const timer = setTimeout(() => {
      this.wakeTimers.delete(timer);
      this.kick();
    }, ms + 20);
    timer.unref();
    this.wakeTimers.add(timer);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await claimDue(this.db, {
        limit: this.options.batchSize ?? 50,
        leaseSeconds: this.options.leaseSeconds ?? 30,
        perConversation: 10,
      });
      if (rows.length === 0 || this.stopped) {
        if (rows.length > 0) await release(this.db, rows.map((r) => r.id));
        return;
      }
      const byConversation = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const list = byConversation.get(row.conversation_key) ?? [];
        list.push(row);
        byConversation.set(row.conversation_key, list);
      }
      await Promise.all([...byConversation.values()].map((list) => this.deliverConversation(list)));
    }
  }

  private async deliverConversation(rows: OutboxRow[]): Promise<void> {
    const sent: OutboxRow[] = [];
    for (let index = 0; index < rows.length; index += 1) {
      const row = rows[index]!;
      const sender = this.senders.get(row.channel);
      if (sender) {
        // A short wait is slept here; a longer one must not hold up the other conversations of this round.
        const later = await this.rateLimiter.acquire(sender, row.conversation_key, INLINE_RATE_WAIT_MS);
        if (later > 0) {
          await this.recordSent(sent);
          await postpone(this.db, rows.slice(index).map((r) => r.id), later);
          this.kickAfter(later);
          return;
        }
      }
      const result: DeliveryResult = sender
        ? await withTimeout(sender.send(row.address, row.payload), this.options.sendTimeoutMs ?? SEND_TIMEOUT_MS).catch((error: Error) => ({ ok: false as const, permanent: false, error: error.message }))
        : { ok: false, permanent: false, error: `channel ${row.channel} is not configured` };
      if (result.ok) {
        sent.push(row);
        continue;
      }
      // Platform error texts can carry credentials (a Bot API URL holds the bot token).
      result.error = redactSecrets(result.error);
      await this.recordSent(sent);
      await release(this.db, rows.slice(index + 1).map((r) => r.id));
      const maxAttempts = this.options.maxAttempts ?? 12;
      if (result.permanent || row.attempts >= maxAttempts) {
        await this.fail(row, result.error);
      } else {
        const delay = result.retryAfterMs ?? backoffMs(row.attempts);
        this.stats.retried += 1;
        this.options.observer?.retried(row.channel);
        this.logger.warn({ outboxId: row.id, channel: row.channel, attempt: row.attempts, delayMs: delay, err: deliveryError(result.error) }, 'delivery failed; will retry');
        await markRetry(this.db, row.id, delay, result.error);
      }
      return;
    }
    await this.recordSent(sent);
  }

  /**
   * Marks rows sent in batches: ids delivered in the same tick share one
   * UPDATE (one commit for many messages under load).
   */
  private markSentSoon(ids: number[], attempt = 0): Promise<void> {
    this.sentBatch.push(...ids);
    this.sentFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const batch = this.sentBatch;
      this.sentBatch = [];
      this.sentFlush = undefined;
      try {
        await markSent(this.db, batch);
      } catch (error) {
        // These messages went out. While the database is away (a restart),
        // keep marking them for a while instead of sending them again when
        // their lease ends; past that, or when stopping, the lease decides.
        if (this.stopped || attempt >= MARK_SENT_RETRIES) throw error;
        await new Promise((r) => setTimeout(r, MARK_SENT_RETRY_MS));
        await this.markSentSoon(batch, attempt + 1);
      }
    });
    return this.sentFlush;
  }

  private async recordSent(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const reported = rows.filter((r) => r.report !== null);
    if (reported.length === 0) await this.markSentSoon(ids);
    else await this.recordWithReports((trx) => markSent(trx, ids), reported.map((row) => ({ row, ok: true })));
    this.stats.sent += rows.length;
    this.options.observer?.delivered(rows[0]!.channel, rows.length);
  }

  /**
   * Records an outcome and its reports in one transaction. A failing listener
   * must not undo the outcome (the message did go out, or did fail): the
   * outcome is then recorded alone and the report is lost, logged.
   */
  private async recordWithReports(record: (trx: Db) => Promise<void>, outcomes: Array<{ row: OutboxRow; ok: boolean; error?: string }>): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await record(trx);
        for (const { row, ok, error } of outcomes) await this.report(trx, row, ok, error);
      });
    } catch (failure) {
      this.logger.error({ outboxIds: outcomes.map((o) => o.row.id), err: failure }, 'delivery report failed; outcome recorded without it');
      await this.db.transaction().execute(record);
    }
  }

  private async report(trx: Db, row: OutboxRow, ok: boolean, error?: string): Promise<void> {
    const report = row.report!;
    const listener = this.options.listeners?.find((l) => l.name === report.to);
    if (!listener?.reported) {
      this.logger.warn({ outboxId: row.id, to: String(report.to) }, 'no listener for delivery report');
      return;
    }
    await listener.reported(trx, this.outcome(row, ok, error));
  }

  private outcome(row: OutboxRow, ok: boolean, error?: string): DeliveryOutcome {
    const outcome: DeliveryOutcome = { outboxId: row.id, caseId: row.case_id, customerId: row.customer_id, channel: row.channel, ok, at: this.clock(), report: row.report ?? {} };
    if (error !== undefined) outcome.error = error;
    return outcome;
  }

  private async fail(row: OutboxRow, error: string): Promise<void> {
    this.stats.failed += 1;
    this.options.observer?.failed(row.channel);
    this.logger.error({ outboxId: row.id, channel: row.channel, caseId: row.case_id, err: deliveryError(error) }, 'delivery failed permanently');
    const outcomes = row.report !== null ? [{ row, ok: false, error }] : [];
    await this.recordWithReports(async (trx) => {
      await markFailed(trx, row.id, error);
      for (const listener of this.options.listeners ?? []) await listener.failed?.(trx, this.outcome(row, false, error));
    }, outcomes);
  }
}

/** A sender's error text (already stripped of credentials) as the log's `err` field. */
function deliveryError(error: string): { name: string; message: string } {
  return { name: 'DeliveryError', message: error };
}
