import { z } from 'zod';

/**
 * The satisfaction survey is data (prompts/survey.flow.json); this is its
 * schema. survey-step.ts interprets it.
 */
export const SURVEY_FIELDS = ['resolved', 'csat', 'comment', 'nps', 'mediation'] as const;
export type SurveyField = (typeof SURVEY_FIELDS)[number];

const base = { id: z.string().regex(/^[a-zA-Z]+$/), optional: z.boolean().default(false) };

export const surveyQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('yesno'), field: z.enum(['resolved', 'mediation']) }),
  z.object({ ...base, kind: z.literal('scale'), field: z.enum(['csat', 'nps']), min: z.number().int().min(0), max: z.number().int().max(10) }),
  z.object({ ...base, kind: z.literal('comment'), field: z.literal('comment'), maxLength: z.number().int().positive().max(4000) }),
]);

export const surveyFlowSchema = z
  .object({
    id: z.literal('survey'),
    questions: z.array(surveyQuestionSchema).min(1),
    /** Question ids in the order asked after a resolution. */
    case: z.array(z.string()).min(1),
    /** Question ids of the periodic anonymous survey. */
    campaign: z.array(z.string()).min(1),
    /** The yes/no question that offers mediation to a dissatisfied customer. */
    mediationOffer: z.string(),
  })
  .superRefine((flow, ctx) => {
    const byId = new Map(flow.questions.map((q) => [q.id, q]));
    if (byId.size !== flow.questions.length) ctx.addIssue({ code: 'custom', path: ['questions'], message: 'duplicate question id' });
    for (const q of flow.questions) {
      if (q.kind === 'scale' && q.min >= q.max) ctx.addIssue({ code: 'custom', path: ['questions', q.id], message: 'min must be below max' });
    }
    for (const list of ['case', 'campaign'] as const) {
      flow[list].forEach((id, index) => {
        if (!byId.has(id)) ctx.addIssue({ code: 'custom', path: [list, index], message: `unknown question "${id}"` });
        if (byId.get(id)?.field === 'mediation') ctx.addIssue({ code: 'custom', path: [list, index], message: 'mediation is only offered, never asked in order' });
      });
    }
    for (const field of ['resolved', 'csat'] as const) {
      if (!flow.case.some((id) => byId.get(id)?.field === field)) ctx.addIssue({ code: 'custom', path: ['case'], message: `the case survey must ask "${field}"` });
    }
    if (flow.campaign.some((id) => byId.get(id)?.field === 'resolved')) ctx.addIssue({ code: 'custom', path: ['campaign'], message: 'the campaign is about no case: no "resolved"' });
    if (byId.get(flow.mediationOffer)?.field !== 'mediation') ctx.addIssue({ code: 'custom', path: ['mediationOffer'], message: 'must name the mediation question' });
  });

export type SurveyFlow = z.infer<typeof surveyFlowSchema>;
export type SurveyQuestion = SurveyFlow['questions'][number];
