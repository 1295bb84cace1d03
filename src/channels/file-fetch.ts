import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Outbound fetches of files a customer points at (a Bot Framework
 * contentUrl, a Telegram file link). The URL comes from the customer's side,
 * so hearken fetches only from the channel's own file hosts (an allow-list),
 * never from a private, loopback, link-local or metadata address, checked
 * after DNS resolution and pinned for the connection (a second resolution
 * cannot swap the address: DNS rebinding), and follows redirects only on the
 * same host. This function never throws: every failure is a value.
 */

export type FetchRefusal = 'not_allowed' | 'failed' | 'too_large';
export type FetchResult = { ok: true; content: Buffer; contentType?: string } | { ok: false; reason: FetchRefusal };

export interface FileFetchOptions {
  /** Host patterns: `example.com` exactly, `*.example.com` for its subdomains, or an IP address. */
  allowedHosts: readonly string[];
  maxBytes: number;
  headers?: Record<string, string>;
  /** For the whole fetch, redirects included. */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 3;

/** Addresses no customer file lives at: this machine, private networks, link-local (cloud metadata), and the like. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !blocked.check(mapped[1]!, 'ipv4');
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `[::1]` → `::1`: URL keeps IPv6 hosts in brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return pattern !== '' && host === pattern;
  });
}

/**
 * The address to connect to, or undefined when refused. An IP address that
 * the allow-list names literally is the operator's explicit choice (a local
 * Bot API server, the tests' fakes on 127.0.0.1) and may be private; every
 * name is resolved and all its addresses must be public.
 */
async function resolveAllowed(url: URL, patterns: readonly string[]): Promise<{ address: string; family: number } | undefined> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  const host = bareHost(url);
  if (!hostAllowed(host, patterns)) return undefined;
  const literal = isIP(host);
  if (literal) return { address: host, family: literal };
  let found: Array<{ address: string; family: number }>;
  try {
    found = await lookup(host, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
  if (found.length === 0 || !found.every((a) => isPublicAddress(a.address))) return undefined;
  return found[0];
}

export async function fetchAllowedFile(url: string | URL, options: FileFetchOptions): Promise<FetchResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { ok: false, reason: 'not_allowed' };
  }
  const origin = current.origin;
  for (let redirects = 0; ; redirects++) {
    const target = await resolveAllowed(current, options.allowedHosts);
    if (!target) return { ok: false, reason: 'not_allowed' };
    const answer = await getOnce(current, target, options, deadline);
    if (answer.kind === 'done') return answer.result;
    // Redirects stay on the same scheme, host and port: a file host may move a file, not send us elsewhere.
    let next: URL;
    try {
      next = new URL(answer.location, current);
    } catch {
      return { ok: false, reason: 'not_allowed' };
    }
    if (next.origin !== origin || redirects + 1 > MAX_REDIRECTS) return { ok: false, reason: 'not_allowed' };
    current = next;
  }
}

type Answer = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; location: string };

function getOnce(url: URL, target: { address: string; family: number }, options: FileFetchOptions, signal: AbortSignal): Promise<Answer> {
  // The connection goes to the address checked above, whatever a second resolution would say.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve) => {
    const done = (result: FetchResult) => resolve({ kind: 'done', result });
    let request: http.ClientRequest;
    try {
      request = client.get(url, { headers: options.headers ?? {}, lookup: pinned, signal, agent: false }, (response) => {
        const status = response.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
          response.resume();
          resolve({ kind: 'redirect', location: response.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          done({ ok: false, reason: 'failed' });
          return;
        }
        const declared = Number(response.headers['content-length'] ?? Number.NaN);
        if (declared > options.maxBytes) {
          response.destroy();
          done({ ok: false, reason: 'too_large' });
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > options.maxBytes) {
            response.destroy();
            done({ ok: false, reason: 'too_large' });
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const contentType = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
          done({ ok: true, content: Buffer.concat(chunks), ...(contentType ? { contentType } : {}) });
        });
        response.on('error', () => done({ ok: false, reason: 'failed' }));
        response.on('aborted', () => done({ ok: false, reason: 'failed' }));
      });
    } catch {
      done({ ok: false, reason: 'failed' });
      return;
    }
    request.on('error', () => done({ ok: false, reason: 'failed' }));
  });
}
