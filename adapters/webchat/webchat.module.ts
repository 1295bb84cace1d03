import type { AppContext, ChannelModule } from '../../src/channels/channel-module.ts';
import { deleteOrphanAttachments } from '../../src/privacy/privacy.repository.ts';
import { webchatRouter } from './webchat.routes.ts';
import { WebchatSender } from './webchat.sender.ts';
import { TranscriptWakeups } from './webchat.wakeups.ts';

/** At most one sweep of stale uploads per this many ms, per instance. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The built-in web chat: always on. Files uploaded but never sent in a
 * message are deleted once the intake they were meant for has expired
 * (policy intake.expireAfterSeconds) instead of waiting for retention's
 * abandonedIntakeDays: the sweep runs after uploads, at most every ten
 * minutes per instance.
 */
export function createWebchatChannel(ctx: Pick<AppContext, 'config' | 'policy' | 'database' | 'db' | 'conversations' | 'logger' | 'clock'>): ChannelModule {
  const { config, policy, db, logger, clock } = ctx;
  const wakeups = new TranscriptWakeups(ctx.database, logger);
  const sender = new WebchatSender(db, wakeups);
  let sweptAt = Number.NEGATIVE_INFINITY;
  const uploaded = () => {
    const now = clock().getTime();
    if (now - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = now;
    const cutoff = new Date(now - policy.intake.expireAfterSeconds * 1000);
    deleteOrphanAttachments(db, cutoff, 'webchat').then(
      (deleted) => deleted > 0 && logger.info({ component: 'webchat', deleted }, 'unattached uploads deleted after the intake expiry'),
      (error: Error) => logger.warn({ component: 'webchat', err: { message: error.message } }, 'sweep of unattached uploads failed; retried after the next upload'),
    );
  };
  return {
    name: 'webchat',
    sender,
    mount: (app) =>
      app.use(
        webchatRouter({
          db,
          conversations: ctx.conversations,
          wakeups,
          policy,
          clock,
          uploaded,
          limits: {
            sessionBurst: config.WEBCHAT_SESSION_BURST,
            sessionsPerHour: config.WEBCHAT_SESSIONS_PER_HOUR,
            uploadBurst: config.WEBCHAT_UPLOAD_BURST,
            uploadsPerHour: config.WEBCHAT_UPLOADS_PER_HOUR,
            unattachedUploads: config.WEBCHAT_UNATTACHED_UPLOADS,
          },
        }),
      ),
    start: () => wakeups.start(),
    stop: () => wakeups.stop(),
  };
}
