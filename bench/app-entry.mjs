// hearken as `npm start` runs it in production (the built JavaScript in
// dist/, no TypeScript loader), for the bench: bench/run.ts builds dist/
// first when it is stale. One difference, on request:
// BENCH_PLATFORM_LIMITS=off drops the senders' platform rate limits
// (Telegram's ~1 message/s per chat and 20/s per bot, kept in this process),
// which exist to protect the real Bot API. With them on, a load of customers
// who answer at once measures the limiter (≤ 20 replies/s), not the app.
// Nothing else is changed. Plain JavaScript: it runs beside dist/ as it is.
import { startApp } from '../dist/src/app/app.js';
import { tuneHeapGrowth } from '../dist/src/app/heap-tuning.js';
import { loadConfig } from '../dist/src/config.js';
import { createLogger } from '../dist/src/logger.js';

const config = loadConfig();
tuneHeapGrowth(config.HEAP_GROWING_PERCENT);
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
