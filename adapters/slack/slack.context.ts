import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import type { StaffActor } from '../../src/staff/staff-actor.ts';
import type { StaffDeps } from '../../src/staff/staff-action.ts';
import type { StaffLanguages, StaffTexts } from '../../src/staff/staff-catalog.ts';
import type { CampaignService } from '../../src/surveys/campaign.service.ts';
import { caseTeam } from '../../src/staff/staff.repository.ts';
import type { SlackClient } from './slack.client.ts';
import type { SlackDirectory } from './slack.directory.ts';

/** What the Bolt listeners need. */
export interface SlackContext {
  deps: StaffDeps;
  /** The periodic anonymous survey, started by a supervisor with the slash command. */
  campaigns?: CampaignService;
  client: SlackClient;
  directory: SlackDirectory;
  logger: Logger;
  config: Config;
  /** What staff read (STAFF_LOCALE). */
  texts: StaffTexts;
  /** A case's texts, in its team's language. */
  languages: StaffLanguages;
}

/** The texts for what concerns one case: its team's language, else STAFF_LOCALE. */
export async function caseTexts(ctx: SlackContext, caseId: number): Promise<StaffTexts> {
  if (!ctx.languages.perTeam || !Number.isInteger(caseId)) return ctx.texts;
  return ctx.languages.forTeam(await caseTeam(ctx.deps.db, caseId));
}

/** The acting Slack user with their role, or undefined when Slack could not be asked (callers refuse). */
export async function lookupActor(ctx: SlackContext, userId: string): Promise<StaffActor | undefined> {
  try {
    return await ctx.directory.actor(userId);
  } catch (error) {
    ctx.logger.warn({ component: 'slack', user: userId, err: error }, 'staff role lookup failed');
    return undefined;
  }
}

/** A message only `user` sees; failures are logged, never thrown (the action already happened or was refused). */
export async function ephemeral(
  ctx: SlackContext,
  target: { channel?: string; user: string; threadTs?: string },
  message: string | { text: string; blocks: Array<Record<string, unknown>> },
): Promise<void> {
  if (!target.channel) return;
  const body = typeof message === 'string' ? { text: message } : { text: message.text, blocks: message.blocks as never };
  try {
    await ctx.client.chat.postEphemeral({ channel: target.channel, user: target.user, ...body, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) });
  } catch (error) {
    ctx.logger.warn({ component: 'slack', channel: target.channel, err: error }, 'ephemeral message failed');
  }
}
