import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full
 * collection before it collects again: `1 + percent/100`. V8's own factor
 * (up to 4× on a machine with memory to spare) let a busy process reach
 * ~300 MB resident at 128 customers; at 25 % it stayed at ~170 MB, with CPU
 * per message within the run-to-run noise (BENCHMARKS.md, session 6). `0` keeps V8's default.
 * Set once, before the app allocates much: a process-wide setting, so it
 * belongs to the entry point (`src/main.ts`), not to `startApp`.
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
