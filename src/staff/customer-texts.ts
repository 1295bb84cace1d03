import type { Locale } from '../conversation/prompt-catalog.ts';
import type { CaseRow } from '../db/schema.ts';
import type { StaffDeps } from './staff-action.ts';

/**
 * What staff actions say to the customer, in the case's language (the
 * language the complaint was made in). They reach the customer through
 * src/cases/customer-message.ts, like every other message.
 */

/** The case's language for texts to its customer. */
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
