import { readFileSync } from 'node:fs';

/**
 * The parts of the Dockerfile the smoke test replays without Docker. Only the
 * instructions hearken's Dockerfile uses are understood; anything else throws,
 * so a new instruction cannot be silently ignored.
 */
export type Instruction =
  | { op: 'WORKDIR'; path: string }
  | { op: 'ENV'; name: string; value: string }
  | { op: 'COPY'; from: string | undefined; sources: string[]; dest: string }
  | { op: 'RUN'; command: string }
  | { op: 'USER' | 'EXPOSE'; value: string }
  | { op: 'HEALTHCHECK'; command: string[] }
  | { op: 'CMD'; command: string[] };

export interface Stage {
  name: string | undefined;
  image: string;
  steps: Instruction[];
}

/** Instructions, one per logical line (continuations joined, comments dropped). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    lines.push(current + line);
    current = '';
  }
  if (current) lines.push(current.trim());
  return lines;
}

function execForm(text: string, line: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec-form command: ${line}`);
  return parsed;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    const op = keyword.toUpperCase();
    if (op === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`cannot read: ${line}`);
      stages.push({ image: match[1]!, name: match[2], steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    if (op === 'WORKDIR') stage.steps.push({ op, path: args });
    else if (op === 'ENV') {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(args);
      if (!match) throw new Error(`only ENV NAME=value is understood: ${line}`);
      stage.steps.push({ op, name: match[1]!, value: match[2]! });
    } else if (op === 'COPY') {
      const words = [...rest];
      let from: string | undefined;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
        else if (!flag.startsWith('--chown=') && !flag.startsWith('--chmod=')) throw new Error(`unknown COPY flag ${flag}`);
      }
      const dest = words.pop();
      if (!dest || words.length === 0) throw new Error(`cannot read: ${line}`);
      stage.steps.push({ op, from, sources: words, dest });
    } else if (op === 'RUN') {
      // Build cache mounts change where npm keeps its cache, not what it installs.
      stage.steps.push({ op, command: args.replace(/^(--mount=\S+\s+)+/, '') });
    } else if (op === 'USER' || op === 'EXPOSE') stage.steps.push({ op, value: args });
    else if (op === 'HEALTHCHECK') {
      const match = /\bCMD\s+(\[.*\])$/.exec(args);
      if (!match) throw new Error(`HEALTHCHECK must use an exec-form CMD: ${line}`);
      stage.steps.push({ op, command: execForm(match[1]!, line) });
    } else if (op === 'CMD') {
      if (!args.startsWith('[')) throw new Error(`CMD must be exec form, or signals do not reach node: ${line}`);
      stage.steps.push({ op, command: execForm(args, line) });
    } else throw new Error(`the smoke test does not understand ${op}: ${line}`);
  }
  return stages;
}

export function readDockerfile(path: string): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** `.dockerignore` lines as matchers of context-relative paths (a matched folder excludes all below it). */
export function dockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!')) throw new Error(`.dockerignore exceptions (${pattern}) are not understood by the smoke test`);
      const clean = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
      let source = '';
      for (let i = 0; i < clean.length; i += 1) {
        const c = clean[i]!;
        if (clean.startsWith('**/', i)) {
          source += '(?:.*/)?';
          i += 2;
        } else if (clean.startsWith('**', i)) {
          source += '.*';
          i += 1;
        } else if (c === '*') source += '[^/]*';
        else if (c === '?') source += '[^/]';
        else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${source}$`);
    });
  return (path: string) => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      const prefix = parts.slice(0, i).join('/');
      if (patterns.some((p) => p.test(prefix))) return true;
    }
    return false;
  };
}
