import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/outbox/outbox-worker.ts';

describe('outbox retry backoff', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(4, () => 1)).toBe(8000);
    expect(backoffMs(40, () => 1)).toBe(600_000);
  });
});
