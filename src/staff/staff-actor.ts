/**
 * Who acts on a case. The role comes from the staff desk's directory (Slack
 * channel / user-group membership); use cases decide what each role may do.
 */
export type StaffRole = 'none' | 'staff' | 'supervisor';

export interface StaffActor {
  /** Desk user id (a Slack user id): what `cases.owner` holds. */
  userId: string;
  role: StaffRole;
}

/** The audit-log actor of a staff user. */
export function actorRef(actor: Pick<StaffActor, 'userId'>): string {
  return `slack:${actor.userId}`;
}
