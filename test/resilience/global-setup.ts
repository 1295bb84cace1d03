import { startPostgres, type PostgresServer } from '../../bench/pg.ts';

/**
 * The resilience suite runs on real PostgreSQL: TEST_DATABASE_URL when CI
 * gives one, else a server of its own started here (Debian's PostgreSQL 15
 * on 127.0.0.1; needs root or the postgres user). It fails, never skips,
 * when neither is possible.
 */
let server: PostgresServer | undefined;

export default async function setup(): Promise<() => void> {
  if (!process.env.TEST_DATABASE_URL) {
    server = await startPostgres();
    process.env.TEST_DATABASE_URL = server.url;
  }
  return () => server?.destroy();
}
