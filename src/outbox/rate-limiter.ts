import type { OutboxSender, RateLimit } from '../channels/contract.ts';

/** A token bucket on an injected clock (ms). */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /** Milliseconds until one token is available; 0 when one is available now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
    this.updatedAt = now;
  }
}

export interface RateLimiterOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const PRUNE_EVERY = 1000;

/**
 * Keeps senders within their platform limits, in this process: a bucket for
 * the whole channel and one per conversation; a send takes a token from
 * both. With several instances each keeps its own buckets, so the limits
 * then hold per instance.
 */
export class RateLimiter {
  private readonly global = new Map<string, TokenBucket>();
  private readonly conversations = new Map<string, TokenBucket>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private acquired = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Reserves one send for this conversation, sleeping up to `maxSleepMs` for
   * the buckets to allow it. Resolves 0 when reserved, else the milliseconds
   * still to wait (nothing reserved: the caller postpones the send).
   */
  async acquire(sender: Pick<OutboxSender, 'channel' | 'rateLimit'>, conversationKey: string, maxSleepMs = Number.POSITIVE_INFINITY): Promise<number> {
    const limits = sender.rateLimit;
    if (!limits?.global && !limits?.perConversation) return 0;
    const global = limits.global ? this.bucket(this.global, sender.channel, limits.global) : undefined;
    const conversation = limits.perConversation
      ? this.bucket(this.conversations, `${sender.channel}\u0000${conversationKey}`, limits.perConversation)
      : undefined;
    let slept = 0;
    for (;;) {
      const now = this.now();
      const wait = Math.max(global?.waitMs(now) ?? 0, conversation?.waitMs(now) ?? 0);
      if (wait === 0) {
        global?.take(now);
        conversation?.take(now);
        break;
      }
      if (slept + wait > maxSleepMs) return wait;
      await this.sleep(wait);
      slept += wait;
    }
    if (++this.acquired % PRUNE_EVERY === 0) this.prune();
    return 0;
  }

  private bucket(map: Map<string, TokenBucket>, key: string, limit: RateLimit): TokenBucket {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, this.now());
      map.set(key, bucket);
    }
    return bucket;
  }

  /** A full bucket holds no information: forget it. */
  private prune(): void {
    const now = this.now();
    for (const [key, bucket] of this.conversations) if (bucket.isFull(now)) this.conversations.delete(key);
  }
}
