import type { Config } from '../config.ts';
import type { AppContext, ChannelModule } from './channel-module.ts';

type Factory = (ctx: AppContext) => ChannelModule | undefined | Promise<ChannelModule | undefined>;

/**
 * A channel's module is imported only when its settings could turn it on:
 * the SDKs (botbuilder, the Agents SDK, Telegraf, Bolt) take a good part of
 * start-up, and a channel that is off never needs them. `mayBeOn` is a cheap
 * superset of the factory's own test; the factory still decides.
 */
function lazy(mayBeOn: (config: Config) => unknown, load: () => Promise<Factory>): Factory {
  return async (ctx) => (mayBeOn(ctx.config) ? (await load())(ctx) : undefined);
}

/**
 * Optional channel modules. Each factory returns undefined when its channel
 * has no credentials in the configuration (the channel is off).
 */
export const channelModuleFactories: Factory[] = [
  lazy(
    (c) => c.TELEGRAM_BOT_TOKEN,
    async () => (await import('../../adapters/telegram/telegram.adapter.ts')).createTelegramChannel,
  ),
  lazy(
    (c) => c.BOTFRAMEWORK_SDK === 'botbuilder' && (c.MicrosoftAppId || c.BOTFRAMEWORK_EMULATOR),
    async () => (await import('../../adapters/botframework/botframework.adapter.ts')).createBotFrameworkChannel,
  ),
  lazy(
    (c) => c.BOTFRAMEWORK_SDK === 'agents' && (c.clientId || c.MicrosoftAppId || c.BOTFRAMEWORK_EMULATOR),
    async () => (await import('../../adapters/agents/agents.adapter.ts')).createAgentsChannel,
  ),
  lazy(
    (c) => c.SLACK_BOT_TOKEN,
    async () => (await import('../../adapters/slack/slack.module.ts')).createSlackModule,
  ),
];
