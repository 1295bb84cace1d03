import { readFileSync } from 'node:fs';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  seconds: number;
  /** Share of non-idle samples by where the code lives. */
  byArea: Array<{ area: string; percent: number }>;
  /** Top functions by self time (share of non-idle samples). */
  topFunctions: Array<{ fn: string; percent: number }>;
  idlePercent: number;
}

/** Where a frame's code lives: a package, the app's own directories, or the runtime. */
function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'runtime (program)';
  if (!url) return 'runtime (native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/(src|adapters|bench)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return 'other';
}

/** Self time of a V8 .cpuprofile, grouped by package/area and by function. */
export function summariseProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let idle = 0;
  let busy = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const shortUrl = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|adapters|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${shortUrl ? `${shortUrl}:${lineNumber + 1}` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + micros);
  }
  const pct = (v: number) => Math.round((v / Math.max(1, busy)) * 1000) / 10;
  return {
    seconds: Math.round((profile.endTime - profile.startTime) / 1e5) / 10,
    idlePercent: Math.round((idle / Math.max(1, idle + busy)) * 1000) / 10,
    byArea: [...areas].sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, v]) => ({ area, percent: pct(v) })),
    topFunctions: [...functions].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, v]) => ({ fn, percent: pct(v) })),
  };
}
