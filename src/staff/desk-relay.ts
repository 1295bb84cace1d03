import type { Db } from '../db/database.ts';
import type { DeskEvent, StaffDesk } from '../cases/staff-desk.ts';

/**
 * The staff desk for code outside a desk adapter (survey answers): forwards
 * to the desks attached at start (Slack), or to none when no desk is on.
 */
export class DeskRelay implements StaffDesk {
  private readonly desks: StaffDesk[] = [];

  attach(desk: StaffDesk): void {
    this.desks.push(desk);
  }

  async publish(trx: Db, caseId: number, event: DeskEvent): Promise<void> {
    for (const desk of this.desks) await desk.publish(trx, caseId, event);
  }
}
