import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from 'pg-boss';
import { reportsRouter } from '../../adapters/reports/reports.routes.ts';
import { REPORT_DIGEST_QUEUE } from '../../adapters/slack/slack.digest.ts';
import type { AppContext, ChannelModule } from '../../adapters/channel-module.ts';
import type { OutboxSender } from '../channels/contract.ts';
import type { OutboxRow } from '../db/schema.ts';
import { channelModuleFactories } from './modules.ts';
import type { Config } from '../config.ts';
import { loadPromptCatalog, type PromptCatalog } from '../conversation/prompt-catalog.ts';
import { loadClassifyRules } from '../understanding/classify-rules.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/database.ts';
import { createHttpApp, finishHttpApp } from '../http/server.ts';
import { ConversationService, IDLE_CHECK_QUEUE } from '../inbound/conversation.service.ts';
import { Timers } from '../jobs/timers.ts';
import { DEADLINE_QUEUE, DeadlineService, type DeadlineTimer } from '../sla/deadline.service.ts';
import { createLogger, type Logger } from '../logger.ts';
import { Metrics } from '../ops/metrics.ts';
import { opsRouter } from '../ops/ops.routes.ts';
import { OutboxWorker } from '../outbox/outbox-worker.ts';
import { allMilestones, loadPolicy, type Policy } from '../policy.ts';
import { CASE_ANONYMISED_QUEUE, PrivacyService, type CaseAnonymisedJob } from '../privacy/privacy.service.ts';
import { RETENTION_QUEUE } from '../privacy/retention.ts';
import { DeskRelay } from '../staff/desk-relay.ts';
import { CASE_CLOSE_QUEUE, CaseClosing, type CaseCloseTimer } from '../surveys/case-closing.ts';
import { CAMPAIGN_SCHEDULE_QUEUE, CampaignService } from '../surveys/campaign.service.ts';
import { SurveyAnswers } from '../surveys/survey-answers.ts';
import { SURVEY_QUEUE, SurveyService, type SurveyTimer } from '../surveys/survey.service.ts';
import type { PrivacyHook } from '../privacy/privacy-hook.ts';
import { caseDeliveryAudit } from '../cases/delivery-audit.ts';
import { loadReportTexts } from '../reports/report-texts.ts';
import { MILESTONE_QUEUE, MilestoneService, type MilestoneTimer } from '../sla/milestone.service.ts';

export interface AppOptions {
  logger?: Logger;
  /** Application clock (defaults to the system clock). */
  clock?: () => Date;
  /** pg-boss clock, e.g. its TestClock. */
  timerClock?: Clock;
  /** Extra channel modules, built once the context exists (later channels plug in here). */
  modules?: Array<(ctx: AppContext) => ChannelModule | undefined | Promise<ChannelModule | undefined>>;
}

export interface RunningApp {
  url: string;
  port: number;
  config: Config;
  policy: Policy;
  catalog: PromptCatalog;
  database: DatabaseHandle;
  conversations: ConversationService;
  deadlines: DeadlineService;
  milestones: MilestoneService;
  surveys: SurveyService;
  /** Resolved → closed: survey answers and the quiet-period timer. */
  closing: CaseClosing;
  campaigns: CampaignService;
  outbox: OutboxWorker;
  timers: Timers;
  privacy: PrivacyService;
  metrics: Metrics;
  modules: ChannelModule[];
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts hearken: configuration files validated first (a broken prompt or
 * policy stops here), database opened and migrated, timers and outbox
 * started, every configured channel mounted on one HTTP server.
 */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? (() => new Date());
  const policy = loadPolicy(config.POLICY_FILE);
  const catalog = loadPromptCatalog(config.PROMPTS_DIR, policy);
  const classifyRules = loadClassifyRules(config.PROMPTS_DIR);

  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost; the pool reconnects'),
  });
  const db = database.db;
  await migrateToLatest(db);
  const timers = await Timers.start(database, logger, { pollSeconds: config.TIMER_POLL_SECONDS, clock: options.timerClock });

  let outbox: OutboxWorker | undefined;
  const outboxWritten = () => outbox?.kick();
  const caseListeners: NonNullable<ConstructorParameters<typeof ConversationService>[0]['caseListeners']> = [];
  const metrics = new Metrics(db, { severities: policy.severity.levels, clock, logger });
  const inboundHandled = metrics.inboundHandled.bind(metrics);
  const deliverNow = (rows: OutboxRow[]) => outbox?.deliverNow(rows);
  // The conversation service is built below (it needs the deadlines); breaches reach it only once timers run.
  const deadlines = new DeadlineService({
    db, timers, policy, logger, clock, outboxWritten, listeners: caseListeners,
    conversations: { handleEventIn: (trx, customerId, event) => conversations.handleEventIn(trx, customerId, event) },
  });
  const desk = new DeskRelay();
  const closing = new CaseClosing({ db, timers, policy, desk, deadlines, logger, clock, outboxWritten });
  const surveyAnswers = new SurveyAnswers({ policy, desk, deadlines, logger, closing });
  const conversations = new ConversationService({
    db,
    catalog,
    policy,
    classifyRules,
    timers,
    logger,
    clock,
    outboxWritten,
    deliverNow,
    caseListeners,
    inboundHandled,
    batchCommitted: (size) => metrics.inboundBatchCommitted(size),
    surveyAnswers,
    closing,
    // The embedded database has one connection: a second batch would only wait for it.
    concurrentBatches: database.kind === 'pglite' ? 1 : config.INBOUND_BATCHES,
    queueLimit: config.INBOUND_QUEUE_LIMIT,
  });
  caseListeners.push(deadlines.listener);
  const milestones = new MilestoneService({ db, timers, policy, desk, logger, clock, outboxWritten, conversations });
  caseListeners.push(milestones.listener);
  const surveys = new SurveyService({ db, timers, policy, logger, clock, outboxWritten, conversations, closing });
  const campaigns = new CampaignService({ db, timers, logger, clock });
  const privacyHooks: PrivacyHook[] = [];
  const privacy = new PrivacyService({ db, policy, logger, clock, timers, caseListeners, privacyHooks, outboxWritten });
  const ctx: AppContext = { config, policy, catalog, database, db, conversations, deadlines, milestones, timers, privacy, surveys, campaigns, desk, logger, clock, outboxWritten, inboundDropped: (channel) => metrics.inboundDropped(channel) };

  const modules: ChannelModule[] = [];
  for (const factory of [...channelModuleFactories, ...(options.modules ?? [])]) {
    const module = await factory(ctx);
    if (module) modules.push(module);
  }
  for (const module of modules) if (module.caseListener) caseListeners.push(module.caseListener);
  for (const module of modules) if (module.privacyHook) privacyHooks.push(module.privacyHook);

  const senders = new Map<string, OutboxSender>();
  for (const module of modules) if (module.sender) senders.set(module.sender.channel, module.sender);
  const listeners = [caseDeliveryAudit, ...modules.flatMap((m) => (m.deliveryListener ? [m.deliveryListener] : []))];
  outbox = new OutboxWorker(db, senders, logger, {
    pollMs: config.OUTBOX_POLL_MS,
    leaseSeconds: config.OUTBOX_LEASE_SECONDS,
    // A send must give up inside its lease, or the row is sent twice at once.
    sendTimeoutMs: Math.min(20_000, (config.OUTBOX_LEASE_SECONDS * 1000) / 2),
    listeners,
    observer: metrics,
    clock,
  });

  const app = createHttpApp({ trustProxy: config.TRUST_PROXY });
  app.use(opsRouter({ db, modules, metrics, metricsToken: config.METRICS_TOKEN }));
  if (config.REPORTS_TOKEN) app.use('/reports', reportsRouter({ db, token: config.REPORTS_TOKEN, timezone: policy.timezone, clock, logger, sessionHours: config.REPORTS_SESSION_HOURS, texts: loadReportTexts(config.PROMPTS_DIR, { timezone: policy.timezone, categories: policy.categories, catalog, milestones: allMilestones(policy) }), defaultLocale: config.STAFF_LOCALE }));
  for (const module of modules) module.mount?.(app);
  finishHttpApp(app, logger);

  await timers.work<{ customerId: number; intakeId: string }>(IDLE_CHECK_QUEUE, (data) =>
    conversations.handleTimerEvent(data.customerId, { type: 'idle-check', intakeId: data.intakeId }),
  );
  await timers.work<DeadlineTimer>(DEADLINE_QUEUE, (data) => deadlines.handle(data));
  await timers.work<MilestoneTimer>(MILESTONE_QUEUE, (data) => milestones.handle(data));
  await timers.work<SurveyTimer>(SURVEY_QUEUE, (data) => surveys.handle(data));
  await timers.work<CaseCloseTimer>(CASE_CLOSE_QUEUE, (data) => closing.handle(data));
  await timers.work(RETENTION_QUEUE, async () => void (await privacy.runRetention()));
  await timers.work<CaseAnonymisedJob>(CASE_ANONYMISED_QUEUE, (job) => privacy.caseAnonymised(job));
  // The anonymous campaign on the policy's schedule (survey.campaignSchedule); a removed schedule is dropped.
  await timers.work(CAMPAIGN_SCHEDULE_QUEUE, async () => {
    const schedule = policy.survey.campaignSchedule;
    if (schedule) await campaigns.startScheduled({ name: schedule.name, timezone: policy.timezone });
  });
  if (policy.survey.campaignSchedule) await timers.scheduleRecurring(CAMPAIGN_SCHEDULE_QUEUE, policy.survey.campaignSchedule.cron, { tz: policy.timezone });
  else await timers.unscheduleRecurring(CAMPAIGN_SCHEDULE_QUEUE);
  if (policy.retention.enabled) await timers.scheduleRecurring(RETENTION_QUEUE, policy.retention.schedule, { tz: policy.timezone });
  else await timers.unscheduleRecurring(RETENTION_QUEUE);
  // The digest posts through Slack: the Slack module schedules it; without Slack it must not stay scheduled.
  if (!modules.some((m) => m.name === 'slack')) await timers.unscheduleRecurring(REPORT_DIGEST_QUEUE);
  for (const module of modules) await module.start?.();
  outbox.start();

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host}:${port}`;
  logger.info(
    { port, database: database.kind, channels: modules.map((m) => m.name), off: offChannels(config), reports: reportsState(config) },
    'hearken started',
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      for (const module of modules) await module.stop?.().catch(() => undefined);
      await outbox!.stop();
      await timers.stop().catch(() => undefined);
      await database.close();
      logger.info('hearken stopped');
    })());

  return { url, port, config, policy, catalog, database, conversations, deadlines, milestones, surveys, closing, campaigns, outbox, timers, privacy, metrics, modules, logger, stop };
}

/** The staff reports page and the weekly digest, as the start log shows them. */
function reportsState(config: Config): { page: string; digest: string } {
  return {
    page: config.REPORTS_TOKEN ? 'on at /reports' : 'off (no REPORTS_TOKEN)',
    digest: !config.REPORT_DIGEST_CHANNEL ? 'off (no REPORT_DIGEST_CHANNEL)' : config.SLACK_BOT_TOKEN ? `to ${config.REPORT_DIGEST_CHANNEL}, cron ${config.REPORT_DIGEST_CRON}` : 'off (needs SLACK_BOT_TOKEN)',
  };
}

/** Channels without credentials are off; the start log says so. */
function offChannels(config: Config): string[] {
  const off: string[] = [];
  if (!config.TELEGRAM_BOT_TOKEN) off.push('telegram (no TELEGRAM_BOT_TOKEN)');
  const agents = config.BOTFRAMEWORK_SDK === 'agents';
  if (!(agents ? (config.clientId ?? config.MicrosoftAppId) : config.MicrosoftAppId) && !config.BOTFRAMEWORK_EMULATOR) off.push(`botframework (no ${agents ? 'clientId' : 'MicrosoftAppId'})`);
  if (!config.SLACK_BOT_TOKEN) off.push('slack (no SLACK_BOT_TOKEN)');
  return off;
}
