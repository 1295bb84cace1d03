import type { DeliveryResult } from '../channels/contract.ts';

/** Exponential backoff with full jitter: ~1 s, 2 s, 4 s … capped at 10 minutes. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(600_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The send's result, or a transient failure once `ms` passed (the request itself may still complete: delivery is at least once). */
export function withTimeout(send: Promise<DeliveryResult>, ms: number): Promise<DeliveryResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DeliveryResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, permanent: false, error: `send timed out after ${ms} ms` }), ms);
  });
  return Promise.race([send, timedOut]).finally(() => clearTimeout(timer));
}
