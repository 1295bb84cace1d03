/** Text objects of Block Kit blocks, with their type, for asserting how a text renders in Slack. */
export interface TextObject {
  type: string;
  text: string;
  emoji?: boolean;
}

/** Every `{ type: 'mrkdwn' | 'plain_text', text }` object anywhere in the blocks. */
export function textObjects(blocks: unknown): TextObject[] {
  const out: TextObject[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') {
        out.push({ type: record.type, text: record.text, ...(typeof record.emoji === 'boolean' ? { emoji: record.emoji } : {}) });
      }
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(blocks);
  return out;
}

/**
 * Where `needle` renders in a message: only literally (plain_text, emoji
 * shortcodes off), never as mrkdwn and never in the `text` fallback (which
 * Slack renders as mrkdwn too).
 */
export function renderedLiterally(message: { text?: unknown; blocks?: unknown }, needle: string): { literal: number; formatted: number; inFallback: boolean } {
  const objects = textObjects(message.blocks ?? []).filter((o) => o.text.includes(needle));
  return {
    literal: objects.filter((o) => o.type === 'plain_text' && o.emoji === false).length,
    formatted: objects.filter((o) => !(o.type === 'plain_text' && o.emoji === false)).length,
    inFallback: String(message.text ?? '').includes(needle),
  };
}

/** All text of a message, blocks and fallback. */
export function everyText(message: { text?: unknown; blocks?: unknown }): string {
  return [String(message.text ?? ''), ...textObjects(message.blocks ?? []).map((o) => o.text)].join('\n');
}
