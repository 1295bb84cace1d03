import type { Locale } from '../conversation/prompt-catalog.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { conversationKey, enqueueOutbound } from '../outbox/outbox.repository.ts';
import type { StaffDeps } from './staff-action.ts';
import { findCaseCustomer } from './staff.repository.ts';

/** The DeliveryListener name for staff messages to customers (see delivery-reported.ts). */
export const STAFF_REPORT = 'staff';

export type NoticeKind = 'reply' | 'request_info' | 'result' | 'reopened';

/**
 * Queues a message to the case's customer on their own channel, in the
 * customer's conversation order, asking for the outcome to be reported back
 * to the staff desk.
 */
export async function tellCustomer(trx: Db, row: CaseRow, text: string, kind: NoticeKind, ref?: Record<string, unknown>): Promise<void> {
  const customer = await findCaseCustomer(trx, row.customer_id);
  await enqueueOutbound(trx, [
    {
      customerId: customer.id,
      caseId: row.id,
      channel: customer.channel,
      conversationKey: conversationKey(customer.channel, customer.external_id),
      address: customer.address,
      payload: { text },
      report: { to: STAFF_REPORT, kind, caseId: row.id, ...(ref ? { ref } : {}) },
    },
  ]);
}

export function localeOf(row: CaseRow): Locale {
  return row.locale === 'zh-CN' ? 'zh-CN' : 'en';
}

/** Who signs a staff message: the agent's display name, or the company, by configuration. */
export function signature(deps: Pick<StaffDeps, 'catalog' | 'attribution'>, row: CaseRow, agentName: string | undefined): string {
  if (deps.attribution === 'agent' && agentName) return agentName;
  return deps.catalog.t(localeOf(row), 'messages.companyName');
}

/** The written result the customer receives on resolution. */
export function resultText(deps: Pick<StaffDeps, 'catalog' | 'routing'>, row: CaseRow): string {
  const locale = localeOf(row);
  const lines = [deps.catalog.t(locale, 'messages.caseResult', { caseNumber: row.number, resolution: row.resolution_summary ?? '' })];
  if (row.remedy && row.remedy !== 'none') {
    const label = deps.catalog.optionLabel(locale, 'desiredResolution', row.remedy);
    const amount = row.remedy_amount ? ` ${row.remedy_amount}${deps.routing.resolution.currency ? ` ${deps.routing.resolution.currency}` : ''}` : '';
    lines.push(deps.catalog.t(locale, 'messages.caseResultRemedy', { remedy: `${label}${amount}` }));
  }
  return lines.join('\n\n');
}
