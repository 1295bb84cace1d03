import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.ts';

/**
 * The names recorded in deployed databases' kysely_migration table. Kysely
 * refuses to migrate a database whose recorded names are not the first ones
 * of the list, in order: these never change. Append new keys, never edit.
 */
const RECORDED_KEYS = [
  '2026-11-22T0001_intake',
  '2026-11-22T0100_slack',
  '2026-11-22T0200_sla',
  '2026-11-22T0300_privacy',
  '2026-11-22T0400_surveys',
  '2026-11-22T0500_repeat_lookup',
  '2026-11-22T0600_campaign_marks',
  '2026-11-22T0600_single_use_export_links',
  '2026-11-22T0700_slack_thread_posts',
  '2026-11-29T1100_s-files_botframework_identity',
];

const dir = new URL('../../src/db/migrations/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f !== 'index.ts')
  .sort();
const keys = Object.keys(migrations);

describe('migration list', () => {
  it('starts with the recorded keys, in order', () => {
    expect(keys.slice(0, RECORDED_KEYS.length)).toEqual(RECORDED_KEYS);
  });

  it('is in the order Kysely runs it (its default name comparator)', () => {
    expect([...keys].sort((a, b) => a.localeCompare(b))).toEqual(keys);
  });

  it('has one file per key, named by date in the same order', () => {
    expect(files).toHaveLength(keys.length);
    for (const file of files) expect(file).toMatch(/^\d{4}-\d\d-\d\dT\d{4}-[a-z0-9-]+\.ts$/);
    // Same date and hour-minute order as the keys (the second T0600 key lives in T0601).
    const fileDates = files.map((f) => f.slice(0, 15));
    expect(fileDates).toEqual([...fileDates].sort());
    expect(new Set(fileDates).size).toBe(files.length);
    keys.forEach((key, i) => expect(files[i]!.slice(0, 10)).toBe(key.slice(0, 10)));
  });

  it('names each later migration by its file', () => {
    keys.slice(RECORDED_KEYS.length).forEach((key, i) => expect(`${key}.ts`).toBe(files[RECORDED_KEYS.length + i]));
  });

  it('gives every migration an up function', () => {
    for (const key of keys) expect(typeof migrations[key]!.up).toBe('function');
  });
});
