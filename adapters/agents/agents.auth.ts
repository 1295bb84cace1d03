import type { Request } from 'express';
import type { AuthConfiguration, CloudAdapter } from '@microsoft/agents-hosting';
import { sameOrigin, type RefusalCause } from '../botframework/botframework.inbound.ts';

/** The Agents SDK's name for the default connection (connections__serviceConnection__settings__…). */
const SERVICE_CONNECTION = 'serviceConnection';

export interface AgentsAuthOptions {
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  authorityEndpoint?: string;
}

/**
 * The SDK's settings for one app registration, given as its default
 * connection: otherwise connections__… variables the SDK reads itself would
 * replace these settings.
 */
export function agentsAuthConfiguration(options: AgentsAuthOptions): AuthConfiguration {
  const connection: AuthConfiguration = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tenantId: options.tenantId,
    ...(options.authorityEndpoint ? { authorityEndpoint: options.authorityEndpoint } : {}),
    // Only the configured tenant's issuers and Microsoft's own (the Bot Connector): not any tenant's token for this app id.
    validateIssuer: true,
  };
  return { ...connection, connections: new Map([[SERVICE_CONNECTION, connection]]), connectionsMap: [{ serviceUrl: '*', connection: SERVICE_CONNECTION }] };
}

/**
 * The SDK's JWT validation (authorizeJWT through the adapter's resolved
 * AuthConfiguration), answered by the caller: the SDK's own 401 bodies
 * carry the reason, so it writes to a throwaway response. A channel token
 * also names the service URL it may be used for.
 */
export async function authenticateRequest(adapter: CloudAdapter, req: Request, serviceUrl: unknown): Promise<RefusalCause | undefined> {
  if (!req.get('authorization')) return 'no_token';
  const verified = await new Promise<boolean>((resolve) => {
    const refused = { headersSent: false, writableEnded: false, status: () => refused, setHeader: () => refused, send: () => (resolve(false), refused), end: () => (resolve(false), refused) };
    adapter.authorizeRequest(req as never, refused as never, () => resolve(true)).catch(() => resolve(false));
  });
  if (!verified) return 'token_refused';
  const claim = (req as { user?: { serviceurl?: unknown } }).user?.serviceurl;
  return sameOrigin(claim, serviceUrl) ? undefined : 'token_refused';
}
