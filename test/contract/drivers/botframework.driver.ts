import { randomUUID } from 'node:crypto';
import { BotFrameworkCustomer } from '../../support/botframework-customer.ts';
import { FakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { TestApp } from '../../support/test-app.ts';
import type { ChannelDriver } from '../channel-driver.ts';

/**
 * Bot Framework as the Emulator drives it (no app id): activities POSTed to
 * /api/messages, replies to a fake connector; served by either SDK
 * (BOTFRAMEWORK_SDK), same channel.
 */
export function botFrameworkDriver(sdk: 'botbuilder' | 'agents' = 'botbuilder'): ChannelDriver {
  const connector = new FakeBotConnector();
  let app: TestApp;
  return {
    channel: 'botframework',
    async setup() {
      await connector.start();
      return { BOTFRAMEWORK_SDK: sdk, BOTFRAMEWORK_EMULATOR: 'true' };
    },
    attach(started) {
      app = started;
    },
    openCustomer({ locale, name }) {
      return new BotFrameworkCustomer(connector, () => app, { id: `user-${randomUUID()}`, ...(name ? { name } : {}) }, locale === 'zh-CN' ? 'zh-CN' : 'en-US');
    },
    teardown: () => connector.stop(),
  };
}
