import express, { type Express, type Request, type Response } from 'express';
import type { TurnContext } from 'botbuilder';
import type { AppContext, ChannelModule } from '../channel-module.ts';
import { errorBody, ErrorCode, InboundOverloaded } from '../../src/errors.ts';
import { BOTFRAMEWORK_PATH, DEFAULT_FILE_HOSTS, EMULATOR_FILE_HOSTS, handleActivity, isLocalEmulatorRequest, logRefusal, type RefusalCause } from './botframework.inbound.ts';
import { channelAuthentication, type BotFrameworkAuthOptions } from './botframework.auth.ts';
import { HearkenCloudAdapter } from './botframework.connector.ts';
import { guardedResponse } from './botframework.response.ts';
import { BotFrameworkSender } from './botframework.sender.ts';
import { sdkAudibly, sdkQuietly } from './sdk-console.ts';

export interface BotFrameworkOptions extends BotFrameworkAuthOptions {
  /** Hosts customer files are downloaded from (see BOTFRAMEWORK_FILE_HOSTS); default per mode. */
  fileHosts?: readonly string[];
}

/**
 * The Bot Framework customer channel (Teams, Web Chat, the Emulator) through
 * botbuilder's CloudAdapter: it authenticates each request (JWT when an app
 * id is set) and translates activities; it decides nothing about the
 * conversation and never replies through the turn: replies go through the
 * outbox from the stored conversation reference.
 */
export class BotFrameworkChannel implements ChannelModule {
  readonly name = 'botframework';
  readonly sender: BotFrameworkSender;
  private readonly adapter: HearkenCloudAdapter;
  private readonly anonymous: boolean;
  private readonly fileHosts: readonly string[];

  constructor(
    private readonly ctx: AppContext,
    options: BotFrameworkOptions,
  ) {
    const auth = channelAuthentication(options);
    this.anonymous = !options.appId;
    this.fileHosts = options.fileHosts ?? (this.anonymous ? EMULATOR_FILE_HOSTS : DEFAULT_FILE_HOSTS);
    this.adapter = new HearkenCloudAdapter(auth, options.appId ?? '');
    this.sender = new BotFrameworkSender({
      post: async (reference, activity) => (await this.adapter.connectorFor(reference.serviceUrl)).conversations.sendToConversation(reference.conversation.id, activity),
    });
  }

  mount(app: Express): void {
    app.post(BOTFRAMEWORK_PATH, express.json({ limit: '1mb' }), (req, res) => this.onRequest(req, res));
  }

  async start(): Promise<void> {
    this.ctx.logger.info({ channel: 'botframework', authentication: this.anonymous ? 'none (emulator, loopback only)' : 'jwt' }, 'bot framework channel on');
  }

  private async onRequest(req: Request, res: Response): Promise<void> {
    const body = req.body as { type?: unknown; serviceUrl?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
      res.status(400).json(errorBody(ErrorCode.InvalidActivity, 'The body is not an activity (no type).'));
      return;
    }
    // Without an app id nothing is authenticated: answer only a local Emulator on this machine, never post to a service URL elsewhere.
    if (this.anonymous && !isLocalEmulatorRequest(body.serviceUrl, req.socket.remoteAddress)) {
      this.refused(401, 'not_local');
      res.status(401).json(errorBody(ErrorCode.Unauthenticated, 'This bot accepts only the local Emulator without an app id.'));
      return;
    }
    if (!this.anonymous && !req.get('authorization')) {
      this.refused(401, 'no_token');
      res.status(401).json(errorBody(ErrorCode.Unauthenticated, 'A Bot Framework token is required.'));
      return;
    }
    let overloaded: InboundOverloaded | undefined;
    try {
      // The SDK prints refused tokens to stderr with stacks; refusals are logged here, one JSON line each.
      const response = guardedResponse(res, () => overloaded, (status) => this.refused(status, 'token_refused'));
      await sdkQuietly(() =>
        this.adapter.process(req, response, (context) =>
          sdkAudibly(async () => {
            try {
              await this.onTurn(context);
            } catch (error) {
              if (error instanceof InboundOverloaded) overloaded = error;
              throw error;
            }
          }),
        ),
      );
    } catch (error) {
      this.ctx.logger.warn({ channel: 'botframework', err: error }, 'bot framework request refused');
      if (!res.headersSent) res.status(400).json(errorBody(ErrorCode.InvalidActivity, 'The activity could not be processed.'));
    }
  }

  private refused(status: number, reason: RefusalCause): void {
    logRefusal(this.ctx, status, reason);
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const { logger } = this.ctx;
    const activity = context.activity;
    try {
      await this.handle(context);
    } catch (error) {
      // Refused under load: counted and logged by the conversation service; answered 503 with Retry-After.
      if (error instanceof InboundOverloaded) throw error;
      logger.error({ channel: 'botframework', activityId: activity.id, err: error }, 'bot framework activity failed');
      // CloudAdapter answers 500 with the error's message: keep internals out of it.
      throw new Error('internal error');
    }
  }

  private async handle(context: TurnContext): Promise<void> {
    await handleActivity(this.ctx, context.activity, { fileHosts: this.fileHosts, downloadHeaders: (_file, serviceUrl) => this.downloadHeaders(serviceUrl) });
  }

  /** Files on the channel's own service (Teams inline images) need the bot's token; other URLs are pre-authorised. */
  private async downloadHeaders(serviceUrl: string): Promise<Record<string, string>> {
    if (this.anonymous) return {};
    const token = await this.adapter.botToken(serviceUrl);
    return token ? { authorization: `Bearer ${token}` } : {};
  }
}

export function createBotFrameworkChannel(ctx: AppContext): BotFrameworkChannel | undefined {
  const { BOTFRAMEWORK_SDK, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId, BOTFRAMEWORK_EMULATOR, BOTFRAMEWORK_OPENID_METADATA_URL, BOTFRAMEWORK_TOKEN_ISSUER, BOTFRAMEWORK_FILE_HOSTS } = ctx.config;
  if (BOTFRAMEWORK_SDK !== 'botbuilder' || (!MicrosoftAppId && !BOTFRAMEWORK_EMULATOR)) return undefined;
  return new BotFrameworkChannel(ctx, {
    ...(MicrosoftAppId ? { appId: MicrosoftAppId } : {}),
    ...(MicrosoftAppPassword ? { appPassword: MicrosoftAppPassword } : {}),
    ...(MicrosoftAppType ? { appType: MicrosoftAppType } : {}),
    ...(MicrosoftAppTenantId ? { tenantId: MicrosoftAppTenantId } : {}),
    ...(BOTFRAMEWORK_OPENID_METADATA_URL ? { openIdMetadataUrl: BOTFRAMEWORK_OPENID_METADATA_URL } : {}),
    ...(BOTFRAMEWORK_TOKEN_ISSUER ? { tokenIssuer: BOTFRAMEWORK_TOKEN_ISSUER } : {}),
    ...(BOTFRAMEWORK_FILE_HOSTS ? { fileHosts: BOTFRAMEWORK_FILE_HOSTS } : {}),
  });
}
