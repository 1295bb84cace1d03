import pg from 'pg';
import { summarise, type LatencySummary } from '../stats.ts';

export interface DbFloorResult {
  clients: number;
  seconds: number;
  inserts: number;
  insertsPerSecond: number;
  latency: LatencySummary;
}

/**
 * The database floor: `clients` connections each running single-statement
 * autocommit INSERTs (one durable commit each) back to back for the time
 * given. What PostgreSQL on this machine can commit at that concurrency.
 */
export async function runDbFloor(databaseUrl: string, options: { clients: number; warmupMs: number; durationMs: number }): Promise<DbFloorResult> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query('CREATE TABLE IF NOT EXISTS floor_inserts (id bigserial PRIMARY KEY, chat_id bigint NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const start = performance.now();
  const recordFrom = start + options.warmupMs;
  const end = recordFrom + options.durationMs;
  const latencies: number[] = [];
  let inserts = 0;
  const payload = JSON.stringify({ text: 'The washing machine leaks water from the door after two weeks.', step: 'description' });
  await Promise.all(
    clients.map(async (client, index) => {
      for (let n = 0; performance.now() < end; n += 1) {
        const t0 = performance.now();
        await client.query('INSERT INTO floor_inserts (chat_id, payload) VALUES ($1, $2)', [index * 1_000_000 + n, payload]);
        if (t0 >= recordFrom && t0 < end) {
          inserts += 1;
          latencies.push(performance.now() - t0);
        }
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  const seconds = options.durationMs / 1000;
  return { clients: options.clients, seconds, inserts, insertsPerSecond: inserts / seconds, latency: summarise(latencies) };
}
