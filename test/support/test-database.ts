import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The database a test app runs on: the embedded PGlite in memory by default,
 * or — when TEST_DATABASE_URL points at a PostgreSQL server (CI) — a fresh
 * database created on it for this test.
 */
export async function createTestDatabaseUrl(): Promise<string | undefined> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return undefined;
  const name = `hk_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export const usingPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);
