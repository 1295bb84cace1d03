import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';

/** Kysely table types. Only repositories use them. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface CustomersTable {
  id: Generated<number>;
  channel: string;
  external_id: string;
  /** Channel-specific reference used to message the customer later. */
  address: JSONColumnType<Record<string, unknown>>;
  display_name: string | null;
  locale: string;
  /** Conversation state (src/conversation/state.ts), versioned by the engine. */
  state: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Set when the identity's personal fields were removed (retention or erasure). */
  anonymised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CasesTable {
  id: Generated<number>;
  number: string;
  customer_id: number;
  channel: string;
  locale: string;
  status: string;
  severity: string;
  severity_reasons: JSONColumnType<string[]>;
  category: string | null;
  description: string | null;
  when_where: string | null;
  order_ref: string | null;
  desired_resolution: string | null;
  evidence: JSONColumnType<Array<Record<string, unknown>>>;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  consent_given: boolean;
  consent_version: string | null;
  consent_at: Date | null;
  opened_via: string;
  owner: string | null;
  team: string | null;
  first_response_due_at: Timestamp;
  resolution_due_at: Timestamp;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Staff resolution (2026-11-22T0100_slack). */
  determination: ColumnType<string | null, string | null | undefined, string | null>;
  root_cause: ColumnType<string | null, string | null | undefined, string | null>;
  resolution_summary: ColumnType<string | null, string | null | undefined, string | null>;
  remedy: ColumnType<string | null, string | null | undefined, string | null>;
  /** numeric(12,2): both drivers return it as a string. */
  remedy_amount: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** null (none needed) | pending | approved | rejected */
  remedy_approval: ColumnType<string | null, string | null | undefined, string | null>;
  remedy_decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  remedy_decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** null | mediation | legal: a flag, not a status. */
  escalation: ColumnType<string | null, string | null | undefined, string | null>;
  escalation_reason: ColumnType<string | null, string | null | undefined, string | null>;
  escalated_by: ColumnType<string | null, string | null | undefined, string | null>;
  escalated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The case card: channel id and message ts (the thread). */
  slack_channel: ColumnType<string | null, string | null | undefined, string | null>;
  slack_ts: ColumnType<string | null, string | null | undefined, string | null>;
  sla_paused_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  resolution_window_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  first_response_breached_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  resolution_breached_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Set when the case's personal fields and free text were removed; statistics stay. */
  anonymised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CaseDeadlineMarksTable {
  case_id: number;
  deadline: string;
  stage: string;
  due_at: Date | string;
  marked_at: CreatedAt;
}

/** A milestone reached, skipped or breached (m-milestones, issue 18); the plan itself comes from the policy. */
export interface CaseMilestonesTable {
  case_id: number;
  milestone_id: string;
  /** The due time when it was reached (or breached): met on time when done_at <= due_at. */
  due_at: Date | string;
  done_at: Date | null;
  skipped: ColumnType<boolean, boolean | undefined, boolean>;
  done_by: string | null;
  /** Staff's note, or the reason for a skip. */
  note: string | null;
  breached_at: Date | null;
  /** The case's severity and category when it was done, for reports. */
  severity: string;
  category: string | null;
}

export interface CaseMilestoneMarksTable {
  case_id: number;
  milestone_id: string;
  stage: string;
  due_at: Date | string;
  marked_at: CreatedAt;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: number;
  at: Timestamp;
  actor: string;
  action: string;
  from_value: string | null;
  to_value: string | null;
  details: JSONColumnType<Record<string, unknown>>;
}

export interface CaseMessagesTable {
  id: Generated<number>;
  case_id: number;
  direction: 'customer' | 'staff' | 'bot';
  author: string | null;
  body: string;
  attachments: JSONColumnType<Array<Record<string, unknown>>>;
  /** Staff notes that never reach the customer. */
  internal: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface AttachmentsTable {
  id: string;
  customer_id: number | null;
  case_id: number | null;
  channel: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  content: Uint8Array | null;
  created_at: CreatedAt;
}

export interface InboundDeliveriesTable {
  channel: string;
  delivery_id: string;
  received_at: CreatedAt;
}

export interface OutboxTable {
  id: Generated<number>;
  customer_id: number | null;
  case_id: number | null;
  channel: string;
  /** Messages of one conversation are delivered in id order. */
  conversation_key: string;
  address: JSONColumnType<Record<string, unknown>>;
  payload: JSONColumnType<Record<string, unknown>>;
  status: ColumnType<'pending' | 'sent' | 'failed', 'pending' | 'sent' | 'failed' | undefined, 'pending' | 'sent' | 'failed'>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
  /** Where the final outcome is reported (`{ to: <DeliveryListener name>, ... }`), or null. */
  report: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface WebchatMessagesTable {
  id: Generated<number>;
  visitor_id: string;
  direction: 'in' | 'out';
  payload: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** Audit of data subject requests (export, erasure), one row per request. */
export interface PrivacyRequestsTable {
  id: Generated<number>;
  kind: 'export' | 'erasure';
  customer_id: number;
  actor: string;
  at: Timestamp;
  /** Case numbers and counts only. */
  details: JSONColumnType<Record<string, unknown>>;
}

/** Single-use download links already followed (2026-11-22T0600), until they expire. */
export interface UsedExportLinksTable {
  link_id: string;
  /** Who followed it (`slack:<user>`). */
  actor: string;
  used_at: Date | string;
  expires_at: Date | string;
}

/** Bot posts in a case thread that carry the customer's words (2026-11-22T0700), redacted when the case is anonymised. */
export interface SlackThreadPostsTable {
  channel: string;
  ts: string;
  case_id: number;
  /** What the post becomes when the case is anonymised: no personal data. */
  redacted_text: string;
  posted_at: CreatedAt;
  /** Set when its chat.update was queued (once per post). */
  redaction_queued_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface SurveysTable {
  id: Generated<number>;
  case_id: number;
  customer_id: number;
  channel: string;
  owner: string | null;
  status: 'scheduled' | 'sent' | 'answered' | 'expired' | 'skipped';
  scheduled_for: Date | string;
  sent_at: Nullable<Date>;
  reminded_at: Nullable<Date>;
  answered_at: Nullable<Date>;
  expires_at: Nullable<Date>;
  resolved: Nullable<boolean>;
  csat: Nullable<number>;
  nps: Nullable<number>;
  comment: Nullable<string>;
  created_at: CreatedAt;
}

export interface SurveyCampaignsTable {
  id: Generated<number>;
  name: string;
  started_by: string;
  started_at: Date | string;
  recipients: ColumnType<number, number | undefined, number>;
}

export interface CampaignAnswersTable {
  id: Generated<number>;
  campaign_id: number;
  csat: number | null;
  nps: number | null;
  comment: string | null;
  answered_at: Date | string;
}

/** Campaign stages acted on per customer (2026-11-22T0600_campaign_marks); never linked to answers. */
export interface CampaignMarksTable {
  campaign_id: number;
  customer_id: number;
  stage: 'send' | 'remind';
}

export interface Database {
  surveys: SurveysTable;
  survey_campaigns: SurveyCampaignsTable;
  campaign_answers: CampaignAnswersTable;
  campaign_marks: CampaignMarksTable;
  customers: CustomersTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_deadline_marks: CaseDeadlineMarksTable;
  case_milestones: CaseMilestonesTable;
  case_milestone_marks: CaseMilestoneMarksTable;
  case_messages: CaseMessagesTable;
  attachments: AttachmentsTable;
  inbound_deliveries: InboundDeliveriesTable;
  outbox: OutboxTable;
  webchat_messages: WebchatMessagesTable;
  privacy_requests: PrivacyRequestsTable;
  used_export_links: UsedExportLinksTable;
  slack_thread_posts: SlackThreadPostsTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCaseRow = Insertable<CasesTable>;
export type OutboxRow = Selectable<OutboxTable>;
