import type { Db } from '../../src/db/database.ts';

/**
 * Resolves when no outbox row of the conversation is pending: every reply
 * the bot queued was delivered (or failed for good). Deterministic where a
 * quiet period would not be: rate limits and retries space replies out.
 */
export async function waitForOutboxIdle(db: Db, conversationKey: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await db
      .selectFrom('outbox')
      .select('id')
      .where('conversation_key', '=', conversationKey)
      .where('status', '=', 'pending')
      .limit(1)
      .executeTakeFirst();
    if (!pending) return;
    if (Date.now() > deadline) throw new Error(`outbox of ${conversationKey} still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
