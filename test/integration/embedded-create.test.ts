import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * A new embedded database is created (initdb) in a child process, so the
 * server process does not keep initdb's WebAssembly memory: opening a new
 * data directory in-process left it at ~800 MB resident, against ~290 MB
 * for an existing one (src/db/database.ts).
 */
describe('a new embedded database', () => {
  it('is created without the server process keeping initdb’s memory, and opens again with its data', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'hearken-embedded-')), 'data');
    const script = `
      import { openDatabase, migrateToLatest } from './src/db/database.ts';
      import { sql } from 'kysely';
      const handle = await openDatabase({ dataDir: process.argv[1] });
      await migrateToLatest(handle.db);
      const { rows } = await sql\`SELECT count(*)::int AS n FROM customers\`.execute(handle.db);
      await handle.close();
      process.stdout.write(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1048576), customers: rows[0].n }));`;
    const run = async () => JSON.parse((await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script, dataDir], { timeout: 240_000 })).stdout);
    const first = await run();
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(first.customers).toBe(0);
    expect(first.rssMb).toBeLessThan(550);
    const again = await run();
    expect(again.customers).toBe(0);
    expect(again.rssMb).toBeLessThan(550);
  }, 300_000);
});
