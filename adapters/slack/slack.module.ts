import { App, ExpressReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import express from 'express';
import type { AppContext, ChannelModule } from '../channel-module.ts';
import { ConfigError } from '../../src/config.ts';
import { customerWrote } from '../../src/staff/customer-wrote.ts';
import { staffDeliveryListener } from '../../src/staff/delivery-reported.ts';
import { routeNewCase } from '../../src/staff/route-new-case.ts';
import { loadRouting, type Routing } from '../../src/staff/routing.ts';
import { loadStaffLanguages } from '../../src/staff/staff-catalog.ts';
import type { StaffDeps } from '../../src/staff/staff-action.ts';
import { caseOwner } from '../../src/staff/staff.repository.ts';
import { boltLogger, classifySlackError, createSlackClient, slackApiBase, slackClientOptions, SlackHealth, type SlackClient } from './slack.client.ts';
import { registerCommand } from './slack.command.ts';
import type { SlackContext } from './slack.context.ts';
import { SlackDesk } from './slack.desk.ts';
import { queueDigest, REPORT_DIGEST_QUEUE } from './slack.digest.ts';
import { SlackDirectory } from './slack.directory.ts';
import { customerExportRouter, exportKey, exportRouter } from './slack.export.ts';
import { registerInteractions } from './slack.interactions.ts';
import { refuseFutureRequests, SLACK_EVENTS_PATH } from './slack.freshness.ts';
import { SlackSender } from './slack.sender.ts';
import { registerThreadEvents } from './slack.thread-events.ts';

/** Customer-facing texts the desk sends: checked at start in every locale. */
const DESK_TEXTS = ['messages.companyName', 'messages.staffReply', 'messages.requestInfo', 'messages.caseResult', 'messages.caseResultRemedy', 'messages.caseReopened'];

/**
 * The staff desk in Slack (off without SLACK_BOT_TOKEN). HTTP mode: Bolt's
 * ExpressReceiver on the shared app at POST /slack/events, requests signed
 * with SLACK_SIGNING_SECRET (bad, stale or dated ahead → 401). Socket Mode when
 * SLACK_APP_TOKEN is set. Web API calls go to SLACK_API_URL when set.
 */
export async function createSlackModule(ctx: AppContext): Promise<ChannelModule | undefined> {
  const { config, logger } = ctx;
  const token = config.SLACK_BOT_TOKEN;
  if (!token) return undefined;
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET) {
    throw new ConfigError('Invalid configuration: SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (HTTP mode), or set SLACK_APP_TOKEN for Socket Mode');
  }
  const staffChannel = config.SLACK_STAFF_CHANNEL ?? config.SLACK_CASES_CHANNEL;
  if (!staffChannel && !config.SLACK_STAFF_GROUP) {
    throw new ConfigError('Invalid configuration: SLACK_STAFF_CHANNEL / SLACK_STAFF_GROUP: set one (or SLACK_CASES_CHANNEL), or nobody could act on cases');
  }
  const routing = loadRouting(config.SLACK_ROUTING_FILE, ctx.policy, config.SLACK_CASES_CHANNEL);
  for (const locale of ctx.catalog.locales) for (const key of DESK_TEXTS) ctx.catalog.t(locale, key);
  // Every locale's staff.json is checked, whichever one the desk shows. A team may read its own (routing file).
  const teamLocales = Object.fromEntries(Object.entries(routing.teams).map(([team, t]) => [team, t.locale]));
  const languages = loadStaffLanguages(config.PROMPTS_DIR, config.STAFF_LOCALE, teamLocales, { timezone: ctx.policy.timezone, catalog: ctx.catalog });
  const texts = languages.default;

  const sdkLogger = boltLogger(logger);
  const client = createSlackClient(token, config.SLACK_API_URL, sdkLogger);
  const health = new SlackHealth(logger);
  const directory = new SlackDirectory(client, {
    staffChannel,
    staffGroup: config.SLACK_STAFF_GROUP,
    supervisorsChannel: config.SLACK_SUPERVISORS_CHANNEL,
    supervisorsGroup: config.SLACK_SUPERVISORS_GROUP,
    ttlMs: config.SLACK_ROLE_CACHE_SECONDS * 1000,
  });
  if (!directory.hasSupervisors) logger.warn({ component: 'slack' }, 'no SLACK_SUPERVISORS_CHANNEL or SLACK_SUPERVISORS_GROUP: remedies that need approval cannot be approved');
  const desk = new SlackDesk({ supervisorsChannel: config.SLACK_SUPERVISORS_CHANNEL, languages });
  const deps: StaffDeps = {
    db: ctx.db,
    policy: ctx.policy,
    catalog: ctx.catalog,
    routing,
    desk,
    clock: ctx.clock,
    outboxWritten: ctx.outboxWritten,
    attribution: config.SLACK_REPLY_ATTRIBUTION,
    deadlines: ctx.deadlines,
    surveys: ctx.surveys,
    milestones: ctx.milestones,
  };
  ctx.desk.attach(desk);
  const sender = new SlackSender({
    db: ctx.db,
    client,
    health,
    languages,
    logger,
    clock: ctx.clock,
    defaultChannel: routing.defaultChannel!,
    supervisorsChannel: config.SLACK_SUPERVISORS_CHANNEL,
    currency: routing.resolution.currency,
    desk,
    outboxWritten: ctx.outboxWritten,
    policy: ctx.policy,
  });

  const router = socketMode ? undefined : express.Router();
  // Registered before Bolt's own handler on the same path, so it runs first (Bolt refuses only old timestamps).
  router?.post(SLACK_EVENTS_PATH, refuseFutureRequests(logger));
  const receiver: Receiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN!,
        logger: sdkLogger,
        // The socket client keeps its own retry policy: it must keep reconnecting.
        installerOptions: { clientOptions: slackApiBase(config.SLACK_API_URL) },
      })
    : new ExpressReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET!,
        router,
        logger: sdkLogger,
        endpoints: SLACK_EVENTS_PATH,
        // Answer Slack only once the change is committed: a failure answers 500 and Slack redelivers the event
        // (deduplicated by event_id), instead of an acknowledged event being lost.
        processBeforeResponse: true,
      });
  const bolt = new App({ receiver, authorize: cachedAuthorize(client, token), logger: sdkLogger, clientOptions: slackClientOptions(config.SLACK_API_URL) });
  bolt.error(async (error) => {
    logger.error({ component: 'slack', err: error }, 'Slack listener failed');
    throw error;
  });
  const slack: SlackContext = { deps, campaigns: ctx.campaigns, client, directory, logger, config, texts, languages };
  registerInteractions(bolt, slack);
  registerThreadEvents(bolt, slack);
  const key = exportKey(config.SLACK_SIGNING_SECRET ?? token);
  registerCommand(bolt, slack, { exportKey: key, publicUrl: config.PUBLIC_URL, privacy: ctx.privacy });

  return {
    name: 'slack',
    sender,
    caseListener: {
      caseOpened: async (trx, event) => {
        await routeNewCase(trx, deps, event.caseId, event.at);
        if (event.severity === ctx.policy.severity.elevated) await desk.publish(trx, event.caseId, { type: 'emergency' });
      },
      customerMessage: (trx, event) => customerWrote(trx, desk, ctx.deadlines, event),
      deadlineReminder: async (trx, event) => {
        await desk.publish(trx, event.caseId, { type: 'deadline-reminder', deadline: event.deadline, dueAt: event.dueAt, owner: await caseOwner(trx, event.caseId) });
      },
      deadlineBreached: async (trx, event) => {
        const owner = await caseOwner(trx, event.caseId);
        await desk.publish(trx, event.caseId, { type: 'deadline-breached', deadline: event.deadline, dueAt: event.dueAt, owner, newExpectation: event.newExpectation });
      },
      caseAnonymised: (trx, event) => desk.caseAnonymised(trx, event.caseId, event.reason, event.at),
    },
    deliveryListener: staffDeliveryListener(desk),
    mount(app) {
      if (router) app.use(router);
      app.use(exportRouter({ db: ctx.db, key, clock: ctx.clock, logger, texts }));
      app.use(customerExportRouter({ privacy: ctx.privacy, key, clock: ctx.clock, logger, texts }));
    },
    async start() {
      const digestChannel = config.REPORT_DIGEST_CHANNEL;
      if (digestChannel) {
        const digest = { db: ctx.db, logger, clock: ctx.clock, timezone: ctx.policy.timezone, channel: digestChannel, outboxWritten: ctx.outboxWritten, texts };
        await ctx.timers.work(REPORT_DIGEST_QUEUE, async () => void (await queueDigest(digest)));
        await ctx.timers.scheduleRecurring(REPORT_DIGEST_QUEUE, config.REPORT_DIGEST_CRON, { tz: ctx.policy.timezone });
        logger.info({ component: 'reports', channel: digestChannel, cron: config.REPORT_DIGEST_CRON, timezone: ctx.policy.timezone }, 'weekly report digest scheduled');
      } else {
        await ctx.timers.unscheduleRecurring(REPORT_DIGEST_QUEUE);
      }
      if (socketMode) {
        // Not awaited: a Slack outage at start must not hold up or stop the rest of the app; the client keeps reconnecting.
        void bolt.start().then(
          () => {
            health.ok('socket');
            logger.info({ component: 'slack' }, 'Slack Socket Mode connected');
          },
          (error: Error) => health.problem('socket', classifySlackError(error).code),
        );
      }
      void checkWorkspace(client, health, routing, config.SLACK_SUPERVISORS_CHANNEL, logger, socketMode);
    },
    async stop() {
      if (socketMode) await bolt.stop().catch(() => undefined);
    },
    lastError: () => health.lastError(),
  };
}

/** Bolt's authorize: the one bot token, with the bot's ids from auth.test once it answers. */
function cachedAuthorize(client: SlackClient, token: string) {
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  return async () => {
    identity ??= client.auth.test().then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id }),
      () => {
        identity = undefined;
        return {};
      },
    );
    return { botToken: token, ...(await identity) };
  };
}

/** At start: is the token good, and can the bot post in every routed channel? Problems are logged and shown on /healthz. */
async function checkWorkspace(client: SlackClient, health: SlackHealth, routing: Routing, supervisors: string | undefined, logger: AppContext['logger'], socketMode: boolean): Promise<void> {
  try {
    const auth = await client.auth.test();
    health.ok('auth');
    health.ok('api');
    logger.info({ component: 'slack', botUserId: auth.user_id, team: auth.team_id, mode: socketMode ? 'socket' : 'http' }, 'Slack desk ready');
  } catch (error) {
    const failure = classifySlackError(error);
    health.problem(failure.setup ? 'auth' : 'api', failure.code);
    return;
  }
  const channels = new Set([routing.defaultChannel!, ...Object.values(routing.teams).flatMap((t) => (t.channel ? [t.channel] : [])), ...routing.rules.flatMap((r) => (r.channel ? [r.channel] : []))]);
  if (supervisors) channels.add(supervisors);
  for (const channel of channels) {
    try {
      const info = await client.conversations.info({ channel });
      if (info.channel?.is_archived) health.problem(channel, 'is_archived');
      else if (info.channel && info.channel.is_member === false) health.problem(channel, 'not_in_channel');
      else health.ok(channel);
    } catch (error) {
      const failure = classifySlackError(error);
      if (failure.setup) health.problem(channel, failure.code);
      else logger.warn({ component: 'slack', channel, code: failure.code }, 'could not check Slack channel at start');
    }
  }
}
