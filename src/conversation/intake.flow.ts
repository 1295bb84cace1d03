import { z } from 'zod';

/**
 * The intake flow is data (prompts/intake.flow.json); this is its schema.
 * The engine (step.ts) interprets it.
 */
const base = { id: z.string().regex(/^[a-zA-Z]+$/), optional: z.boolean().default(false), requiresConsent: z.boolean().default(false) };

export const stepSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('consent'), field: z.literal('consent') }),
  z.object({ ...base, kind: z.literal('choice'), field: z.enum(['category', 'desiredResolution']), options: z.union([z.literal('@categories'), z.array(z.string().regex(/^[a-z0-9_]+$/)).min(2)]) }),
  z.object({ ...base, kind: z.literal('text'), field: z.enum(['description', 'whenWhere']), maxLength: z.number().int().positive().optional() }),
  z.object({ ...base, kind: z.literal('reference'), field: z.literal('orderRef') }),
  z.object({ ...base, kind: z.literal('evidence'), field: z.literal('evidence') }),
  /** One question for what backs the story: when/where (unless the text had a time), order number, photos. */
  z.object({ ...base, kind: z.literal('details'), field: z.literal('details') }),
  z.object({ ...base, kind: z.literal('name'), field: z.literal('contactName') }),
  z.object({ ...base, kind: z.literal('contact'), field: z.literal('contact') }),
  z.object({ ...base, kind: z.literal('summary'), field: z.undefined().optional() }),
]);

export const flowSchema = z
  .object({
    id: z.literal('intake'),
    steps: z.array(stepSchema).min(2),
  })
  .superRefine((flow, ctx) => {
    const ids = new Set<string>();
    flow.steps.forEach((step, index) => {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `duplicate step id "${step.id}"` });
      ids.add(step.id);
    });
    const last = flow.steps.at(-1);
    if (last?.kind !== 'summary') ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the last step must be the summary' });
    const consentAt = flow.steps.findIndex((s) => s.kind === 'consent');
    if (consentAt < 0) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the flow must have a consent step' });
    flow.steps.forEach((step, index) => {
      // Contact details are stored only after consent was asked.
      if (step.requiresConsent && index < consentAt) ctx.addIssue({ code: 'custom', path: ['steps', index], message: 'a step that requires consent must come after the consent step' });
    });
    for (const field of ['description'] as const) {
      if (!flow.steps.some((s) => s.field === field)) ctx.addIssue({ code: 'custom', path: ['steps'], message: `the flow must ask for "${field}"` });
    }
  });

export type Flow = z.infer<typeof flowSchema>;
export type FlowStep = Flow['steps'][number];
