import { toSimplified } from './normalise.ts';

let lastText: string | undefined;
let lastPrepared = '';

/**
 * The text every field reader works on: NFKC (full-width digits and "＠"
 * become ASCII) and Simplified, case and spacing kept so positions still
 * match the customer's text in nearly every message. The last result is
 * remembered, because the readers of one message each ask for it.
 */
export function prepareText(text: string): string {
  if (text !== lastText) {
    lastPrepared = toSimplified(text.normalize('NFKC'));
    lastText = text;
  }
  return lastPrepared;
}
