import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { baseEnv } from './replay.ts';
import { freePort } from '../support/loopback.ts';

/** One hearken process started the way the image starts it (its CMD, in its working directory). */
export interface Instance {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Log lines (JSON from pino, or anything else it printed), for the report when something fails. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}


export async function startInstance(options: { name: string; command: string[]; cwd: string; env: Record<string, string> }): Promise<Instance> {
  const port = await freePort();
  const [file, ...args] = options.command as [string, ...string[]];
  const child = spawn(file === 'node' ? process.execPath : file, args, {
    cwd: options.cwd,
    // Only what the image would have: its ENV lines and what compose passes; no TypeScript loader.
    env: { ...baseEnv(), ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { name: options.name, port, url: `http://127.0.0.1:${port}`, child, output, exited };
}

/**
 * CPU seconds (user + system) the process has used so far, from /proc (Linux;
 * undefined elsewhere): unlike wall time, barely moved by other load on the machine.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds from `since` until /readyz answers 200. Polls every 25 ms
 * (readiness has no event to wait for from outside, as with the platform's
 * own probe); gives up when the process exits or after `limitMs`.
 */
export async function untilReady(instance: Instance, since: number, limitMs = 60_000): Promise<{ ok: true; ms: number; cpu: number | undefined } | { ok: false; reason: string }> {
  let exit: { code: number | null } | undefined;
  void instance.exited.then((e) => (exit = e));
  while (Date.now() - since < limitMs) {
    if (exit) return { ok: false, reason: `exited with code ${exit.code} before it was ready` };
    try {
      const res = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { ok: true, ms: Date.now() - since, cpu: cpuSeconds(instance.child.pid) };
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { ok: false, reason: `/readyz not 200 within ${limitMs / 1000} s` };
}

/** SIGTERM, then how long the process took to exit and with which code (SIGKILL after `limitMs`). */
export async function stopInstance(instance: Instance, limitMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }> {
  const started = Date.now();
  instance.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    instance.exited.then((e) => ({ ...e, killed: false })),
    new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'late') return { ...outcome, ms: Date.now() - started };
  instance.child.kill('SIGKILL');
  const e = await instance.exited;
  return { ...e, ms: Date.now() - started, killed: true };
}
