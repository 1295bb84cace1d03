import type { KeyCount } from '../../src/reports/report.repository.ts';
import type { Report } from '../../src/reports/report.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

/** The report as Slack text blocks (for `/complaints stats` and the weekly digest). Category names and root causes are escaped. */
export function renderReport(report: Report, title: string): { text: string; blocks: Array<Record<string, unknown>> } {
  const sections = reportLines(report, title);
  const text = sections.map((s) => s.join('\n')).join('\n');
  const blocks = sections.map((lines) => ({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }));
  return { text, blocks };
}

export const pct = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);
const hrs = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} h`);
const score = (value: number | null, digits = 1): string => (value === null ? '—' : value.toFixed(digits));
const counts = (rows: KeyCount[], limit = 8): string =>
  rows.length === 0 ? '—' : rows.slice(0, limit).map((r) => `${escapeMrkdwn(r.key)} ${r.count}`).join(', ') + (rows.length > limit ? ', …' : '');

function reportLines(r: Report, title: string): string[][] {
  const s = r.satisfaction;
  const agents = r.agents.slice(0, 10).map(
    (a) => `• <@${a.agent}>: owns ${a.owned}, resolved ${a.resolved}, median resolution ${hrs(a.medianResolutionHours)}, CSAT ${score(a.csatAverage)} (${a.csatCount})`,
  );
  return [
    [`*${title}: ${r.cases.opened}* (open now, all time: ${r.cases.openNow})`, `Resolved ${r.cases.resolved} · closed ${r.cases.closed} · reopen rate ${pct(r.reopen.rate)} (${r.reopen.reopened} of ${r.reopen.resolved})`],
    [
      `*Response times* — first response median ${hrs(r.firstResponseHours.median)}, p90 ${hrs(r.firstResponseHours.p90)} · resolution median ${hrs(r.resolutionHours.median)}, p90 ${hrs(r.resolutionHours.p90)}`,
      `Deadlines met: first response ${pct(r.deadlines.firstResponse.share)} (${r.deadlines.firstResponse.met}/${r.deadlines.firstResponse.judged}) · resolution ${pct(r.deadlines.resolution.share)} (${r.deadlines.resolution.met}/${r.deadlines.resolution.judged})`,
    ],
    [
      `*Satisfaction* — CSAT ${score(s.csatAverage)} (${s.csatCount} answers) · satisfied ${pct(s.satisfiedShare)} · NPS ${score(s.nps, 0)} (${s.npsCount} answers)`,
      `Survey response rate ${pct(r.surveys.responseRate)} (${r.surveys.answered} of ${r.surveys.sent} sent)`,
    ],
    [
      `By category: ${counts(r.volumes.category)}`,
      `By severity: ${counts(r.volumes.severity)}`,
      `By channel: ${counts(r.volumes.channel)}`,
      `Responsible ${r.determination.responsible} · not responsible ${r.determination.notResponsible} · root causes: ${counts(r.rootCauses)}`,
    ],
    agents.length > 0 ? ['*Per agent*', ...agents] : ['*Per agent*: no owned cases'],
  ];
}
