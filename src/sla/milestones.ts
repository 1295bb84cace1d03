import type { MilestoneSpec } from '../policy.ts';
import { addWorkingTime, workingSecondsBetween, type BusinessCalendar } from '../cases/business-calendar.ts';

/**
 * Milestone arithmetic (issue 18), pure: the due time of each milestone of a
 * case from the facts (opening, milestones reached or skipped, clock pauses).
 * Nothing is stored but the facts, so a severity change, a pause or a
 * milestone reached early all come out of the same computation.
 *
 * A milestone counted `from` an earlier one runs from the moment that one was
 * reached or skipped; until then, from its due time (a projection that moves
 * once it is reached). Time the case spends waiting on the customer after the
 * milestone's start does not count, as for the deadlines.
 */

export interface MilestoneDone {
  at: Date;
  skipped: boolean;
}

export interface ClockPause {
  from: Date;
  /** null: still paused (counts until `now`). */
  to: Date | null;
}

export interface MilestoneFacts {
  openedAt: Date;
  done: ReadonlyMap<string, MilestoneDone>;
  pauses: readonly ClockPause[];
  now: Date;
}

export interface PlannedMilestone {
  spec: MilestoneSpec;
  /** When it starts counting: the opening, or the earlier milestone's completion (or its due time until then). */
  startsAt: Date;
  dueAt: Date;
  done: MilestoneDone | null;
}

export function planMilestones(specs: readonly MilestoneSpec[], facts: MilestoneFacts, calendar: BusinessCalendar): PlannedMilestone[] {
  const planned = new Map<string, PlannedMilestone>();
  for (const spec of specs) {
    const earlier = spec.from === 'opening' ? undefined : planned.get(spec.from);
    const startsAt = earlier ? (earlier.done?.at ?? earlier.dueAt) : facts.openedAt;
    const dueAt = addWorkingTimeExceptPauses(startsAt, spec.dueSeconds, facts.pauses, facts.now, calendar);
    planned.set(spec.id, { spec, startsAt, dueAt, done: facts.done.get(spec.id) ?? null });
  }
  return [...planned.values()];
}

/** The first milestone not yet reached or skipped. */
export function nextMilestone(plan: readonly PlannedMilestone[]): PlannedMilestone | undefined {
  return plan.find((m) => m.done === null);
}

/** The reminder time of a milestone: `reminderAt` of its window, in working time (undefined when it would not precede the due time). */
export function reminderTime(milestone: PlannedMilestone, reminderAt: number, calendar: BusinessCalendar): Date | undefined {
  const at = addWorkingTime(milestone.startsAt, reminderAt * milestone.spec.dueSeconds, calendar);
  return at.getTime() < milestone.dueAt.getTime() ? at : undefined;
}

/**
 * `seconds` of working time after `start`, not counting the working time of
 * pauses: the time is walked forward, pause by pause. While a pause lasts
 * (`to` null) the due time is counted from `now`.
 */
export function addWorkingTimeExceptPauses(start: Date, seconds: number, pauses: readonly ClockPause[], now: Date, calendar: BusinessCalendar): Date {
  let cursor = start;
  let remaining = seconds;
  for (const pause of [...pauses].sort((a, b) => a.from.getTime() - b.from.getTime())) {
    const before = workingSecondsBetween(cursor, pause.from, calendar);
    if (before >= remaining) break;
    remaining -= before;
    const end = pause.to ?? now;
    if (end.getTime() > cursor.getTime()) cursor = end;
  }
  return addWorkingTime(cursor, remaining, calendar);
}

/** Clock pauses from the audit log's `clock_paused` / `clock_resumed` events, in order. */
export function pausesFromEvents(events: ReadonlyArray<{ action: string; at: Date | string }>): ClockPause[] {
  const pauses: ClockPause[] = [];
  for (const event of events) {
    if (event.action === 'clock_paused' && (pauses.length === 0 || pauses.at(-1)!.to !== null)) pauses.push({ from: new Date(event.at), to: null });
    if (event.action === 'clock_resumed' && pauses.length > 0 && pauses.at(-1)!.to === null) pauses.at(-1)!.to = new Date(event.at);
  }
  return pauses;
}
