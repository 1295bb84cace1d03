import { TokenBucket } from '../outbox/rate-limiter.ts';

/**
 * Per-customer inbound rate limit, in this process: a burst, then a steady
 * rate. A customer over the limit is told once until they are let through
 * again. With several instances each keeps its own buckets.
 */
export class FloodGuard {
  private readonly buckets = new Map<string, { bucket: TokenBucket; told: boolean; seen: number }>();

  constructor(
    private readonly limit: { burst: number; perSecond: number },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** 0 when the message may pass (a token is taken); else ms until it could, and whether to tell the customer. */
  admit(key: string): { waitMs: number; tell: boolean } {
    const now = this.now();
    let entry = this.buckets.get(key);
    if (!entry) {
      if (this.buckets.size > 10_000) this.prune(now);
      entry = { bucket: new TokenBucket(this.limit, now), told: false, seen: now };
      this.buckets.set(key, entry);
    }
    entry.seen = now;
    const waitMs = entry.bucket.waitMs(now);
    if (waitMs === 0) {
      entry.bucket.take(now);
      entry.told = false;
      return { waitMs: 0, tell: false };
    }
    const tell = !entry.told;
    entry.told = true;
    return { waitMs, tell };
  }

  private prune(now: number): void {
    for (const [key, entry] of this.buckets) if (entry.bucket.isFull(now) && now - entry.seen > 60_000) this.buckets.delete(key);
  }
}
