import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * botbuilder 4.23 (archived) writes to console.error on every refused token:
 * CloudAdapter.process prints the error with its stack, JwtTokenExtractor
 * prints "Error finding key for token" with the signing key. An
 * unauthenticated caller could flood stderr with them, outside the JSON log.
 * While the SDK processes a request (sdkQuietly), its console.error and
 * console.warn calls are dropped; the adapter logs each refusal as one JSON
 * line instead. The conversation's own work runs outside (sdkAudibly), and
 * every other caller of console is untouched.
 */
const quiet = new AsyncLocalStorage<true>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const level of ['error', 'warn'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (quiet.getStore()) return;
      original(...args);
    };
  }
}

export function sdkQuietly<T>(work: () => Promise<T>): Promise<T> {
  install();
  return quiet.run(true, work);
}

export function sdkAudibly<T>(work: () => Promise<T>): Promise<T> {
  return quiet.exit(work);
}
