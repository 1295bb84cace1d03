import type { Storage, StoreItems } from 'botbuilder';
import pg from 'pg';

/**
 * botbuilder's Storage over PostgreSQL: read by keys, JSONB upsert. Writes
 * are last-write-wins (BotState saves with eTag '*'), as MemoryStorage does
 * for '*'. One pool for the process.
 */
export class PostgresStorage implements Storage {
  private etag = 0;

  constructor(private readonly pool: pg.Pool) {}

  static async create(connectionString: string): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString, max: 10 });
    pool.on('error', () => undefined);
    await pool.query('CREATE TABLE IF NOT EXISTS bot_storage (key text PRIMARY KEY, data jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())');
    return new PostgresStorage(pool);
  }

  get db(): pg.Pool {
    return this.pool;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const { rows } = await this.pool.query<{ key: string; data: Record<string, unknown> }>('SELECT key, data FROM bot_storage WHERE key = ANY($1::text[])', [keys]);
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = row.data;
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const values = keys.map((key) => JSON.stringify({ ...changes[key], eTag: String((this.etag += 1)) }));
    await this.pool.query(
      `INSERT INTO bot_storage (key, data) SELECT * FROM unnest($1::text[], $2::jsonb[])
       ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [keys, values],
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query('DELETE FROM bot_storage WHERE key = ANY($1::text[])', [keys]);
  }
}
