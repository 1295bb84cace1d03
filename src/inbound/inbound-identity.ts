import type { InboundMessage } from '../channels/contract.ts';
import type { Locale } from '../conversation/prompt-catalog.ts';
import { hasCjk } from '../conversation/validators.ts';
import type { InboundIdentity } from '../cases/customer.repository.ts';

/** Who wrote: the customer row an inbound message creates or refreshes. */
export function identityOf(message: InboundMessage, locale: Locale): InboundIdentity {
  return { channel: message.channel, externalId: message.externalUserId, address: message.address, displayName: message.profile?.name, locale };
}

/** The customer's language: the text's script first, then the channel's locale. */
export function detectLocale(message: Pick<InboundMessage, 'text' | 'locale'>): Locale {
  if (message.text && hasCjk(message.text)) return 'zh-CN';
  if (message.locale?.toLowerCase().startsWith('zh')) return 'zh-CN';
  return 'en';
}
