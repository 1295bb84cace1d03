import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes the shipped policy with `patch` merged one level deep (plain values, e.g. `timezone`, replaced); returns its path. */
export function policyFile(patch: Record<string, Record<string, unknown> | string>): string {
  const base = JSON.parse(readFileSync('config/policy.json', 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) base[key] = typeof value === 'string' ? value : { ...(base[key] as Record<string, unknown>), ...value };
  const path = join(mkdtempSync(join(tmpdir(), 'hearken-policy-')), 'policy.json');
  writeFileSync(path, JSON.stringify(base));
  return path;
}
