/**
 * Re-splits the intake corpus: a third of each (locale, severity) stratum,
 * chosen by a fixed-seed shuffle, goes to held-out.json, the rest to
 * tune.json. Idempotent: `npx tsx test/eval/split-corpus.ts [extra.json…]`
 * merges the existing splits with any new records and writes both files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CORPUS_DIR, loadSplit, type CorpusRecord } from './corpus.ts';

const SEED = 20261129;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function split(records: CorpusRecord[]): { tune: CorpusRecord[]; heldOut: CorpusRecord[] } {
  const random = mulberry32(SEED);
  const strata = new Map<string, CorpusRecord[]>();
  for (const record of [...records].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = `${record.locale}|${record.severity}`;
    strata.set(key, [...(strata.get(key) ?? []), record]);
  }
  const held = new Set<string>();
  for (const key of [...strata.keys()].sort()) {
    const members = strata.get(key)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const record of members.slice(0, Math.round(members.length / 3))) held.add(record.id);
  }
  const byId = (a: CorpusRecord, b: CorpusRecord) => a.id.localeCompare(b.id);
  return { tune: records.filter((r) => !held.has(r.id)).sort(byId), heldOut: records.filter((r) => held.has(r.id)).sort(byId) };
}

function existing(): CorpusRecord[] {
  try {
    return [...loadSplit('tune'), ...loadSplit('held-out')];
  } catch {
    return [];
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const extra = process.argv.slice(2).flatMap((path) => JSON.parse(readFileSync(path, 'utf8')) as CorpusRecord[]);
  const byId = new Map([...existing(), ...extra].map((r) => [r.id, r]));
  const { tune, heldOut } = split([...byId.values()]);
  writeFileSync(`${CORPUS_DIR}/tune.json`, JSON.stringify(tune, null, 1) + '\n');
  writeFileSync(`${CORPUS_DIR}/held-out.json`, JSON.stringify(heldOut, null, 1) + '\n');
  loadSplit('tune');
  loadSplit('held-out');
  console.log(`tune ${tune.length}, held-out ${heldOut.length}`);
}
