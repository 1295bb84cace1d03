import { maskContactsInText } from '../../src/privacy/mask.ts';

/**
 * How a customer's own words reach Slack: under a fixed header the bot
 * writes, as a `plain_text` object with emoji shortcodes off, so nothing a
 * customer types (`*bold*`, `:white_check_mark:`, `<!here>`, links) renders
 * as the bot's formatting, and with phone numbers and e-mail addresses
 * masked (Reveal contact is the only way to them). Never put customer text
 * in a mrkdwn object or a message's `text` fallback.
 */

export type Block = Record<string, unknown>;

/** Slack refuses a section text over 3,000 characters. */
const MAX_WORDS = 2_900;

/** The customer's text as staff may see it: contacts masked, cut to what a block holds. */
export function customerText(text: string, max = MAX_WORDS): string {
  // Cut well past what is shown before masking (bounded work), so no number is split inside the visible part.
  const masked = maskContactsInText(text.trim().slice(0, max + 100));
  return masked.length <= max ? masked : `${masked.slice(0, max - 1)}…`;
}

/** A plain text object that renders nothing: no mrkdwn, no emoji shortcodes. */
export function literal(text: string): { type: 'plain_text'; text: string; emoji: false } {
  return { type: 'plain_text', text: text || ' ', emoji: false };
}

/** A bot-written header (mrkdwn), then the customer's words as literal text. */
export function customerWordsBlocks(header: string, text: string, max = MAX_WORDS): Block[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: header } },
    { type: 'section', text: literal(customerText(text, max)) },
  ];
}

/** Bidi overrides, zero-width and control characters make a file name read as something else: shown without them. */
export function displayFileName(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, '').trim();
  const short = cleaned.length <= 80 ? cleaned : `${cleaned.slice(0, 79)}…`;
  return short || 'file';
}
