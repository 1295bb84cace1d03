import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity, type Attachment, type CardAction, type ChannelAccount, type ConversationReference } from 'botbuilder';
import type { Choice, InboundMessage, OutboundMessage } from '../../src/channels/contract.ts';
import { checkEvidence, type EvidenceLimits } from '../../src/channels/evidence.ts';

/**
 * Bot Framework activity ⇄ channel contract. Pure: no connector calls.
 * A pressed button comes back as `value.hearkenChoice` (messageBack or a
 * card submit), so typed text and button values never mix.
 */

export const CHOICE_KEY = 'hearkenChoice';
/** Teams shows at most six buttons on a hero card. */
const BUTTONS_PER_CARD = 6;
const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
};

export interface BotFrameworkFileRef {
  url: string;
  fileName: string;
  mimeType: string;
}

export type MappedActivity =
  | { kind: 'inbound'; message: InboundMessage; files: BotFrameworkFileRef[] }
  | { kind: 'ignored'; reason: 'not_a_message' | 'not_personal' | 'malformed' | 'nobody_joined' };

/**
 * A message, or a conversationUpdate that adds the person to the
 * conversation with the bot (mapped to a greeting).
 */
export function mapActivity(activity: Partial<Activity>, options: { limits: EvidenceLimits }): MappedActivity {
  if (activity.type !== 'message' && activity.type !== 'conversationUpdate') return { kind: 'ignored', reason: 'not_a_message' };
  const conversationId = activity.conversation?.id;
  if (!activity.from?.id || !conversationId || !activity.channelId || !activity.serviceUrl) return { kind: 'ignored', reason: 'malformed' };
  // Group chats and Teams channels would show one customer's case to everyone in them.
  const conversationType = activity.conversation?.conversationType;
  if (activity.conversation?.isGroup || conversationType === 'channel' || conversationType === 'groupChat') return { kind: 'ignored', reason: 'not_personal' };
  if (activity.type === 'conversationUpdate') {
    const person = joiningPerson(activity);
    if (!person) return { kind: 'ignored', reason: 'nobody_joined' };
    return { kind: 'inbound', message: { ...inboundFrom(activity, person), greeting: true }, files: [] };
  }

  const message = inboundFrom(activity, activity.from);
  const choice = readChoice(activity.value);
  if (choice) message.choice = choice;
  else if (typeof activity.text === 'string') message.text = activity.text;

  const files: BotFrameworkFileRef[] = [];
  const rejected: NonNullable<InboundMessage['rejectedAttachments']> = [];
  for (const attachment of activity.attachments ?? []) {
    const file = fileOf(attachment);
    if (!file) continue;
    const reason = checkEvidence(file, options.limits);
    if (reason) rejected.push({ fileName: file.fileName, reason });
    else files.push(file);
  }
  if (rejected.length > 0) message.rejectedAttachments = rejected;
  return { kind: 'inbound', message, files };
}

/** The person an activity comes from (or who joined), with the reference to write to them later. */
function inboundFrom(activity: Partial<Activity>, person: ChannelAccount): InboundMessage {
  const reference = TurnContext.getConversationReference(activity);
  const message: InboundMessage = {
    channel: 'botframework',
    externalUserId: botFrameworkIdentity(activity, person),
    address: { ...reference, user: person } as Record<string, unknown>,
    // Without an id the platform cannot redeliver it as the same message: nothing to deduplicate against.
    deliveryId: `${activity.channelId}:${activity.conversation!.id}:${activity.id ?? randomUUID()}`,
  };
  if (activity.locale) message.locale = activity.locale;
  const name = person.name?.trim();
  if (name) message.profile = { name };
  return message;
}

/**
 * Who the customer is, from what the channel vouches for. `from.id` alone is
 * not it: any conversation can carry any from.id (an unauthenticated Direct
 * Line or Emulator client chooses it), and keying on it let a message from
 * another conversation take over a customer and their reply address.
 * - Teams: the tenant and the person's Azure AD object id, both set by Teams
 *   in the token-authenticated activity: `msteams:<tenant>:<aadObjectId>`.
 * - Everywhere else (Direct Line, Web Chat, the Emulator): the conversation,
 *   which Direct Line issues and binds to the client's token:
 *   `<channelId>:conversation:<conversation id>`. A new conversation is a
 *   new customer.
 * Migration `2026-11-29T1100_s-files_botframework_identity` rewrote the
 * identities stored before, with these same rules.
 */
export function botFrameworkIdentity(activity: Partial<Activity>, person: ChannelAccount): string {
  if (activity.channelId === 'msteams') {
    const tenant = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
    if (typeof tenant === 'string' && tenant && person.aadObjectId) return `msteams:${tenant}:${person.aadObjectId}`;
  }
  return `${activity.channelId}:conversation:${activity.conversation!.id}`;
}

/**
 * Who joined the conversation with the bot: a member added other than the
 * bot (Web Chat, the Emulator). Teams announces an install in personal scope
 * by adding the bot itself to the user's chat with it: then the person is
 * the sender. One person per activity at most: the conversation is personal.
 */
function joiningPerson(activity: Partial<Activity>): ChannelAccount | undefined {
  const botId = activity.recipient?.id;
  const added = activity.membersAdded ?? [];
  const person = added.find((member) => member.id && member.id !== botId);
  if (person) return person;
  const teamsInstall = activity.channelId === 'msteams' && activity.conversation?.conversationType === 'personal' && added.some((member) => member.id === botId);
  return teamsInstall ? activity.from : undefined;
}

function readChoice(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const choice = (value as Record<string, unknown>)[CHOICE_KEY];
  return typeof choice === 'string' && choice.length <= 200 ? choice : undefined;
}

/** A file the customer sent, or undefined for what is not one (Teams' HTML copy of the text, cards). */
function fileOf(attachment: Attachment): BotFrameworkFileRef | undefined {
  const type = (attachment.contentType ?? '').toLowerCase();
  if (type === TEAMS_FILE) {
    const content = attachment.content as { downloadUrl?: string; fileType?: string } | undefined;
    if (!content?.downloadUrl) return undefined;
    const extension = (content.fileType ?? attachment.name?.split('.').pop() ?? '').toLowerCase();
    return { url: content.downloadUrl, fileName: attachment.name ?? 'file', mimeType: EXTENSION_TYPES[extension] ?? 'application/octet-stream' };
  }
  if (!attachment.contentUrl || type === 'text/html' || type.startsWith('application/vnd.microsoft.')) return undefined;
  return { url: attachment.contentUrl, fileName: attachment.name ?? 'file', mimeType: type || 'application/octet-stream' };
}

/**
 * An outbound message as an activity for the stored conversation reference:
 * plain text, the card as an Adaptive Card fact set, choices as suggested
 * actions (Teams: hero-card buttons, as Teams shows only three suggested
 * actions).
 */
export function toActivity(message: OutboundMessage, reference: Partial<ConversationReference>): Partial<Activity> {
  const activity: Partial<Activity> = { type: 'message', text: message.text, textFormat: 'plain' };
  const attachments: Attachment[] = [];
  if (message.card) attachments.push(summaryCard(message.card));
  const choices = message.choices ?? [];
  if (choices.length > 0 && reference.channelId === 'msteams') {
    for (let i = 0; i < choices.length; i += BUTTONS_PER_CARD) {
      attachments.push({ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: choices.slice(i, i + BUTTONS_PER_CARD).map(button) } });
    }
  } else if (choices.length > 0) {
    activity.suggestedActions = { to: reference.user?.id ? [reference.user.id] : [], actions: choices.map(button) };
  }
  if (attachments.length > 0) {
    activity.attachments = attachments;
    activity.attachmentLayout = 'list';
  }
  return TurnContext.applyConversationReference(activity, reference);
}

function button(choice: Choice): CardAction {
  return { type: 'messageBack', title: choice.label, text: choice.label, displayText: choice.label, value: { [CHOICE_KEY]: choice.value } };
}

function summaryCard(card: NonNullable<OutboundMessage['card']>): Attachment {
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.2',
      body: [
        { type: 'TextBlock', text: card.title, weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'FactSet', facts: card.fields.map((f) => ({ title: f.label, value: f.value })) },
      ],
    },
  };
}
