import type { Policy } from '../policy.ts';
import type { PromptCatalog } from './prompt-catalog.ts';
import type { Draft } from './state.ts';
import { findEmail, findPhone, hasCjk, matchOrderRef } from './validators.ts';

/**
 * What a customer's first free-text message already tells us: order number,
 * phone, e-mail, category keywords (both languages) and, when it reads like a
 * description of the problem, the description itself.
 */
export function prefillFromText(text: string, policy: Policy, catalog: PromptCatalog): Partial<Draft> {
  const found: Partial<Draft> = {};
  const email = findEmail(text);
  if (email) found.email = email;
  const phone = findPhone(text);
  if (phone) found.phone = phone;
  const withoutEmail = email ? text.replace(new RegExp(escapeRegExp(email), 'iu'), ' ') : text;
  const orderRef = matchOrderRef(withoutEmail, policy.intake.orderRefPattern);
  if (orderRef) found.orderRef = orderRef;

  const lower = text.toLowerCase();
  let best: { category: string; keyword: string } | undefined;
  for (const entry of catalog.categoryKeywords()) {
    if (lower.includes(entry.keyword) && (!best || entry.keyword.length > best.keyword.length)) best = entry;
  }
  if (best) found.category = best.category;

  if (readsLikeDescription(text, policy)) found.description = text.slice(0, policy.intake.descriptionMaxLength);
  return found;
}

function readsLikeDescription(text: string, policy: Policy): boolean {
  const letters = [...text].filter((ch) => /\p{L}/u.test(ch)).length;
  if (letters < policy.intake.descriptionMinLength) return false;
  if (hasCjk(text)) return [...text].filter((ch) => /[\u3400-\u9FFF]/u.test(ch)).length >= 8;
  return text.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length >= 6;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
