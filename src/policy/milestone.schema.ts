import { z } from 'zod';
import { levelId, localeLabels } from './severity.schema.ts';

/**
 * A milestone between opening and resolution (issue 18): due `dueSeconds` of
 * working time after the case opened, or after an earlier milestone of the
 * same list was reached (or skipped). Reminder and breach as the deadlines.
 */
export const milestoneSchema = z.object({
  id: levelId,
  label: localeLabels,
  dueSeconds: z.number().int().positive(),
  /** `opening`, or the id of an earlier milestone in the list. */
  from: z.string().default('opening'),
  /** The customer is told when it is reached (a progress update). */
  tellCustomer: z.boolean().default(false),
  /** Staff may skip it with a reason (e.g. no on-site visit needed). */
  skippable: z.boolean().default(false),
  /** Share of the window after which the owner is reminded; the severity's deadline `reminderAt` when absent. */
  reminderAt: z.number().gt(0).lt(1).optional(),
});
export type MilestoneSpec = z.infer<typeof milestoneSchema>;

/** Ids unique; `from` is `opening` or an earlier milestone of the same list (so chains have no cycle). */
export function checkMilestones(list: MilestoneSpec[], path: Array<string | number>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((milestone, index) => {
    if (seen.has(milestone.id)) ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `milestone "${milestone.id}" is listed twice` });
    if (milestone.from !== 'opening' && !seen.has(milestone.from)) {
      ctx.addIssue({ code: 'custom', path: [...path, index, 'from'], message: `"${milestone.from}" is neither "opening" nor an earlier milestone` });
    }
    seen.add(milestone.id);
  });
}
