import { FakeTelegramApi } from '../../support/fake-telegram-api.ts';
import { createUser, TelegramCustomer } from '../../support/telegram-customer.ts';
import type { TestApp } from '../../support/test-app.ts';
import type { ChannelDriver } from '../channel-driver.ts';

const SECRET = 'contract-secret-0123456789';

/** Telegram in webhook mode: updates POSTed with the secret, the Bot API faked on 127.0.0.1. */
export function telegramDriver(): ChannelDriver {
  const fake = new FakeTelegramApi();
  let app: TestApp;
  return {
    channel: 'telegram',
    async setup() {
      await fake.start();
      return { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://hearken.example.test' };
    },
    attach(started) {
      app = started;
    },
    openCustomer({ locale, name }) {
      const [first, ...rest] = (name ?? 'Customer').split(' ');
      const user = createUser({ first_name: first!, language_code: locale === 'zh-CN' ? 'zh-hans' : 'en' });
      if (rest.length > 0) user.last_name = rest.join(' ');
      else delete user.last_name;
      return new TelegramCustomer(fake, () => app, SECRET, user);
    },
    teardown: () => fake.stop(),
  };
}
