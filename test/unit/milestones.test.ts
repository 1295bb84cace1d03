import { describe, expect, it } from 'vitest';
import { calendarOf } from '../../src/cases/business-calendar.ts';
import { addWorkingTimeExceptPauses, nextMilestone, pausesFromEvents, planMilestones, reminderTime, type MilestoneDone } from '../../src/sla/milestones.ts';
import { assessSeverity } from '../../src/cases/severity.ts';
import { loadPromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import { milestonesFor, parsePolicy, PolicyError } from '../../src/policy.ts';
import { loadClassifyRules } from '../../src/understanding/classify-rules.ts';

const HOUR = 3600;
const at = (local: string) => new Date(`${local}+08:00`);
const label = (en: string) => ({ en, 'zh-CN': en });

/** The after-sales chain: respond 24 h, visit 48 h, diagnosis 72 h after the visit, product back 24 h after the diagnosis. */
const policy = parsePolicy({
  timezone: 'Asia/Shanghai',
  milestones: {
    general: [
      { id: 'respond', label: label('respond'), dueSeconds: 24 * HOUR },
      { id: 'visit', label: label('on-site visit'), dueSeconds: 48 * HOUR, skippable: true, tellCustomer: true },
      { id: 'diagnosis', label: label('diagnosis'), dueSeconds: 72 * HOUR, from: 'visit', tellCustomer: true },
      { id: 'returned', label: label('returned'), dueSeconds: 24 * HOUR, from: 'diagnosis' },
    ],
  },
});
const specs = milestonesFor(policy, 'general', null);
const around = calendarOf(policy);
const opened = at('2026-11-02T10:00:00');
const facts = (done: Record<string, MilestoneDone> = {}, extra: Partial<Parameters<typeof planMilestones>[1]> = {}) => ({
  openedAt: opened,
  done: new Map(Object.entries(done)),
  pauses: [],
  now: at('2026-11-02T10:00:00'),
  ...extra,
});
const dues = (plan: ReturnType<typeof planMilestones>) => Object.fromEntries(plan.map((m) => [m.spec.id, m.dueAt.toISOString()]));

describe('milestone arithmetic', () => {
  it('counts from opening, and a chained milestone from the projected due time of the earlier one', () => {
    const plan = planMilestones(specs, facts(), around);
    expect(dues(plan)).toEqual({
      respond: at('2026-11-03T10:00:00').toISOString(),
      visit: at('2026-11-04T10:00:00').toISOString(),
      diagnosis: at('2026-11-07T10:00:00').toISOString(),
      returned: at('2026-11-08T10:00:00').toISOString(),
    });
    expect(nextMilestone(plan)?.spec.id).toBe('respond');
  });

  it('counts a chained milestone from the moment the earlier one was reached', () => {
    const plan = planMilestones(specs, facts({ respond: { at: at('2026-11-02T12:00:00'), skipped: false }, visit: { at: at('2026-11-03T09:00:00'), skipped: false } }), around);
    expect(plan.find((m) => m.spec.id === 'diagnosis')!.dueAt).toEqual(at('2026-11-06T09:00:00'));
    expect(plan.find((m) => m.spec.id === 'returned')!.dueAt).toEqual(at('2026-11-07T09:00:00'));
    expect(nextMilestone(plan)?.spec.id).toBe('diagnosis');
    // A reached milestone keeps its own due time (met on time or not is read against it).
    expect(plan.find((m) => m.spec.id === 'visit')!.dueAt).toEqual(at('2026-11-04T10:00:00'));
  });

  it('counts from a skipped milestone as from a reached one', () => {
    const plan = planMilestones(specs, facts({ respond: { at: at('2026-11-02T11:00:00'), skipped: false }, visit: { at: at('2026-11-02T11:30:00'), skipped: true } }), around);
    expect(plan.find((m) => m.spec.id === 'visit')!.done).toEqual({ at: at('2026-11-02T11:30:00'), skipped: true });
    expect(plan.find((m) => m.spec.id === 'diagnosis')!.dueAt).toEqual(at('2026-11-05T11:30:00'));
  });

  it('does not count the time waiting on the customer', () => {
    const pauses = [{ from: at('2026-11-02T12:00:00'), to: at('2026-11-02T18:00:00') }];
    const plan = planMilestones(specs, facts({}, { pauses, now: at('2026-11-03T00:00:00') }), around);
    expect(plan[0]!.dueAt).toEqual(at('2026-11-03T16:00:00'));
    // The projection of the chain moves with it.
    expect(plan[3]!.dueAt).toEqual(at('2026-11-08T16:00:00'));
  });

  it('ignores a pause before a milestone started, and counts an open pause until now', () => {
    const reached = { respond: { at: at('2026-11-02T11:00:00'), skipped: false }, visit: { at: at('2026-11-03T08:00:00'), skipped: false } };
    const before = [{ from: at('2026-11-02T12:00:00'), to: at('2026-11-02T20:00:00') }];
    expect(planMilestones(specs, facts(reached, { pauses: before }), around)[2]!.dueAt).toEqual(at('2026-11-06T08:00:00'));
    const open = [{ from: at('2026-11-03T10:00:00'), to: null }];
    const now = at('2026-11-04T10:00:00');
    expect(planMilestones(specs, facts(reached, { pauses: open, now }), around)[2]!.dueAt).toEqual(at('2026-11-07T08:00:00'));
  });

  it('counts working hours only, pauses included', () => {
    const office = calendarOf(parsePolicy({ timezone: 'Asia/Shanghai', businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } }));
    // Monday 16:00 + 4 working hours → Tuesday 11:00; paused Tuesday 09:00-10:00 → Tuesday 12:00.
    expect(addWorkingTimeExceptPauses(at('2026-11-02T16:00:00'), 4 * HOUR, [], at('2026-11-02T16:00:00'), office)).toEqual(at('2026-11-03T11:00:00'));
    const pauses = [{ from: at('2026-11-03T09:00:00'), to: at('2026-11-03T10:00:00') }];
    expect(addWorkingTimeExceptPauses(at('2026-11-02T16:00:00'), 4 * HOUR, pauses, at('2026-11-04T00:00:00'), office)).toEqual(at('2026-11-03T12:00:00'));
    // Friday 17:00 + 2 h → Monday 10:00 (the weekend is not working time).
    expect(addWorkingTimeExceptPauses(at('2026-11-06T17:00:00'), 2 * HOUR, [], at('2026-11-06T17:00:00'), office)).toEqual(at('2026-11-09T10:00:00'));
  });

  it('reminds at the share of the window, only before the due time', () => {
    const plan = planMilestones(specs, facts(), around);
    expect(reminderTime(plan[0]!, 0.75, around)).toEqual(at('2026-11-03T04:00:00'));
  });

  it('reads pauses from the audit log', () => {
    const events = [
      { action: 'clock_paused', at: at('2026-11-02T12:00:00') },
      { action: 'clock_resumed', at: at('2026-11-02T13:00:00') },
      { action: 'clock_paused', at: at('2026-11-02T14:00:00') },
    ];
    expect(pausesFromEvents(events)).toEqual([
      { from: at('2026-11-02T12:00:00'), to: at('2026-11-02T13:00:00') },
      { from: at('2026-11-02T14:00:00'), to: null },
    ]);
  });
});

describe('milestones and tiers as policy data', () => {
  it('takes a category’s own list before the severity’s', () => {
    const withCategory = parsePolicy({
      milestones: { general: [{ id: 'a', label: label('a'), dueSeconds: 10 }] },
      categoryMilestones: { after_sales_repair: { general: [{ id: 'b', label: label('b'), dueSeconds: 20 }] } },
    });
    expect(milestonesFor(withCategory, 'general', 'after_sales_repair').map((m) => m.id)).toEqual(['b']);
    expect(milestonesFor(withCategory, 'general', 'other').map((m) => m.id)).toEqual(['a']);
    expect(milestonesFor(withCategory, 'major', null)).toEqual([]);
  });

  it('refuses a chain from a later or unknown milestone, and an unknown level', () => {
    expect(() => parsePolicy({ milestones: { general: [{ id: 'a', label: label('a'), dueSeconds: 10, from: 'b' }, { id: 'b', label: label('b'), dueSeconds: 10 }] } })).toThrow(
      /milestones\.general\.0\.from: "b" is neither "opening" nor an earlier milestone/,
    );
    expect(() => parsePolicy({ milestones: { urgent: [] } })).toThrow(PolicyError);
    expect(() => parsePolicy({ severity: { phraseRules: { injury: 'critical' } } })).toThrow(/severity\.phraseRules\.injury: "critical" is not one of severity.levels/);
  });

  it('keeps the two default levels for a policy that names none', () => {
    const plain = parsePolicy({});
    expect(plain.severity.levels).toEqual(['general', 'major']);
    expect(plain.severity.remedyLevels).toEqual({ compensation: 'major' });
    expect(plain.severity.repeatLevel).toBe('major');
  });

  it('reads levels with labels and rules that name their level', () => {
    const tiers = parsePolicy({
      severity: {
        levels: [{ id: 'minor', label: { en: 'minor', 'zh-CN': '轻微' } }, 'general', { id: 'major', label: { en: 'major', 'zh-CN': '重大' } }],
        initial: 'minor',
        elevated: 'major',
        keywords: ['lawyer', { phrase: 'rude', level: 'general' }],
        elevatingRemedies: { replacement: 'general', compensation: 'major' },
        repeatLevel: 'general',
      },
      deadlines: { minor: { firstResponseSeconds: 1, resolutionSeconds: 2 }, general: { firstResponseSeconds: 1, resolutionSeconds: 2 }, major: { firstResponseSeconds: 1, resolutionSeconds: 2 } },
    });
    expect(tiers.severity.levels).toEqual(['minor', 'general', 'major']);
    expect(tiers.severity.labels.minor).toEqual({ en: 'minor', 'zh-CN': '轻微' });
    expect(tiers.severity.keywordLevels).toEqual({ lawyer: 'major', rude: 'general' });
    expect(tiers.severity.keywords).toEqual(['lawyer', 'rude']);
  });
});

describe('any number of tiers, set by rules', () => {
  const rules = loadClassifyRules('prompts');
  const tiers = parsePolicy({
    severity: {
      levels: [{ id: 'tier1', label: { en: 'tier 1', 'zh-CN': '一级' } }, { id: 'tier2', label: { en: 'tier 2', 'zh-CN': '二级' } }, { id: 'tier3', label: { en: 'tier 3', 'zh-CN': '三级' } }],
      initial: 'tier1',
      elevated: 'tier3',
      elevatingRemedies: { replacement: 'tier2', compensation: 'tier2' },
      repeatLevel: 'tier2',
      phraseRules: { media: 'tier2' },
      categories: { after_sales_repair: 'tier2' },
    },
    deadlines: Object.fromEntries(['tier1', 'tier2', 'tier3'].map((t) => [t, { firstResponseSeconds: 3600, resolutionSeconds: 7200 }])),
  });
  const assess = (text: string, extra: { desiredResolution?: string; category?: string; recentCases?: number } = {}) =>
    assessSeverity({ text, recentCases: 0, ...extra }, tiers, rules);

  it('each rule sets its own level; the highest wins', () => {
    expect(assess('The screen is scratched').severity).toBe('tier1');
    expect(assess('The screen is scratched', { desiredResolution: 'replacement' }).severity).toBe('tier2');
    expect(assess('The screen is scratched', { recentCases: 1 }).severity).toBe('tier2');
    expect(assess('The screen is scratched', { category: 'after_sales_repair' })).toEqual({ severity: 'tier2', reasons: ['category:after_sales_repair'] });
    expect(assess('I will go to the newspaper about this').severity).toBe('tier2');
    // A rule not named in phraseRules sets `elevated`; with a lower one also matching, the higher wins.
    const both = assess('My son was burned and I will go to the newspaper', { desiredResolution: 'compensation' });
    expect(both.severity).toBe('tier3');
    expect(both.reasons).toEqual(expect.arrayContaining(['remedy:compensation']));
  });

  it('labels the tiers from the policy for customers and staff', () => {
    const catalog = loadPromptCatalog('prompts', tiers);
    expect(catalog.optionLabel('zh-CN', 'severity', 'tier2')).toBe('二级');
    expect(catalog.optionLabel('en', 'severity', 'tier3')).toBe('tier 3');
  });
});
