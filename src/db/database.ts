import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { MigrationError } from '../errors.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Present for the embedded database: pg-boss shares the one instance. */
  pglite?: PGlite;
  connectionString?: string;
  close(): Promise<void>;
}

const INT8_OID = 20;
const parseInt8 = (value: string): number => Number.parseInt(value, 10);

/**
 * Opens PostgreSQL when `databaseUrl` is given, else the embedded PGlite in
 * `dataDir` (`memory://` for an in-memory database). int8 columns come back as
 * numbers from both.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Told when a connection to PostgreSQL breaks (server restart, network); the pool replaces it. */
  onConnectionError?: (error: Error & { code?: string }) => void;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    pg.types.setTypeParser(INT8_OID, parseInt8);
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const connectionError = (error: Error) => options.onConnectionError?.(error);
    // An idle client that loses its server must not crash the process.
    pool.on('error', connectionError);
    // Nor may a checked-out one: pg-pool takes its own 'error' listener off a
    // client while it is checked out and Kysely adds none, so a server that
    // ends the session between two statements of a transaction (57P01 on
    // restart, ECONNRESET) would be an unhandled 'error' event. The statement
    // in flight, or the next one, fails instead; the transaction rolls back
    // with it, and pg-pool discards the broken client on release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', connectionString: options.databaseUrl, close: () => db.destroy() };
  }
  const inMemory = options.dataDir.startsWith('memory://');
  if (!inMemory) {
    mkdirSync(options.dataDir, { recursive: true });
    if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await initialiseDataDir(options.dataDir);
  }
  const pglite = await PGlite.create(inMemory ? undefined : options.dataDir, {
    parsers: { [pgliteTypes.INT8]: parseInt8 },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    pglite,
    async close() {
      await db.destroy();
    },
  };
}

/**
 * A new embedded database is created (PGlite's initdb) in a child process:
 * initdb runs a WebAssembly instance of its own whose memory the server
 * process would keep mapped long after (measured: 803 MB resident after a
 * fresh create in-process, 287 MB after opening the same directory created
 * in a child). Only the first start of a new data directory pays for it.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  const create = 'const { PGlite } = await import(process.argv[1]); const db = await PGlite.create(process.argv[2]); await db.close();';
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', create, import.meta.resolve('@electric-sql/pglite'), dataDir], { timeout: 300_000 });
  } catch (error) {
    throw new Error(`Creating the embedded database in ${dataDir} failed: ${(error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (error as Error).message}`);
  }
}

/** Names of migrations this code has that the database has not run (readiness). Throws when the database is unreachable. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Runs pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
