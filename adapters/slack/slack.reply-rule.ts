/**
 * The reply rule: in a case thread, only a message that starts with `>>`
 * goes to the customer (without the `>>`); everything else is an internal
 * note. Writing to a customer takes a deliberate prefix, so a stray remark
 * never leaves Slack.
 */
export const REPLY_PREFIX = '>>';

export interface ThreadMessage {
  kind: 'reply' | 'note';
  text: string;
}

export function parseThreadMessage(slackText: string): ThreadMessage {
  const plain = slackToPlain(slackText);
  const match = /^\s*>>([\s\S]*)$/.exec(plain);
  return match ? { kind: 'reply', text: match[1]!.trim() } : { kind: 'note', text: plain.trim() };
}

/**
 * Slack message text to what a customer can read: links keep their label
 * and address, channel and user references keep only their label (a bare
 * `<@U123>` is dropped: internal ids never reach customers), and Slack's
 * escaping of & < > is undone.
 */
export function slackToPlain(text: string): string {
  return text
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<[@#!][^>|]*\|([^>]+)>/g, '$1')
    .replace(/<[@#!][^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ');
}

/** Text from customers or the database, made safe inside Slack mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
