import { createAgentsChannel } from '../../adapters/agents/agents.adapter.ts';
import { createBotFrameworkChannel } from '../../adapters/botframework/botframework.adapter.ts';
import { createTelegramChannel } from '../../adapters/telegram/telegram.adapter.ts';
import { createSlackModule } from '../../adapters/slack/slack.module.ts';
import type { AppContext, ChannelModule } from './channel-module.ts';

/**
 * Optional channel modules. Each factory returns undefined when its channel
 * has no credentials in the configuration (the channel is off).
 */
export const channelModuleFactories: Array<(ctx: AppContext) => ChannelModule | undefined | Promise<ChannelModule | undefined>> = [
  createTelegramChannel,
  createBotFrameworkChannel,
  createAgentsChannel,
  createSlackModule,
];
