import { InboundOverloaded } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Most items committed in one transaction. */
const MAX_BATCH = 64;
/** Items that may wait for a batch when no limit is configured. */
const DEFAULT_QUEUE_LIMIT = 1000;
/** What an overloaded process asks senders to wait before resending. */
const OVERLOAD_RETRY_SECONDS = 2;
/** At most one overload warning per this many ms (with the count refused meanwhile). */
const OVERLOAD_LOG_EVERY_MS = 10_000;

export interface GroupCommitOptions<T, R> {
  /** Commits a batch in one transaction; results in batch order. Throws to fail the whole batch. */
  commit(batch: T[]): Promise<R[]>;
  /** After the commit, for each item before its promise resolves (must not throw). */
  committed(item: T, result: R): void;
  /** Told the size of each committed batch (metrics). */
  batchCommitted?: (size: number) => void;
  logger: Logger;
  /** Batches committing at once (default 1). */
  concurrentBatches?: number;
  /** Most items waiting for a batch (default 1000). */
  queueLimit?: number;
}

interface Waiting<T, R> {
  item: T;
  key: string;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: while `concurrentBatches` transactions are in flight,
 * arriving items queue and go together into the next one. A quiet system
 * commits each item alone, at once. A batch holds at most one item per key
 * (customer), and a key's next item waits until the batch holding the
 * previous one has committed, so each conversation is handled in arrival
 * order. If a batch fails, its items are retried one at a time (nothing of
 * the batch was committed), so an item that cannot be handled fails alone.
 */
export class GroupCommitQueue<T, R> {
  /** Items waiting for a batch, oldest first. */
  private readonly queue: Array<Waiting<T, R>> = [];
  /** Keys with an item in a batch in flight. */
  private readonly busy = new Set<string>();
  private batchesInFlight = 0;
  private readonly overload = { refused: 0, loggedAt: Number.NEGATIVE_INFINITY };

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  /**
   * Load shedding: past the queue limit a new item is refused with
   * InboundOverloaded instead of waiting longer than the platforms'
   * time-outs; `counted` is told first. Warns at most every
   * OVERLOAD_LOG_EVERY_MS.
   */
  refuseWhenFull(counted: () => void): void {
    if (this.queue.length < (this.options.queueLimit ?? DEFAULT_QUEUE_LIMIT)) return;
    counted();
    this.overload.refused += 1;
    const now = Date.now();
    if (now - this.overload.loggedAt >= OVERLOAD_LOG_EVERY_MS) {
      this.options.logger.warn({ refused: this.overload.refused, waiting: this.queue.length, inFlight: this.batchesInFlight }, 'inbound queue full; refusing messages (senders retry)');
      this.overload.refused = 0;
      this.overload.loggedAt = now;
    }
    throw new InboundOverloaded(OVERLOAD_RETRY_SECONDS);
  }

  /** Resolves once the item's batch has committed. */
  add(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const limit = this.options.concurrentBatches ?? 1;
    while (this.batchesInFlight < limit && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.batchesInFlight += 1;
      void this.run(batch).finally(() => {
        this.batchesInFlight -= 1;
        for (const waiting of batch) this.busy.delete(waiting.key);
        this.pump();
      });
    }
  }

  /** The oldest queued items, at most one per key and none of a key already in flight. */
  private takeBatch(): Array<Waiting<T, R>> {
    const batch: Array<Waiting<T, R>> = [];
    for (let i = 0; i < this.queue.length && batch.length < MAX_BATCH; ) {
      const waiting = this.queue[i]!;
      if (this.busy.has(waiting.key)) {
        i += 1;
        continue;
      }
      this.busy.add(waiting.key);
      batch.push(waiting);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    let results: R[];
    try {
      results = await this.options.commit(batch.map((w) => w.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.options.logger.warn({ messages: batch.length, err: error }, 'inbound batch failed; retrying its messages one by one');
      for (const waiting of batch) await this.run([waiting]);
      return;
    }
    this.options.batchCommitted?.(batch.length);
    batch.forEach((waiting, i) => {
      const result = results[i]!;
      this.options.committed(waiting.item, result);
      waiting.resolve(result);
    });
  }
}
