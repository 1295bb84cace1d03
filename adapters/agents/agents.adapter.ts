import express, { type Express, type Request, type Response } from 'express';
import { Activity } from '@microsoft/agents-activity';
import { CloudAdapter, type AuthConfiguration, type ConnectorClient, type TurnContext } from '@microsoft/agents-hosting';
import type { Activity as BotbuilderActivity } from 'botbuilder';
import type { AppContext, ChannelModule } from '../channel-module.ts';
import { answerOverloaded } from '../../src/http/server.ts';
import { ConfigError, errorBody, ErrorCode, InboundOverloaded } from '../../src/errors.ts';
import { BOTFRAMEWORK_PATH, DEFAULT_FILE_HOSTS, EMULATOR_FILE_HOSTS, handleActivity, isLocalEmulatorRequest, logRefusal } from '../botframework/botframework.inbound.ts';
import { BotFrameworkSender } from '../botframework/botframework.sender.ts';
import { agentsAuthConfiguration, authenticateRequest, type AgentsAuthOptions } from './agents.auth.ts';
/** The scope of the Bot Connector service: hearken's outbound token (replies, Teams inline images). */
const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com';

export interface AgentsOptions extends AgentsAuthOptions {
  /** The operator asked for the Emulator (BOTFRAMEWORK_EMULATOR): only then may there be no client id. */
  emulator: boolean;
  /** NODE_ENV=production: the SDK requires a client id there, so the Emulator mode is refused. */
  production?: boolean;
  /** Hosts customer files are downloaded from (see BOTFRAMEWORK_FILE_HOSTS); default per mode. */
  fileHosts?: readonly string[];
}

/** The Agents SDK settings do not fit together (a configuration error, found when the channel is built). */
export class AgentsConfigurationError extends ConfigError {}

/** The bot's token for the Bot Connector could not be had (Entra refused or failed): always retried. Carries no status, secret or token. */
export class AgentsTokenUnavailable extends Error {
  override readonly name = 'AgentsTokenUnavailable';
  readonly code: string;
  constructor(cause: unknown) {
    const e = (cause ?? {}) as { status?: unknown; errorCode?: unknown };
    const code = `entra_${typeof e.status === 'number' ? e.status : typeof e.errorCode === 'string' ? e.errorCode : 'error'}`;
    super(`no token for the Bot Connector (${code})`);
    this.code = code;
  }
}

/**
 * The SDK's CloudAdapter for hearken: an inbound turn never replies through
 * the turn (replies go through the outbox), so it gets no connector client
 * and fetches no token; a failed turn is thrown back to the caller instead
 * of the SDK's default, which tells the customer "The agent encountered an
 * error or bug".
 */
class HearkenAgentsAdapter extends CloudAdapter {
  constructor(auth: AuthConfiguration) {
    // validateServiceUrl: a token for one service URL is refused for another (also checked before the turn, as a 401).
    super(auth, undefined, undefined, { validateServiceUrl: true, emitStackTrace: false });
    this.onTurnError = async (_context, error) => {
      throw error;
    };
  }

  protected override resolveIfConnectorClientIsNeeded(): boolean {
    return false;
  }

  /** The bot's token for the Bot Connector of a service URL (MSAL caches it). */
  async connectorToken(clientId: string, serviceUrl: string): Promise<string> {
    return this.connectionManager.getTokenProvider(CloudAdapter.createIdentity(clientId), serviceUrl).getAccessToken(BOT_CONNECTOR_SCOPE);
  }
}

/**
 * The Bot Framework customer channel (Teams, Web Chat, the Emulator) on the
 * Microsoft 365 Agents SDK. Same protocol, same channel name, identities and
 * stored references as the botbuilder adapter (adapters/botframework), so
 * moving between them keeps every customer.
 *
 * HAZARD: the SDK's JWT middleware lets a request without a token through
 * when no client id is set outside production. Here a client id means every
 * request needs a valid token; no client id is allowed only in the
 * operator's explicit Emulator mode, which answers local requests only and
 * never reaches the SDK's anonymous path.
 */
export class AgentsChannel implements ChannelModule {
  readonly name = 'botframework';
  readonly sender: BotFrameworkSender;
  private readonly adapter: HearkenAgentsAdapter;
  private readonly clientId: string | undefined;
  private readonly fileHosts: readonly string[];

  constructor(
    private readonly ctx: AppContext,
    options: AgentsOptions,
  ) {
    if (!options.clientId && !options.emulator) throw new AgentsConfigurationError('The Agents SDK channel needs clientId (or BOTFRAMEWORK_EMULATOR=true for the local Emulator): without it the SDK would accept unauthenticated requests.');
    if (!options.clientId && options.production) throw new AgentsConfigurationError('BOTFRAMEWORK_EMULATOR without clientId is refused in production (NODE_ENV=production): the Agents SDK requires a client id there.');
    this.clientId = options.clientId;
    this.fileHosts = options.fileHosts ?? (this.clientId ? DEFAULT_FILE_HOSTS : EMULATOR_FILE_HOSTS);
    try {
      this.adapter = new HearkenAgentsAdapter(agentsAuthConfiguration(options));
    } catch (error) {
      throw new AgentsConfigurationError(`The Agents SDK refused its settings: ${(error as Error).message}`);
    }
    // Proactive messages: continueConversation with the bot's identity (anonymous for the Emulator), then the SDK's connector client.
    const identity = this.clientId ? CloudAdapter.createIdentity(this.clientId) : {};
    this.sender = new BotFrameworkSender({
      post: async (reference, activity) => {
        let sent: { id?: string } | undefined;
        let tokenReady = false;
        const agentsReference = { ...reference, agent: reference.bot, activityId: undefined } as Parameters<CloudAdapter['continueConversation']>[1];
        try {
          await this.adapter.continueConversation(identity, agentsReference, async (context) => {
            tokenReady = true;
            const connector = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
            sent = await connector.sendToConversation(reference.conversation.id, Activity.fromObject(activity));
          });
        } catch (error) {
          // Before the turn: the bot's token (Entra) failed, whatever its status. The message waits for a retry; a 400 from Entra is not the conversation's.
          if (!tokenReady) throw new AgentsTokenUnavailable(error);
          throw error;
        }
        return sent;
      },
    });
  }

  mount(app: Express): void {
    app.post(BOTFRAMEWORK_PATH, express.json({ limit: '1mb' }), (req, res) => this.onRequest(req, res));
  }

  async start(): Promise<void> {
    this.ctx.logger.info({ channel: 'botframework', sdk: 'agents', authentication: this.clientId ? 'jwt' : 'none (emulator, loopback only)' }, 'bot framework channel on');
  }

  private async onRequest(req: Request, res: Response): Promise<void> {
    const body = req.body as { type?: unknown; serviceUrl?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
      res.status(400).json(errorBody(ErrorCode.InvalidActivity, 'The body is not an activity (no type).'));
      return;
    }
    const refusal = this.clientId ? await authenticateRequest(this.adapter, req, body.serviceUrl) : isLocalEmulatorRequest(body.serviceUrl, req.socket.remoteAddress) ? undefined : 'not_local';
    if (refusal) {
      logRefusal(this.ctx, 401, refusal);
      res.status(401).json(errorBody(ErrorCode.Unauthenticated, 'The request could not be authenticated.'));
      return;
    }
    let turnError: unknown;
    try {
      await this.adapter.process(req as never, res, async (context) => {
        try {
          await this.onTurn(context, req.body as Partial<BotbuilderActivity>);
        } catch (error) {
          turnError = error;
          throw error;
        }
      });
    } catch (error) {
      if (res.headersSent) return;
      if (turnError instanceof InboundOverloaded) answerOverloaded(res, turnError);
      else if (turnError) res.status(500).json(errorBody(ErrorCode.InternalError, 'Something went wrong on our side.'));
      else {
        this.ctx.logger.warn({ channel: 'botframework', err: error }, 'bot framework activity not processed');
        res.status(400).json(errorBody(ErrorCode.InvalidActivity, 'The activity could not be processed.'));
      }
    }
  }

  /** `wire`: the activity as it came (the SDK's Activity keeps some fields behind accessors); the mapping is shared with the botbuilder adapter. */
  private async onTurn(context: TurnContext, wire: Partial<BotbuilderActivity>): Promise<void> {
    const activity = context.activity;
    try {
      await handleActivity(this.ctx, wire, { fileHosts: this.fileHosts, downloadHeaders: (_file, serviceUrl) => this.downloadHeaders(serviceUrl) });
    } catch (error) {
      // Refused under load: counted and logged by the conversation service; answered 503 with Retry-After.
      if (!(error instanceof InboundOverloaded)) this.ctx.logger.error({ channel: 'botframework', activityId: activity.id, err: error }, 'bot framework activity failed');
      throw error;
    }
  }

  /** Files on the channel's own service (Teams inline images) need the bot's token; other URLs are pre-authorised. */
  private async downloadHeaders(serviceUrl: string): Promise<Record<string, string>> {
    if (!this.clientId) return {};
    return { authorization: `Bearer ${await this.adapter.connectorToken(this.clientId, serviceUrl)}` };
  }
}

export function createAgentsChannel(ctx: AppContext): AgentsChannel | undefined {
  const { BOTFRAMEWORK_SDK, clientId, clientSecret, tenantId, authorityEndpoint, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, BOTFRAMEWORK_EMULATOR, BOTFRAMEWORK_FILE_HOSTS } = ctx.config;
  if (BOTFRAMEWORK_SDK !== 'agents') return undefined;
  // Half-done setups were refused by config.ts (checkAgentsSdk) before anything started.
  const id = clientId ?? MicrosoftAppId;
  if (!id && !BOTFRAMEWORK_EMULATOR) return undefined;
  const secret = clientSecret ?? MicrosoftAppPassword;
  const tenant = tenantId ?? MicrosoftAppTenantId;
  return new AgentsChannel(ctx, {
    emulator: BOTFRAMEWORK_EMULATOR,
    production: ctx.config.NODE_ENV === 'production',
    ...(id ? { clientId: id } : {}),
    ...(secret ? { clientSecret: secret } : {}),
    ...(tenant ? { tenantId: tenant } : {}),
    ...(authorityEndpoint ? { authorityEndpoint } : {}),
    ...(BOTFRAMEWORK_FILE_HOSTS ? { fileHosts: BOTFRAMEWORK_FILE_HOSTS } : {}),
  });
}
