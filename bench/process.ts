import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A server under test in its own process, and what /proc says it used:
 * CPU from /proc/<pid>/stat (utime + stime) and peak RSS from
 * /proc/<pid>/status (VmHWM, reset between phases through clear_refs).
 */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** Parsed JSON log lines (kept only while `keepLogs`). */
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** Resolves with the first log line that `predicate` accepts. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** node flags before the entry, e.g. --cpu-prof. */
  nodeArgs?: string[];
  env: Record<string, string>;
  cwd?: string;
  keepLogs?: boolean;
  /** Echo stderr (and non-JSON stdout) of the child. */
  echo?: boolean;
}

const TSX_IMPORT = ['--import', 'tsx'];

/** Runs an entry in a node child process (the pid is the server's own): TypeScript through tsx, JavaScript as it is. */
export function spawnServer(entry: string, options: SpawnOptions): ServerProcess {
  const loader = entry.endsWith('.ts') ? TSX_IMPORT : [];
  const child = spawn(process.execPath, [...loader, ...(options.nodeArgs ?? []), entry], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const watchers = new Set<(line: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      if (options.echo) process.stderr.write(`[${entry}] ${text}\n`);
      return;
    }
    if (options.keepLogs) logs.push(line);
    for (const watch of watchers) watch(line);
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (text) => {
    if (stderr.length < 50) stderr.push(text);
    if (options.echo) process.stderr.write(`[${entry}] ${text}\n`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return {
    child,
    pid: child.pid!,
    logs,
    exited,
    waitForLog(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`${entry}: expected log line did not come within ${timeoutMs} ms; stderr: ${stderr.join('\n').slice(0, 2000)}`));
        }, timeoutMs);
        const watch = (line: Record<string, unknown>) => {
          if (!predicate(line)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
        void exited.then((code) => {
          if (!watchers.has(watch)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          reject(new Error(`${entry} exited (${code}) before the expected log line; stderr: ${stderr.join('\n').slice(0, 2000)}`));
        });
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Peak resident set size in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Resident set size now, in MB (VmRSS). */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Resets the peak RSS counter (needs root or the process's own user); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU seconds of a PostgreSQL server: the postmaster's own, its exited
 * children's (cutime + cstime, which it waited for) and its live children's
 * (backends, walwriter …). Monotonic while connections come and go.
 */
export function postgresCpuSeconds(postmasterPid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid === postmasterPid) total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
      else if (Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Measures a phase: CPU % of one core and peak RSS of `pid`, plus PostgreSQL CPU when known. */
export class PhaseMeter {
  private readonly startedAt = performance.now();
  private readonly cpuAtStart: number;
  private readonly pgAtStart: number | undefined;
  private readonly selfAtStart = process.cpuUsage();
  private readonly stealAtStart = stealSeconds();

  constructor(
    private readonly pid: number,
    private readonly postmasterPid?: number,
  ) {
    resetPeakRss(pid);
    this.cpuAtStart = cpuSeconds(pid);
    this.pgAtStart = postmasterPid ? postgresCpuSeconds(postmasterPid) : undefined;
  }

  /**
   * `stealPercent`: CPU time the hypervisor gave to other guests while this
   * phase ran, in % of one core (from /proc/stat): figures of a phase with
   * much steal were measured on a machine that had less of itself.
   */
  finish(): { cpuPercent: number; peakRssMb: number; postgresCpuPercent?: number; driverCpuPercent: number; stealPercent: number } {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const cpu = cpuSeconds(this.pid) - this.cpuAtStart;
    const self = process.cpuUsage(this.selfAtStart);
    const result: ReturnType<PhaseMeter['finish']> = {
      cpuPercent: Math.round((cpu / seconds) * 100),
      peakRssMb: peakRssMb(this.pid),
      driverCpuPercent: Math.round(((self.user + self.system) / 1e6 / seconds) * 100),
      stealPercent: Math.round(((stealSeconds() - this.stealAtStart) / seconds) * 100),
    };
    if (this.postmasterPid && this.pgAtStart !== undefined) {
      result.postgresCpuPercent = Math.round(((postgresCpuSeconds(this.postmasterPid) - this.pgAtStart) / seconds) * 100);
    }
    return result;
  }
}

/** The machine's stolen CPU time so far, all cores (the 8th field of /proc/stat's cpu line, in USER_HZ = 1/100 s). */
function stealSeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    return Number(fields[8] ?? 0) / 100;
  } catch {
    return 0;
  }
}

export function postmasterPidOf(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}
