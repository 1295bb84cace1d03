import { channelContractTests } from './channel-contract.ts';
import { botFrameworkDriver } from './drivers/botframework.driver.ts';

channelContractTests(botFrameworkDriver());
