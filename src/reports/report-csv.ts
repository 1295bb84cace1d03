import { csvDocument } from './csv.ts';
import type { Report, Satisfaction } from './report.ts';

export const REPORT_CSV_HEADER = ['section', 'item', 'metric', 'value'];

/**
 * The report in long form: one figure per row (section, item, metric, value). Shares are 0..1, durations hours.
 * Milestone rows name their item `milestone/category/severity` (ids as stored; `none` for no category).
 */
export function reportCsv(report: Report): string {
  const rows: unknown[][] = [
    ['range', '', 'from', report.range.from],
    ['range', '', 'to', report.range.to],
    ['range', '', 'timezone', report.range.timezone],
    ['cases', '', 'opened', report.cases.opened],
    ['cases', '', 'resolved', report.cases.resolved],
    ['cases', '', 'closed', report.cases.closed],
    ['cases', '', 'open_now', report.cases.openNow],
  ];
  for (const [dimension, counts] of Object.entries(report.volumes)) for (const c of counts) rows.push([`volume_${dimension}`, c.key, 'cases', c.count]);
  for (const [name, d] of [['first_response_hours', report.firstResponseHours], ['resolution_hours', report.resolutionHours]] as const) {
    rows.push([name, '', 'count', d.count], [name, '', 'median', d.median], [name, '', 'p90', d.p90]);
  }
  for (const [name, s] of [['deadline_first_response', report.deadlines.firstResponse], ['deadline_resolution', report.deadlines.resolution]] as const) {
    rows.push([name, '', 'met', s.met], [name, '', 'judged', s.judged], [name, '', 'share_met', s.share]);
  }
  rows.push(['reopen', '', 'resolved', report.reopen.resolved], ['reopen', '', 'reopened', report.reopen.reopened], ['reopen', '', 'rate', report.reopen.rate]);
  rows.push(...satisfactionRows('satisfaction', report.satisfaction), ...satisfactionRows('campaigns', report.campaigns));
  rows.push(['surveys', '', 'sent', report.surveys.sent], ['surveys', '', 'answered', report.surveys.answered], ['surveys', '', 'response_rate', report.surveys.responseRate]);
  for (const a of report.agents) {
    rows.push(['agent', a.agent, 'owned', a.owned], ['agent', a.agent, 'resolved', a.resolved], ['agent', a.agent, 'median_resolution_hours', a.medianResolutionHours]);
    rows.push(['agent', a.agent, 'csat_count', a.csatCount], ['agent', a.agent, 'csat_average', a.csatAverage]);
  }
  for (const c of report.rootCauses) rows.push(['root_cause', c.key, 'cases', c.count]);
  rows.push(['determination', 'responsible', 'cases', report.determination.responsible], ['determination', 'not_responsible', 'cases', report.determination.notResponsible]);
  for (const m of report.milestones) {
    const item = `${m.milestone}/${m.category}/${m.severity}`;
    rows.push(['milestone', item, 'judged', m.judged], ['milestone', item, 'met', m.met], ['milestone', item, 'share_met', m.share]);
    rows.push(['milestone', item, 'skipped', m.skipped], ['milestone', item, 'median_hours', m.medianHours]);
  }
  return csvDocument(REPORT_CSV_HEADER, rows);
}

function satisfactionRows(section: string, s: Satisfaction): unknown[][] {
  return [
    [section, '', 'answered', s.answered],
    [section, '', 'csat_average', s.csatAverage],
    [section, '', 'satisfied_share', s.satisfiedShare],
    [section, '', 'nps', s.nps],
    [section, '', 'promoters', s.promoters],
    [section, '', 'detractors', s.detractors],
    [section, '', 'nps_answers', s.npsCount],
  ];
}
