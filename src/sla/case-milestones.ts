import type { Db } from '../db/database.ts';
import type { CaseRow } from '../db/schema.ts';
import { milestonesFor, type Policy } from '../policy.ts';
import { calendarOf } from './business-calendar.ts';
import { clockEvents, doneMap, milestoneRecords, type MilestoneRecord } from './milestone.repository.ts';
import { pausesFromEvents, planMilestones, type PlannedMilestone } from './milestones.ts';

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
