import { channelContractTests } from './channel-contract.ts';
import { webchatDriver } from './drivers/webchat.driver.ts';

channelContractTests(webchatDriver());
