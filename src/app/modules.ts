import type { AppContext, ChannelModule } from '../../adapters/channel-module.ts';
import { createWebchatChannel } from '../../adapters/webchat/webchat.module.ts';
import type { Config } from '../config.ts';

/** Builds one channel module from the app's context, or undefined when the channel is off. */
export type ChannelModuleFactory = (ctx: AppContext) => ChannelModule | undefined | Promise<ChannelModule | undefined>;

/**
 * A channel's module is imported only when its settings could turn it on:
 * the SDKs (botbuilder, the Agents SDK, Telegraf, Bolt) take a good part of
 * start-up, and a channel that is off never needs them. `mayBeOn` is a cheap
 * superset of the factory's own test; the factory still decides.
 */
function lazy(mayBeOn: (config: Config) => unknown, load: () => Promise<ChannelModuleFactory>): ChannelModuleFactory {
  return async (ctx) => (mayBeOn(ctx.config) ? (await load())(ctx) : undefined);
}

/**
 * Every channel module, in mounting order: the only list of adapters in the
 * code. The web chat is always on; each other factory returns undefined when
 * its channel has no credentials in the configuration (the channel is off).
 */
export const channelModuleFactories: readonly ChannelModuleFactory[] = [
  createWebchatChannel,
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
