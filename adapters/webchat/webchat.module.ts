import type { AppContext, ChannelModule } from '../channel-module.ts';
import { sweepUnattachedUploads, UPLOAD_SWEEP_CRON, UPLOAD_SWEEP_QUEUE } from './webchat.upload-sweep.ts';
import { webchatPrivacy } from './webchat.privacy.ts';
import { webchatRouter } from './webchat.routes.ts';
import { WebchatSender } from './webchat.sender.ts';
import { TranscriptWakeups } from './webchat.wakeups.ts';

/**
 * The built-in web chat: always on. Files uploaded but never sent in a
 * message are deleted once the intake they were meant for has expired
 * (policy intake.expireAfterSeconds) instead of waiting for retention's
 * abandonedIntakeDays: a durable pg-boss schedule every ten minutes, one run
 * per occurrence across all instances, whether or not anyone uploads.
 */
export function createWebchatChannel(ctx: Pick<AppContext, 'config' | 'policy' | 'database' | 'db' | 'conversations' | 'timers' | 'logger' | 'clock'>): ChannelModule {
  const { config, policy, db, logger, clock } = ctx;
  const wakeups = new TranscriptWakeups(ctx.database, logger);
  const sender = new WebchatSender(db, wakeups);
  return {
    name: 'webchat',
    sender,
    privacyHook: webchatPrivacy,
    mount: (app) =>
      app.use(
        webchatRouter({
          db,
          conversations: ctx.conversations,
          wakeups,
          policy,
          clock,
          promptsDir: config.PROMPTS_DIR,
          limits: {
            sessionBurst: config.WEBCHAT_SESSION_BURST,
            sessionsPerHour: config.WEBCHAT_SESSIONS_PER_HOUR,
            uploadBurst: config.WEBCHAT_UPLOAD_BURST,
            uploadsPerHour: config.WEBCHAT_UPLOADS_PER_HOUR,
            unattachedUploads: config.WEBCHAT_UNATTACHED_UPLOADS,
          },
        }),
      ),
    async start() {
      await ctx.timers.work(UPLOAD_SWEEP_QUEUE, async () => void (await sweepUnattachedUploads({ db, policy, logger }, clock())));
      await ctx.timers.scheduleRecurring(UPLOAD_SWEEP_QUEUE, UPLOAD_SWEEP_CRON, { tz: policy.timezone });
      await wakeups.start();
    },
    stop: () => wakeups.stop(),
  };
}
