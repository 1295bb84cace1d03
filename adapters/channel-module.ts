import type { Express } from 'express';
import type { CaseListener } from '../src/cases/case-listener.ts';
import type { Config } from '../src/config.ts';
import type { PromptCatalog } from '../src/conversation/prompt-catalog.ts';
import type { DatabaseHandle, Db } from '../src/db/database.ts';
import type { ConversationService } from '../src/inbound/conversation.service.ts';
import type { Timers } from '../src/jobs/timers.ts';
import type { DeadlineService } from '../src/sla/deadline.service.ts';
import type { Logger } from '../src/logger.ts';
import type { DeliveryListener } from '../src/outbox/delivery-listener.ts';
import type { Policy } from '../src/policy.ts';
import type { PrivacyService } from '../src/privacy/privacy.service.ts';
import type { DeskRelay } from '../src/staff/desk-relay.ts';
import type { CampaignService } from '../src/surveys/campaign.service.ts';
import type { SurveyService } from '../src/surveys/survey.service.ts';
import type { OutboxSender } from '../src/channels/contract.ts';
import type { PrivacyHook } from '../src/privacy/privacy-hook.ts';
import type { MilestoneService } from '../src/sla/milestone.service.ts';

/** What a channel module gets from the app. */
export interface AppContext {
  config: Config;
  policy: Policy;
  catalog: PromptCatalog;
  database: DatabaseHandle;
  db: Db;
  conversations: ConversationService;
  /** Deadline clock operations for staff actions (pause, resume, severity change, reopen). */
  deadlines: DeadlineService;
  timers: Timers;
  /** Data subject requests (export, erasure) for staff commands. */
  privacy: PrivacyService;
  logger: Logger;
  clock: () => Date;
  /** Satisfaction surveys (scheduled on resolution, skipped by staff) and anonymous campaigns. */
  surveys: SurveyService;
  campaigns: CampaignService;
  /** Milestones staff mark from the case card (issue 18). */
  milestones?: MilestoneService;
  /** A desk adapter attaches its StaffDesk here to hear about survey answers. */
  desk: DeskRelay;
  /** Wake the outbox worker after committing outbox rows outside the conversation service. */
  outboxWritten: () => void;
  /** Counts an inbound update a channel gave up on after repeated failures to handle it (metrics). */
  inboundDropped: (channel: string) => void;
}

/**
 * A channel plugged into the app: its HTTP routes, its outbox sender and its
 * lifecycle. A factory returns undefined when the channel has no credentials
 * (the channel is off).
 */
export interface ChannelModule {
  readonly name: string;
  readonly sender?: OutboxSender;
  readonly caseListener?: CaseListener;
  /** Told the final outcome of outbox rows whose `report.to` is its name. */
  readonly deliveryListener?: DeliveryListener;
  /** What the module keeps about customers in its own tables, for export, erasure and retention. */
  readonly privacyHook?: PrivacyHook;
  mount?(app: Express): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** For /readyz: the last error talking to the platform, if any. */
  lastError?(): string | undefined;
}
