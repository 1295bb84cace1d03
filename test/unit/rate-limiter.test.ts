import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from '../../src/outbox/rate-limiter.ts';

/** A clock that only moves when the limiter sleeps. */
function manualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

const telegramLike = { channel: 'telegram', rateLimit: { perConversation: { perSecond: 1, burst: 3 }, global: { perSecond: 20, burst: 10 } } };

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 2 }, 0);
    expect(bucket.waitMs(0)).toBe(0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.waitMs(250)).toBe(250);
    expect(bucket.waitMs(500)).toBe(0);
    expect(bucket.isFull(1500)).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('lets a burst through per conversation, then paces it at the rate', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(clock);
    const sentAt = [];
    for (let i = 0; i < 5; i += 1) {
      expect(await limiter.acquire(telegramLike, 'telegram:1')).toBe(0);
      sentAt.push(clock.now());
    }
    expect(sentAt).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('keeps conversations apart but shares the channel-wide bucket', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(clock);
    // 10 conversations: the global burst (10) runs out first.
    for (let i = 0; i < 10; i += 1) await limiter.acquire(telegramLike, `telegram:${i}`);
    expect(clock.now()).toBe(0);
    await limiter.acquire(telegramLike, 'telegram:0');
    expect(clock.now()).toBe(50); // 1/20 s for a global token
  });

  it('sleeps no longer than asked: it reports the wait and reserves nothing', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 3; i += 1) await limiter.acquire(telegramLike, 'telegram:1', 250);
    expect(await limiter.acquire(telegramLike, 'telegram:1', 250)).toBe(1000);
    expect(clock.sleeps).toEqual([]);
    clock.advance(1000);
    expect(await limiter.acquire(telegramLike, 'telegram:1', 250)).toBe(0);
    // The first refused attempt took nothing: the next token is again a second away.
    expect(await limiter.acquire(telegramLike, 'telegram:1', 250)).toBe(1000);
  });

  it('does not limit a sender without rateLimit', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 100; i += 1) await limiter.acquire({ channel: 'webchat' }, 'webchat:1');
    expect(clock.sleeps).toEqual([]);
  });

  it('stays within Teams-like limits over a long run', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter(clock);
    const teams = { channel: 'botframework', rateLimit: { perConversation: { perSecond: 1.8, burst: 5 } } };
    const sentAt: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      await limiter.acquire(teams, 'bf:1');
      sentAt.push(clock.now());
    }
    const maxIn = (windowMs: number) => Math.max(...sentAt.map((t) => sentAt.filter((u) => u >= t && u < t + windowMs).length));
    expect(maxIn(1000)).toBeLessThanOrEqual(7);
    expect(maxIn(30_000)).toBeLessThanOrEqual(60);
  });
});
