import { channelContractTests } from './channel-contract.ts';
import { telegramDriver } from './drivers/telegram.driver.ts';

channelContractTests(telegramDriver());
