import { CloudAdapter, type ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/**
 * CloudAdapter that hands out one connector client per service URL for the
 * outbox (CloudAdapter itself builds a new one for every turn and proactive
 * message), and the bot's token for files on the channel's own service.
 */
export class HearkenCloudAdapter extends CloudAdapter {
  private readonly connectors = new Map<string, ReturnType<HearkenCloudAdapter['createConnector']>>();

  constructor(
    auth: ConfigurationBotFrameworkAuthentication,
    private readonly appId: string,
  ) {
    super(auth);
  }

  connectorFor(serviceUrl: string) {
    let connector = this.connectors.get(serviceUrl);
    if (!connector) {
      connector = this.createConnector(serviceUrl);
      connector.catch(() => this.connectors.delete(serviceUrl));
      this.connectors.set(serviceUrl, connector);
    }
    return connector;
  }

  /** The bot's bearer token for a service URL's Bot Connector (files it serves itself need it), or undefined. */
  async botToken(serviceUrl: string): Promise<string | undefined> {
    const connector = await this.connectorFor(serviceUrl);
    const credentials = (connector as unknown as { credentials?: { getToken?: () => Promise<string> } }).credentials;
    return (await credentials?.getToken?.()) || undefined;
  }

  private async createConnector(serviceUrl: string) {
    const connector = await this.botFrameworkAuthentication.createConnectorFactory(this.createClaimsIdentity(this.appId)).create(serviceUrl);
    // The outbox owns retries: the SDK's retry policy would wait out Retry-After inside one delivery and multiply attempts.
    (connector as unknown as { client?: { pipeline?: { removePolicy(policy: { name: string }): unknown } } }).client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
    return connector;
  }
}
