import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The resilience suite needs real PostgreSQL and runs one file at a time: npm run test:resilience.
    exclude: [...configDefaults.exclude, 'test/resilience/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run two at a time; each test file starts its own app and database.
    maxWorkers: 2,
    pool: 'forks',
  },
});
