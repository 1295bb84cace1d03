import type { Kysely } from 'kysely';

/**
 * A customer export link works once: its id is inserted on the first
 * download, in the export's transaction (the primary key makes a second
 * or concurrent download find it used). Kept until the link expires.
 *
 * Recorded in kysely_migration as '2026-11-22T0600_single_use_export_links': never rename the key (src/db/migrations/index.ts), never edit this file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('used_export_links')
    .addColumn('link_id', 'text', (c) => c.primaryKey())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
