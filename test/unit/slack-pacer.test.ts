import { describe, expect, it } from 'vitest';
import { SLACK_CHANNEL_PACE } from '../../adapters/slack/slack.sender.ts';
import { RateLimiter } from '../../src/outbox/rate-limiter.ts';

describe('per-channel pacing of Slack posts', () => {
  it('lets a short burst through, then one a second, per channel', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new RateLimiter({
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const post = async (channel: string) => {
      await pacer.acquire(SLACK_CHANNEL_PACE, channel);
      return now;
    };
    const burst = SLACK_CHANNEL_PACE.rateLimit.perConversation.burst;
    const c1: number[] = [];
    for (let i = 0; i < burst; i += 1) c1.push(await post('C1'));
    expect(c1).toEqual(Array(burst).fill(0));
    expect(await post('C2')).toBe(0); // another channel has its own bucket
    expect(waits).toEqual([]);
    expect([await post('C1'), await post('C1')]).toEqual([1000, 2000]);
    now = 10_000; // the bucket refills over time, up to the burst
    waits.length = 0;
    for (let i = 0; i < burst; i += 1) await post('C1');
    expect(waits).toEqual([]);
    expect(await post('C1')).toBe(11_000);
  });
});
