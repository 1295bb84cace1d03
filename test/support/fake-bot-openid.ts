import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { listenOnLoopback, type LoopbackServer } from './loopback.ts';

/** The public Azure cloud's issuer of channel tokens (what Teams and Web Chat send). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/**
 * A small fake of the Bot Framework token service on 127.0.0.1: OpenID
 * metadata at /v1/.well-known/openidconfiguration and its signing keys
 * (JWKS) at /v1/keys, with a key pair made here; `sign` mints RS256 channel
 * tokens as the Bot Connector sends them. The same keys are served where the
 * Microsoft 365 Agents SDK looks for a tenant's keys when its
 * `authorityEndpoint` is this fake: /<tenant>/discovery/v2.0/keys (tokens
 * with `iss` = `tenantIssuer(tenant)`).
 */
export class FakeBotOpenId {
  readonly keyId = `key-${randomBytes(4).toString('hex')}`;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: LoopbackServer | undefined;
  url = '';

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** The issuer the Agents SDK accepts for `tenant` with this fake as its authority endpoint. */
  tenantIssuer(tenant: string): string {
    return `${this.url}/${tenant}/v2.0`;
  }

  /** The signing keys as a JWKS document, as Entra and the Bot Connector serve them. */
  jwks(endorsements: string[]): { keys: Array<Record<string, unknown>> } {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, n: jwk.n, e: jwk.e, endorsements }] };
  }

  async start(endorsements: string[]): Promise<void> {
    this.server = await listenOnLoopback((req, res) => {
      const body =
        req.url === '/v1/.well-known/openidconfiguration'
          ? { issuer: CHANNEL_TOKEN_ISSUER, jwks_uri: `${this.url}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] }
          : req.url === '/v1/keys' || /^\/[^/]+\/discovery\/v2\.0\/keys$/.test(req.url ?? '')
            ? this.jwks(endorsements)
            : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /**
   * `Bearer <jwt>` for the bot `audience`, valid for an hour unless `claims`
   * say otherwise; `signingKey` signs with another key under the same key id.
   */
  sign(audience: string, serviceUrl: string, claims: Record<string, unknown> = {}, signingKey: KeyObject = this.keys.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.keyId };
    const payload = { iss: CHANNEL_TOKEN_ISSUER, aud: audience, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
    const unsigned = `${base64url(header)}.${base64url(payload)}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(signingKey).toString('base64url');
    return `Bearer ${unsigned}.${signature}`;
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
