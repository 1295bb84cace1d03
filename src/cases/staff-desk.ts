import type { Db } from '../db/database.ts';

/** What the staff desk (the Slack channel and the case thread) must show. */
export type DeskEvent =
  /** The case changed: its card must show the new state. */
  | { type: 'case-changed' }
  | { type: 'customer-wrote'; text: string; attachmentIds: string[] }
  /** The files the customer sent during the intake, to show with the new case. */
  | { type: 'intake-evidence'; attachmentIds: string[] }
  /** A staff reply reached the customer, or failed for good; `ref` is the desk's own message reference. */
  | { type: 'reply-outcome'; ok: boolean; ref: Record<string, unknown>; error?: string }
  /** A notice to the customer (question, result) reached them, or failed for good. */
  | { type: 'notice-outcome'; ok: boolean; what: string; error?: string }
  | { type: 'assigned'; to: string; by: string | null }
  | { type: 'approval-needed'; by: string }
  | { type: 'remedy-decided'; approved: boolean; by: string; owner: string | null }
  /** `by` null: the customer asked (mediation offered after a low survey score). */
  | { type: 'escalated'; level: string; by: string | null }
  /** The customer answered the satisfaction survey; `low` = not resolved or CSAT at or below the threshold. */
  | { type: 'survey-answered'; resolved: boolean | null; csat: number | null; nps: number | null; comment: string | null; owner: string | null; low: boolean; action: 'none' | 'reopened' | 'mediation_offered' }
  | { type: 'survey-skipped'; by: string }
  /** A major case was opened: emergency handling starts at once. */
  | { type: 'emergency' }
  | { type: 'deadline-reminder'; deadline: 'first_response' | 'resolution'; dueAt: Date; owner: string | null }
  | { type: 'deadline-breached'; deadline: 'first_response' | 'resolution'; dueAt: Date; owner: string | null; newExpectation?: Date }
  /** Milestones (issue 18): `label` per locale, from the policy. */
  | { type: 'milestone-reminder'; milestone: string; label: Record<string, string>; dueAt: Date; owner: string | null }
  | { type: 'milestone-breached'; milestone: string; label: Record<string, string>; dueAt: Date; owner: string | null; newExpectation: Date }
  | { type: 'milestone-done'; milestone: string; label: Record<string, string>; by: string; skipped: boolean; note: string | null; late: boolean; told: boolean }
  /** The customer was sent a periodic progress update. */
  | { type: 'progress-update' };

/**
 * The port the staff use cases publish to, inside their transaction: an
 * implementation writes outbox rows, never calls an API directly.
 */
export interface StaffDesk {
  publish(trx: Db, caseId: number, event: DeskEvent): Promise<void>;
}
