import { startApp } from '../src/app/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

/**
 * hearken as `npm start` runs it (src/main.ts), for the bench. One difference,
 * on request: BENCH_PLATFORM_LIMITS=off drops the senders' platform rate
 * limits (Telegram's ~1 message/s per chat and 20/s per bot, kept in this
 * process), which exist to protect the real Bot API. With them on, a load of
 * customers who answer at once measures the limiter (≤ 20 replies/s), not
 * the app. Nothing else is changed.
 */
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
process.on('unhandledRejection', (reason) => {
  logger.error({ err: { message: reason instanceof Error ? reason.message : String(reason) } }, 'unhandled rejection');
});
const app = await startApp(config, { logger });
if (process.env.BENCH_PLATFORM_LIMITS === 'off') {
  for (const module of app.modules) {
    if (module.sender?.rateLimit) Object.defineProperty(module.sender, 'rateLimit', { value: undefined });
  }
  logger.info('bench: platform rate limits off');
}
const shutdown = () => {
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
