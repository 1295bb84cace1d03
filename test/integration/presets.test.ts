import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import { loadPolicy } from '../../src/policy.ts';
import { loadStaffLanguages } from '../../src/staff/staff-catalog.ts';
import { loadRouting } from '../../src/staff/routing.ts';
import { startTestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

const DIR = 'config/presets';
const presets = readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.endsWith('.routing.json')).map((f) => f.replace(/\.json$/, ''));

interface Table {
  deadlines: Record<string, { firstResponseSeconds: number; resolutionSeconds: number }>;
  milestones: Record<string, Array<{ id: string; dueSeconds: number; from: string }>>;
}

describe('policy presets', () => {
  it('ships the five kinds of company the policies describe', () => {
    expect(presets.sort()).toEqual(['after-sales', 'after-sales-urgent', 'ebike', 'ktv-promoters', 'shop-sales']);
  });

  it.each(presets)('%s loads and validates with the shipped prompts, staff texts and routing', (name) => {
    const policy = loadPolicy(`${DIR}/${name}.json`);
    const catalog = loadPromptCatalog('prompts', policy);
    const staff = loadStaffLanguages('prompts', 'zh-CN', {}, { timezone: policy.timezone, catalog });
    for (const level of policy.severity.levels) expect(staff.default.label('severity', level)).not.toBe(level);
    const routingFile = readdirSync(DIR).includes(`${name}.routing.json`) ? `${DIR}/${name}.routing.json` : 'config/routing.json';
    expect(() => loadRouting(routingFile, policy, 'C0CASES')).not.toThrow();
  });

  it('starts the anonymous survey quarterly where the contract asks for it (KTV promoters), by hand elsewhere', () => {
    const schedules = Object.fromEntries(presets.map((name) => [name, loadPolicy(`${DIR}/${name}.json`).survey.campaignSchedule?.cron ?? null]));
    expect(schedules).toEqual({ 'after-sales': null, 'after-sales-urgent': null, ebike: null, 'ktv-promoters': '0 9 1 1,4,7,10 *', 'shop-sales': null });
  });

  it.each(presets)('%s opens a case whose deadlines and milestones match its table', async (name) => {
    const file = `${DIR}/${name}.json`;
    const table = JSON.parse(readFileSync(file, 'utf8')) as Table;
    const app = await startTestApp({ POLICY_FILE: file, TIMER_POLL_SECONDS: '60' });
    try {
      const chat = await WebchatClient.open(app.url);
      await chat.say('hello');
      await chat.say('talk to a person');
      const row = await app.database.db.selectFrom('cases').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      const opened = new Date(row.created_at).getTime();
      const expected = table.deadlines[row.severity]!;
      expect(row.severity).toBe(app.policy.severity.initial);
      expect(new Date(row.first_response_due_at).getTime() - opened).toBe(expected.firstResponseSeconds * 1000);
      expect(new Date(row.resolution_due_at).getTime() - opened).toBe(expected.resolutionSeconds * 1000);
      // Milestones: each counted from opening or from the one before (none reached yet: its due time).
      const planned = await app.milestones.milestonesOf(app.database.db, row, new Date(opened));
      const due = new Map<string, number>();
      for (const spec of table.milestones[row.severity] ?? []) {
        due.set(spec.id, (spec.from === 'opening' ? opened : due.get(spec.from)!) + spec.dueSeconds * 1000);
      }
      expect(planned.map((m) => [m.spec.id, m.dueAt.getTime()])).toEqual([...due.entries()]);
      // Every milestone is a durable timer (breach, and a reminder before it).
      const jobs = await app.database.db.selectFrom('pgboss.job' as never).select(['data' as never]).where('name' as never, '=', 'case-milestone' as never).execute();
      const breaches = (jobs as Array<{ data: { kind: string; stage?: string; milestoneId?: string } }>).filter((j) => j.data.stage === 'breach').map((j) => j.data.milestoneId);
      expect(breaches.sort()).toEqual([...due.keys()].sort());
      const progress = (jobs as Array<{ data: { kind: string } }>).filter((j) => j.data.kind === 'progress');
      expect(progress).toHaveLength(app.policy.progressUpdates.everySeconds ? 1 : 0);
    } finally {
      await app.stop();
    }
  });
});
