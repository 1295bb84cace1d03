/**
 * Where the platform fakes put the bot's replies and where simulated
 * customers wait for them: one ordered list per conversation, and waiters
 * woken when a conversation gets its n-th reply.
 */
export interface Reply {
  text: string;
  /** Button values offered with the reply (Telegram callback_data, Bot Framework choice). */
  choices: string[];
  /** performance.now() when the fake received it. */
  at: number;
}

export class ReplyHub {
  private readonly replies = new Map<string, Reply[]>();
  private readonly waiters = new Map<string, Array<{ count: number; resolve: (reply: Reply) => void }>>();
  total = 0;

  add(conversation: string, reply: Reply): void {
    let list = this.replies.get(conversation);
    if (!list) {
      list = [];
      this.replies.set(conversation, list);
    }
    list.push(reply);
    this.total += 1;
    const waiting = this.waiters.get(conversation);
    if (!waiting) return;
    for (let i = waiting.length - 1; i >= 0; i -= 1) {
      const waiter = waiting[i]!;
      if (list.length >= waiter.count) {
        waiting.splice(i, 1);
        waiter.resolve(list[waiter.count - 1]!);
      }
    }
    if (waiting.length === 0) this.waiters.delete(conversation);
  }

  of(conversation: string): readonly Reply[] {
    return this.replies.get(conversation) ?? [];
  }

  conversations(): IterableIterator<[string, Reply[]]> {
    return this.replies.entries();
  }

  /** Resolves with the conversation's `count`-th reply (1-based), or undefined after `timeoutMs`. */
  waitForCount(conversation: string, count: number, timeoutMs: number): Promise<Reply | undefined> {
    const list = this.replies.get(conversation);
    if (list && list.length >= count) return Promise.resolve(list[count - 1]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const waiting = this.waiters.get(conversation);
        const index = waiting?.indexOf(entry) ?? -1;
        if (index >= 0) waiting!.splice(index, 1);
        resolve(undefined);
      }, timeoutMs);
      const entry = {
        count,
        resolve: (reply: Reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
      let waiting = this.waiters.get(conversation);
      if (!waiting) {
        waiting = [];
        this.waiters.set(conversation, waiting);
      }
      waiting.push(entry);
    });
  }

  clear(): void {
    this.replies.clear();
    this.total = 0;
  }
}
