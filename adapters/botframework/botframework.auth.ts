import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity } from 'botbuilder';
// botbuilder's own connector (a dependency of botbuilder 4.23): CloudAdapter answers 401 only for its AuthenticationError.
import { AuthenticationConstants, AuthenticationError } from 'botframework-connector';

/** The bot's identity and where the channel's tokens are checked against. */
export interface BotFrameworkAuthOptions {
  appId?: string;
  appPassword?: string;
  appType?: string;
  tenantId?: string;
  /** OpenID metadata of the channel's token signing keys; default the public Azure cloud's. */
  openIdMetadataUrl?: string;
  /** Issuer of the channel's tokens; default the public Azure cloud's. */
  tokenIssuer?: string;
}

/**
 * The SDK's JWT validation, with one change: jsonwebtoken's own errors (a
 * signature by another key, a malformed token) reach CloudAdapter as they
 * are, and it answers them with 500; they are authentication failures: 401.
 */
class ChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string) {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      if (name === 'JsonWebTokenError' || name === 'NotBeforeError') throw new AuthenticationError(`Unauthorized. ${(error as Error).message}`, StatusCodes.UNAUTHORIZED);
      throw error;
    }
  }
}

/**
 * The SDK's settings for the public Azure cloud with the inbound token
 * settings replaced: once one such setting is given, the SDK expects all of
 * them (botframework-connector BotFrameworkAuthenticationFactory).
 */
function cloudSettings(options: BotFrameworkAuthOptions): Record<string, string | boolean> {
  if (!options.openIdMetadataUrl && !options.tokenIssuer) return {};
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: options.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/** Inbound JWT checks and outbound credentials for CloudAdapter; without an app id nothing is authenticated (the Emulator). */
export function channelAuthentication(options: BotFrameworkAuthOptions): ConfigurationBotFrameworkAuthentication {
  return new ChannelAuthentication({
    ...cloudSettings(options),
    ...(options.appId ? { MicrosoftAppId: options.appId } : {}),
    ...(options.appPassword ? { MicrosoftAppPassword: options.appPassword } : {}),
    ...(options.appType ? { MicrosoftAppType: options.appType } : {}),
    ...(options.tenantId ? { MicrosoftAppTenantId: options.tenantId } : {}),
  });
}
