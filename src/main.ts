import { startApp } from './app/app.ts';
import { tuneHeapGrowth } from './app/heap-tuning.ts';
import { loadConfigOrExit } from './config.ts';
import { createLogger } from './logger.ts';
import { warmUpSegmenter } from './understanding/segmenter.ts';

/** `npm start`: one process serving every configured channel. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  tuneHeapGrowth(config.HEAP_GROWING_PERCENT);
  const logger = createLogger(config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
  let app;
  try {
    app = await startApp(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'hearken could not start');
    process.exit(1);
  }
  logger.info({ url: app.url }, 'web chat ready');
  // The first Chinese word segmentation builds ICU's word breaker (~30 ms): do it now, not while the first customer waits.
  setImmediate(warmUpSegmenter);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
