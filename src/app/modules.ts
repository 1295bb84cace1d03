import { createAgentsChannel } from '../../adapters/agents/agents.adapter.ts';
import { createBotFrameworkChannel } from '../../adapters/botframework/botframework.adapter.ts';
import type { AppContext, ChannelModule } from '../../adapters/channel-module.ts';
import { createSlackModule } from '../../adapters/slack/slack.module.ts';
import { createTelegramChannel } from '../../adapters/telegram/telegram.adapter.ts';
import { createWebchatChannel } from '../../adapters/webchat/webchat.module.ts';

/** Builds one channel module from the app's context, or undefined when the channel is off. */
export type ChannelModuleFactory = (ctx: AppContext) => ChannelModule | undefined | Promise<ChannelModule | undefined>;

/**
 * Every channel module, in mounting order: the only list of adapters in the
 * code. The web chat is always on; each other factory returns undefined when
 * its channel has no credentials in the configuration (the channel is off).
 */
export const channelModuleFactories: readonly ChannelModuleFactory[] = [
  createWebchatChannel,
  createTelegramChannel,
  createBotFrameworkChannel,
  createAgentsChannel,
  createSlackModule,
];
