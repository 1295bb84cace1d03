import type { Activity } from 'botbuilder';
import type { AppContext } from '../channel-module.ts';
import { fetchAllowedFile } from '../../src/channels/file-fetch.ts';
import { findStoredConversation } from '../../src/cases/customer.repository.ts';
import { downloadRefusal, receiveEvidence, storeEvidence, type Downloaded } from '../../src/inbound/evidence-intake.ts';
import { mapActivity, type BotFrameworkFileRef } from './botframework.mapper.ts';

/**
 * One authenticated Bot Framework activity → the conversation service. The
 * same protocol whichever SDK authenticated it (botbuilder or the
 * Microsoft 365 Agents SDK): both adapters call this.
 */

export const BOTFRAMEWORK_PATH = '/api/messages';

/** Where Teams and Bot Framework channels keep files customers send (Teams files, inline images, Direct Line uploads). */
export const DEFAULT_FILE_HOSTS = ['*.sharepoint.com', 'smba.trafficmanager.net', '*.botframework.com'] as const;
/** Without an app id only the local Emulator is answered, and it serves files on this machine. */
export const EMULATOR_FILE_HOSTS = ['127.0.0.1', '::1'] as const;

export type RefusalCause = 'not_local' | 'no_token' | 'token_refused';

export interface ActivityHandling {
  fileHosts: readonly string[];
  /** Headers for downloading a file the channel serves itself (the bot's token), or none. */
  downloadHeaders(file: BotFrameworkFileRef, serviceUrl: string): Promise<Record<string, string>>;
}

export async function handleActivity(ctx: AppContext, activity: Partial<Activity>, handling: ActivityHandling): Promise<void> {
  const { policy, logger, db, conversations } = ctx;
  const mapped = mapActivity(activity, { limits: policy.attachments });
  if (mapped.kind === 'ignored') {
    logger.info({ channel: 'botframework', activityType: activity.type, reason: mapped.reason }, 'bot framework activity ignored');
    return;
  }
  const message = mapped.message;
  const evidence = await receiveEvidence(db, message, mapped.files, policy.attachments, (file) => fetchFile(ctx, file, activity, handling));
  if (activity.channelId === 'msteams') {
    // Teams identities are people, not conversations: the stored reference stays where it is (customer.repository); say so.
    const stored = await findStoredConversation(db, 'botframework', message.externalUserId);
    if (stored !== undefined && stored !== activity.conversation?.id) logger.warn({ channel: 'botframework', activityId: activity.id }, 'bot framework message from another conversation of a known customer; replies stay in the stored conversation');
  }
  const outcome = await conversations.handleInbound(message, storeEvidence('botframework', evidence));
  logger.info(
    { channel: 'botframework', channelId: activity.channelId, activityId: activity.id, customerId: outcome.ok ? outcome.customerId : undefined, duplicate: !outcome.ok, files: evidence.length },
    'bot framework activity handled',
  );
}

/**
 * The URL is the sender's say-so: fetched only from the channel's file
 * hosts. A file that cannot be fetched is a refusal the customer is told
 * about; the rest of the message is handled (a redelivery would fail the
 * same way).
 */
async function fetchFile(ctx: AppContext, file: BotFrameworkFileRef, activity: Partial<Activity>, handling: ActivityHandling): Promise<Downloaded> {
  const { policy, logger } = ctx;
  const headers = activity.serviceUrl && sameOrigin(file.url, activity.serviceUrl) ? await handling.downloadHeaders(file, activity.serviceUrl) : {};
  const fetched = await fetchAllowedFile(file.url, { allowedHosts: handling.fileHosts, maxBytes: policy.attachments.maxBytes, headers });
  if (fetched.ok) return fetched;
  logger.warn({ channel: 'botframework', activityId: activity.id, reason: fetched.reason }, 'bot framework file not fetched');
  return downloadRefusal(fetched);
}

/** One line per refused request, without the token or anything from the activity. */
export function logRefusal(ctx: AppContext, status: number, reason: RefusalCause): void {
  ctx.logger.warn({ channel: 'botframework', status, reason }, 'bot framework request refused');
}

/** Emulator mode: nothing is authenticated, so only an Emulator on this machine, writing to a service URL on this machine. */
export function isLocalEmulatorRequest(serviceUrl: unknown, remoteAddress: string | undefined): boolean {
  return isLoopbackUrl(serviceUrl) && isLoopbackAddress(remoteAddress);
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export function sameOrigin(a: unknown, b: unknown): boolean {
  try {
    return typeof a === 'string' && typeof b === 'string' && new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
