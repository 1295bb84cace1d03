import type { CaseSummaryForStatus } from '../conversation/effects.ts';
import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { milestonesFor, type Policy } from '../policy.ts';
import { calendarOf } from '../cases/business-calendar.ts';
import { clockEvents, doneMap, milestoneRecords, recentCasesOfCustomer, type MilestoneRecord } from './milestone.repository.ts';
import { nextMilestone, pausesFromEvents, planMilestones, type PlannedMilestone } from './milestones.ts';

/** A case's milestone as planned now, with what was recorded about it. */
export interface CaseMilestone extends PlannedMilestone {
  record: MilestoneRecord | undefined;
}

/** The case's milestones now: the policy's list for its severity and category, planned from the recorded facts. Read-only. */
export async function loadCaseMilestones(db: Db, row: CaseRow, policy: Policy, now: Date): Promise<CaseMilestone[]> {
  // A data request is no complaint: it has no milestones.
  if (row.opened_via === 'data_request') return [];
  const specs = milestonesFor(policy, row.severity, row.category);
  if (specs.length === 0) return [];
  const records = await milestoneRecords(db, row.id);
  const pauses = pausesFromEvents(await clockEvents(db, row.id));
  const plan = planMilestones(specs, { openedAt: new Date(row.created_at), done: doneMap(records), pauses, now }, calendarOf(policy));
  return plan.map((m) => ({ ...m, record: records.find((r) => r.milestoneId === m.spec.id) }));
}

/** The customer's newest cases for `status`, an open one with its milestones done and the next one due. */
export async function statusSummaries(db: Db, customerId: number, policy: Policy, now: Date): Promise<CaseSummaryForStatus[]> {
  const rows = await recentCasesOfCustomer(db, customerId, 5);
  const summaries: CaseSummaryForStatus[] = [];
  for (const row of rows) {
    const summary: CaseSummaryForStatus = { number: row.number, status: row.status, createdAt: new Date(row.created_at).toISOString() };
    const milestones = row.resolved_at || row.status === 'resolved' || row.status === 'closed' ? [] : await loadCaseMilestones(db, row, policy, now);
    if (milestones.length > 0) {
      const next = nextMilestone(milestones);
      summary.milestones = {
        done: milestones.filter((m) => m.done && !m.done.skipped).map((m) => m.spec.label),
        ...(next ? { next: { label: next.spec.label, dueAt: next.dueAt.toISOString() } } : {}),
      };
    }
    summaries.push(summary);
  }
  return summaries;
}
