/**
 * Keeps posts to one Slack channel near Slack's "about one message per
 * second per channel": a token bucket per channel (a short burst, then one
 * per `intervalMs`). Per process: several instances each keep their own
 * pace, and Slack's 429 + Retry-After (honoured by the outbox) covers the rest.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: { burst: number; intervalMs: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = { burst: 4, intervalMs: 1000 },
  ) {}

  /** Resolves when a message may be posted to `channel` (and counts it). */
  async take(channel: string): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    const bucket = this.buckets.get(channel) ?? { tokens: this.options.burst, at: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) / this.options.intervalMs);
    bucket.at = now;
    bucket.tokens -= 1;
    this.buckets.set(channel, bucket);
    if (bucket.tokens < 0) {
      const waitMs = Math.ceil(-bucket.tokens * this.options.intervalMs);
      await (this.options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(waitMs);
    }
  }
}
