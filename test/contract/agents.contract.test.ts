import { channelContractTests } from './channel-contract.ts';
import { botFrameworkDriver } from './drivers/botframework.driver.ts';

// Teams / Bot Framework on the Microsoft 365 Agents SDK (BOTFRAMEWORK_SDK=agents): the same contract as botbuilder.
channelContractTests(botFrameworkDriver('agents'));
