import type { KeyCount } from '../../src/reports/report.repository.ts';
import type { Report } from '../../src/reports/report.ts';
import type { StaffTexts } from '../../src/staff/staff-catalog.ts';
import { rootCause } from './slack.card.ts';
import { escapeMrkdwn } from './slack.reply-rule.ts';

/** The report as Slack text blocks (for `/complaints stats` and the weekly digest), in the staff language. Category names and root causes are escaped. */
export function renderReport(report: Report, title: string, texts: StaffTexts): { text: string; blocks: Array<Record<string, unknown>> } {
  const sections = reportLines(report, title, texts);
  const text = sections.map((s) => s.join('\n')).join('\n');
  const blocks = sections.map((lines) => ({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }));
  return { text, blocks };
}

export const pct = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);
const score = (value: number | null, digits = 1): string => (value === null ? '—' : value.toFixed(digits));
const counts = (rows: KeyCount[], name: (key: string) => string, limit = 8): string =>
  rows.length === 0 ? '—' : rows.slice(0, limit).map((r) => `${escapeMrkdwn(name(r.key))} ${r.count}`).join(', ') + (rows.length > limit ? ', …' : '');

function reportLines(r: Report, title: string, texts: StaffTexts): string[][] {
  const t = (key: string, vars: Record<string, string | number>) => texts.t(`report.${key}`, vars);
  const hrs = (value: number | null): string => (value === null ? '—' : t('hours', { value: value.toFixed(1) }));
  const s = r.satisfaction;
  const d = r.deadlines;
  const agents = r.agents.slice(0, 10).map((a) =>
    t('agent', { agent: `<@${a.agent}>`, owned: a.owned, resolved: a.resolved, median: hrs(a.medianResolutionHours), csat: score(a.csatAverage), csatCount: a.csatCount }),
  );
  return [
    [
      t('opened', { title, opened: r.cases.opened, openNow: r.cases.openNow }),
      t('resolved', { resolved: r.cases.resolved, closed: r.cases.closed, rate: pct(r.reopen.rate), reopened: r.reopen.reopened, of: r.reopen.resolved }),
    ],
    [
      t('times', { frMedian: hrs(r.firstResponseHours.median), frP90: hrs(r.firstResponseHours.p90), resMedian: hrs(r.resolutionHours.median), resP90: hrs(r.resolutionHours.p90) }),
      t('deadlines', {
        frShare: pct(d.firstResponse.share), frMet: d.firstResponse.met, frJudged: d.firstResponse.judged,
        resShare: pct(d.resolution.share), resMet: d.resolution.met, resJudged: d.resolution.judged,
      }),
    ],
    [
      t('satisfaction', { csat: score(s.csatAverage), csatCount: s.csatCount, satisfied: pct(s.satisfiedShare), nps: score(s.nps, 0), npsCount: s.npsCount }),
      t('surveys', { rate: pct(r.surveys.responseRate), answered: r.surveys.answered, sent: r.surveys.sent }),
    ],
    [
      t('byCategory', { list: counts(r.volumes.category, (k) => texts.category(k)) }),
      t('bySeverity', { list: counts(r.volumes.severity, (k) => texts.label('severity', k)) }),
      t('byChannel', { list: counts(r.volumes.channel, (k) => texts.label('channel', k)) }),
      t('determination', { responsible: r.determination.responsible, notResponsible: r.determination.notResponsible, list: counts(r.rootCauses, (k) => rootCause(texts, k)) }),
    ],
    agents.length > 0 ? [texts.t('report.agentsTitle'), ...agents] : [texts.t('report.agentsNone')],
  ];
}
