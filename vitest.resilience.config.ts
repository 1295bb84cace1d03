import { defineConfig } from 'vitest/config';

/**
 * `npm run test:resilience`: kill -9 and restart, PostgreSQL restart, Bot API
 * faults, duplicate deliveries. Real PostgreSQL: TEST_DATABASE_URL, or a
 * server the global setup starts (as root, Debian's PostgreSQL 15). One file
 * at a time: they kill processes and restart servers. Each file stays under
 * a minute.
 */
export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    globalSetup: ['test/resilience/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
