import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../test/support/loopback.ts';

/**
 * A throwaway PostgreSQL server on 127.0.0.1 (Debian's 15), for the bench and
 * the resilience tests that need control over the server (restart it under
 * load). initdb refuses to run as root: as root every server command runs as
 * the `postgres` user through `su`, as STACK.md describes.
 */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  dataDir: string;
  /** Asynchronous, so that load keeps running in this process meanwhile. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops and starts again on the same port and data. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): void;
}

const execFileAsync = promisify(execFile);
const CANDIDATE_BINS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

export function postgresBinDir(): string | undefined {
  return CANDIDATE_BINS.find((dir) => existsSync(join(dir, 'initdb')));
}


export async function startPostgres(options: { settings?: Record<string, string> } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found: apt-get install -y postgresql (Debian 15), or set DATABASE_URL / TEST_DATABASE_URL');
  const asRoot = process.getuid?.() === 0;
  const base = mkdtempSync(join(tmpdir(), 'hearken-pg-'));
  chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  if (asRoot) execFileSync('chown', ['postgres:postgres', base]);
  const asPostgres = (command: string, args: string[]): [string, string[]] => {
    if (!asRoot) return [command, args];
    const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    return ['su', ['postgres', '-s', '/bin/sh', '-c', quoted]];
  };
  const run = (command: string, args: string[]) => {
    const [file, argv] = asPostgres(command, args);
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const runAsync = async (command: string, args: string[]) => {
    const [file, argv] = asPostgres(command, args);
    await execFileAsync(file, argv);
  };
  run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: base, max_connections: '400', ...options.settings };
  const serverOptions = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const startArgs = ['-D', dataDir, '-l', join(base, 'log'), '-w', '-t', '60', '-o', serverOptions, 'start'];
  const stopArgs = (mode: string) => ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'];
  const pgCtl = join(bin, 'pg_ctl');
  run(pgCtl, startArgs);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async start() {
      await runAsync(pgCtl, startArgs);
      stopped = false;
    },
    async stop(mode = 'fast') {
      await runAsync(pgCtl, stopArgs(mode));
      stopped = true;
    },
    async restart(mode = 'fast') {
      await runAsync(pgCtl, stopArgs(mode));
      await runAsync(pgCtl, startArgs);
    },
    destroy() {
      if (!stopped) {
        try {
          run(pgCtl, stopArgs('immediate'));
        } catch {
          // already down
        }
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh database on the server of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
