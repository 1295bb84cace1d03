import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Microsoft Entra's login host: the Agents SDK's default authority (MSAL asks it for tokens, the JWT middleware for a tenant's keys). */
export const ENTRA_HOST = 'login.microsoftonline.com';

export interface TokenRequest {
  tenant: string;
  grantType: string | null;
  clientId: string | null;
  scope: string | null;
  /** Whether the request carried the expected client secret (the secret itself is not recorded). */
  secretMatches: boolean;
  /** The access token answered, or the failure status. */
  outcome: { accessToken: string } | { status: number };
}

/**
 * A self-signed certificate for `hosts` (DNS names or IPv4 addresses), made
 * with openssl for this test run only. Returns the PEM files' paths; trust
 * `cert` with NODE_EXTRA_CA_CERTS.
 */
export function selfSignedCertificate(hosts: string[]): { dir: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const san = hosts.map((h) => (/^\d+\.\d+\.\d+\.\d+$/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=hearken test Entra', '-addext', `subjectAltName=${san}`], { stdio: 'pipe' });
  return { dir, key, cert };
}

/**
 * A recording fake of Microsoft Entra's token service over HTTPS: each
 * tenant's OpenID metadata (/<tenant>/v2.0/.well-known/openid-configuration),
 * its token endpoint (/<tenant>/oauth2/v2.0/token, client credentials) and
 * its signing keys (/<tenant>/discovery/v2.0/keys, from `jwks`). Tokens are
 * random opaque strings; `failNext` makes the token endpoint fail.
 */
export class FakeEntra {
  readonly tokenRequests: TokenRequest[] = [];
  private server: Server | undefined;
  private failures: Array<{ status: number; times: number }> = [];
  url = '';

  constructor(
    private readonly options: { key: string; cert: string; clientSecret: string; jwks: () => unknown; host?: string; port?: number },
  ) {}

  async start(): Promise<string> {
    this.server = createServer({ key: readFileSync(this.options.key), cert: readFileSync(this.options.cert) }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `https://${this.options.host ?? '127.0.0.1'}${port === 443 ? '' : `:${port}`}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `times` token requests get `status` (an OAuth error body, Retry-After: 1). */
  failNext(status: number, times = 1): void {
    this.failures.push({ status, times });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && metadata) {
      const base = `${this.url}/${metadata[1]}`;
      return this.json(res, 200, {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)) return this.json(res, 200, this.options.jwks());
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === 'POST' && token) {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      const request: Omit<TokenRequest, 'outcome'> = {
        tenant: token[1]!,
        grantType: form.get('grant_type'),
        clientId: form.get('client_id'),
        scope: form.get('scope'),
        secretMatches: form.get('client_secret') === this.options.clientSecret,
      };
      const failure = this.failures.find((f) => f.times > 0);
      if (failure) {
        failure.times -= 1;
        this.tokenRequests.push({ ...request, outcome: { status: failure.status } });
        // Retry-After: MSAL throttles the client that long (60 s when a 5xx has none).
        return this.json(res, failure.status, { error: 'temporarily_unavailable', error_description: 'AADSTS50000: the fake token service is failing on purpose.', error_codes: [50000] }, { 'retry-after': '1' });
      }
      if (!request.secretMatches || request.grantType !== 'client_credentials') {
        this.tokenRequests.push({ ...request, outcome: { status: 401 } });
        return this.json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      }
      const accessToken = `fake-entra-${randomBytes(16).toString('hex')}`;
      this.tokenRequests.push({ ...request, outcome: { accessToken } });
      return this.json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    return this.json(res, 404, { error: 'not_found' });
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

/** A hosts file that sends `names` to 127.0.0.1 (for a private mount namespace). */
export function hostsFile(dir: string, names: string[]): string {
  const file = join(dir, 'hosts');
  writeFileSync(file, `127.0.0.1 localhost\n::1 localhost\n127.0.0.1 ${names.join(' ')}\n`);
  return file;
}
