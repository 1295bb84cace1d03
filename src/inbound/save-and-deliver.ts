
import type { Db } from '../db/database.ts';
import type { OutboxRow } from '../db/schema.ts';
import { release, saveStatesAndEnqueue, type TurnToSave } from '../outbox/outbox.repository.ts';

/** How long a turn's replies stay leased to the process that committed them. */
const DIRECT_DELIVERY_LEASE_SECONDS = 15;

/** A turn computed inside a transaction, before its state and replies are saved. */
export interface ComputedTurn {
  save: TurnToSave;
  /** Listeners or effects may have queued outbox rows of their own. */
  otherWrites: boolean;
}

/** A turn saved: its replies (leased to this process) and whether they wait behind earlier ones. */
export interface SavedTurn {
  rows: OutboxRow[];
  blocked: boolean;
  otherWrites: boolean;
}

/** Where saved replies go after commit. */
export interface DeliveryDeps {
  db: Db;
  /** Called after a commit that wrote outbox rows for the worker's claim path. */
  outboxWritten: () => void;
  /** Delivers rows just committed and leased to this process (the hot path). */
  deliverNow: (rows: OutboxRow[]) => void;
}

/**
 * Saves the states and replies of several turns in one round trip (the hot
 * path's last statement). The replies are leased to this process for direct
 * delivery after commit. Results in `turns` order.
 */
export async function saveTurns(trx: Db, turns: readonly ComputedTurn[]): Promise<SavedTurn[]> {
  const saved = await saveStatesAndEnqueue(
    trx,
    turns.map((t) => t.save),
    DIRECT_DELIVERY_LEASE_SECONDS,
  );
  return saved.map((result, i) => ({ ...result, otherWrites: turns[i]!.otherWrites }));
}

/**
 * After commit: the turn's own replies are delivered at once by this process
 * (they were leased to it on insert); anything else the turn wrote to the
 * outbox — rows of other listeners, or replies queued behind an earlier
 * pending message — is left to the worker's claim path.
 */
export function deliverSavedTurn(deps: DeliveryDeps, turn: SavedTurn): void {
  if (turn.blocked) {
    void release(deps.db, turn.rows.map((r) => r.id)).finally(() => deps.outboxWritten());
    return;
  }
  deps.deliverNow(turn.rows);
  if (turn.otherWrites) deps.outboxWritten();
}
