import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../adapters/slack/slack.pacer.ts';

describe('per-channel pacing of Slack posts', () => {
  it('lets a short burst through, then one per interval, per channel', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new ChannelPacer({
      burst: 2,
      intervalMs: 1000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await pacer.take('C1');
    await pacer.take('C1');
    await pacer.take('C2');
    expect(waits).toEqual([]);
    await pacer.take('C1');
    await pacer.take('C1');
    expect(waits).toEqual([1000, 2000]);
    now = 5000; // the bucket refills over time, up to the burst
    waits.length = 0;
    await pacer.take('C1');
    await pacer.take('C1');
    await pacer.take('C1');
    expect(waits).toEqual([1000]);
  });
});
