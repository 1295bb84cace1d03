/**
 * The schema of config/policy.json: every key with its default, and the checks
 * across keys (each level has deadlines, rules name known levels, milestones
 * chain within their list). Severity and milestones have schemas of their own
 * beside this one; src/policy.ts parses and loads.
 */
import { z } from 'zod';
import { DEFAULT_ORDER_REF_PATTERN } from '../understanding/order-ref.pattern.ts';
import { checkMilestones, milestoneSchema } from './milestone.schema.ts';
import { severitySchema } from './severity.schema.ts';

const deadlineSchema = z.object({
  firstResponseSeconds: z.number().int().positive(),
  resolutionSeconds: z.number().int().positive(),
  resultToCustomerSeconds: z.number().int().positive().default(86_400),
  /** Share of the window after which the owner is reminded (0..1). */
  reminderAt: z.number().gt(0).lt(1).default(0.75),
  /** After a missed deadline, the new expectation told to the customer is this far away. */
  extensionSeconds: z.number().int().positive().default(86_400),
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm');

const DEFAULT_CATEGORIES = ['product_quality', 'service_attitude', 'price_billing', 'delivery_installation', 'after_sales_repair', 'other'];

export const policySchema = z
  .object({
    timezone: z.string().default('UTC').refine(isTimeZone, 'unknown IANA time zone'),
    /** Working time for deadlines; null counts every hour of every day. */
    businessHours: z
      .object({
        days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
        start: clockTime.default('09:00'),
        end: clockTime.default('18:00'),
      })
      .refine((hours) => hours.start < hours.end, 'start must be before end')
      .nullable()
      .default(null),
    /** Dates (YYYY-MM-DD, in `timezone`) on which no working time counts. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
    categories: z.array(z.string().regex(/^[a-z0-9_]+$/)).min(1).default(DEFAULT_CATEGORIES),
    /** Severity levels and the rules that set them (severity.schema.ts). */
    severity: severitySchema,
    deadlines: z.record(z.string(), deadlineSchema).default({
      general: { firstResponseSeconds: 86_400, resolutionSeconds: 259_200, resultToCustomerSeconds: 86_400, reminderAt: 0.75, extensionSeconds: 86_400 },
      major: { firstResponseSeconds: 43_200, resolutionSeconds: 172_800, resultToCustomerSeconds: 86_400, reminderAt: 0.75, extensionSeconds: 43_200 },
    }),
    /** Milestones per severity (ordered lists; docs/milestones.md). */
    milestones: z.record(z.string(), z.array(milestoneSchema)).default({}),
    /** Milestones of one category, per severity: used instead of `milestones` for that category. */
    categoryMilestones: z.record(z.string(), z.record(z.string(), z.array(milestoneSchema))).default({}),
    /** Progress updates to the customer while a case is open (docs/milestones.md). */
    progressUpdates: z
      .object({
        /** A case open this long without news gets a progress update; null: none. */
        everySeconds: z.number().int().positive().nullable().default(null),
      })
      .prefault({}),
    intake: z
      .object({
        consentVersion: z.string().default('2026-11'),
        descriptionMinLength: z.number().int().min(1).default(10),
        descriptionMaxLength: z.number().int().min(1).max(4000).default(4000),
        orderRefPattern: z.string().default(DEFAULT_ORDER_REF_PATTERN).refine(isRegExp, 'not a valid regular expression'),
        /** Region of phone numbers written without a country code. */
        phoneRegion: z.string().regex(/^[A-Z]{2}$/, 'a two-letter region code such as CN').default('CN'),
        maxEvidenceFiles: z.number().int().min(0).default(5),
        missesBeforeOffer: z.number().int().min(1).default(3),
        reminderAfterSeconds: z.number().int().positive().default(7_200),
        /** Per-customer flood limit: a burst of messages, then this many per second. */
        floodBurst: z.number().int().min(1).default(30),
        floodPerSecond: z.number().positive().default(1),
        expireAfterSeconds: z.number().int().positive().default(259_200),
      })
      .prefault({}),
    attachments: z
      .object({
        maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
        allowedTypes: z.array(z.string()).default(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf']),
      })
      .prefault({}),
    /** Satisfaction survey after a resolution, and campaign questions (docs/surveys.md). */
    survey: z
      .object({
        enabled: z.boolean().default(true),
        /** After the written result, the survey follows this much later. */
        delaySeconds: z.number().int().min(0).default(3_600),
        reminderAfterSeconds: z.number().int().positive().default(86_400),
        expireAfterSeconds: z.number().int().positive().default(604_800),
        /** CSAT at or below this (1..5), or "not resolved", counts as dissatisfied. */
        lowScoreThreshold: z.number().int().min(1).max(5).default(2),
        onLowScore: z.enum(['reopen', 'offer_mediation']).default('reopen'),
        /** Share of resolutions that get a survey (0..1). */
        sampleRate: z.number().min(0).max(1).default(1),
        /** No second survey to a customer within this many days of the last one sent. */
        cooldownDays: z.number().int().min(0).default(0),
        askNps: z.boolean().default(true),
        /**
         * The anonymous campaign on a schedule (a contract's "at least quarterly"): when set, a
         * campaign starts on each occurrence of `cron` in the policy `timezone`, as if a manager
         * started it, named `name` and the date. Unset: managers start campaigns by hand only.
         */
        campaignSchedule: z
          .object({
            cron: z.string().regex(/^\S+( \S+){4}$/, 'a cron expression with 5 fields (minute hour day month weekday)'),
            name: z.string().trim().min(1).max(150).default('Satisfaction survey'),
          })
          .strict()
          .optional(),
      })
      .prefault({}),
    /** Resolved → closed (docs/surveys.md). */
    closing: z
      .object({
        /** A survey answered "resolved" with at least this CSAT (1..5) closes the case at once. */
        satisfiedCsat: z.number().int().min(1).max(5).default(4),
        /** Otherwise a resolved case closes this long after its resolution (default 7 days). */
        quietSeconds: z.number().int().positive().default(604_800),
        /**
         * A customer's message after closing: `new_case` starts a new complaint
         * from it (closing is final: the old case keeps its resolution, deadlines
         * and reopen figures); `reopen` puts the closed case back to work.
         */
        afterClose: z.enum(['new_case', 'reopen']).default('new_case'),
      })
      .prefault({}),
    /** How long each kind of record keeps personal data (days); see docs/privacy.md. */
    retention: z
      .object({
        enabled: z.boolean().default(true),
        /** When the daily retention job runs: cron expression in `timezone`. */
        schedule: z.string().regex(/^\S+( \S+){4,5}$/, 'a cron expression with 5 or 6 fields').default('30 3 * * *'),
        /** Resolved and closed cases: anonymised this long after closing (one policy keeps records at least 3 years). */
        closedCaseDays: z.number().int().min(1).default(1095),
        /** Cases never resolved or closed: anonymised this long after their last change; null keeps them. */
        openCaseDays: z.number().int().min(1).nullable().default(1095),
        /** Unfinished intake drafts, files never attached to a case, identities without a live case. */
        abandonedIntakeDays: z.number().int().min(1).default(30),
        webchatTranscriptDays: z.number().int().min(1).default(90),
        /** Sent and failed outbox rows (message texts). */
        deliveredOutboxDays: z.number().int().min(1).default(30),
        /** Inbound delivery ids kept to recognise redeliveries. */
        deliveryIdDays: z.number().int().min(1).default(30),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    for (const level of policy.severity.levels) {
      if (!policy.deadlines[level]) ctx.addIssue({ code: 'custom', path: ['deadlines', level], message: `no deadlines for severity "${level}"` });
    }
    const levels = policy.severity.levels;
    const isLevel = (level: string, path: Array<string | number>) => {
      if (!levels.includes(level)) ctx.addIssue({ code: 'custom', path, message: `"${level}" is not one of severity.levels` });
    };
    if (new Set(levels).size !== levels.length) ctx.addIssue({ code: 'custom', path: ['severity', 'levels'], message: 'a level is listed twice' });
    isLevel(policy.severity.initial, ['severity', 'initial']);
    isLevel(policy.severity.elevated, ['severity', 'elevated']);
    isLevel(policy.severity.repeatLevel, ['severity', 'repeatLevel']);
    for (const [kind, map] of [['keywords', policy.severity.keywordLevels], ['elevatingRemedies', policy.severity.remedyLevels], ['phraseRules', policy.severity.phraseRules], ['categories', policy.severity.categories]] as const) {
      for (const [key, level] of Object.entries(map)) isLevel(level, ['severity', kind, key]);
    }
    for (const [severity, list] of Object.entries(policy.milestones)) {
      isLevel(severity, ['milestones', severity]);
      checkMilestones(list, ['milestones', severity], ctx);
    }
    for (const [category, perSeverity] of Object.entries(policy.categoryMilestones)) {
      if (!policy.categories.includes(category)) ctx.addIssue({ code: 'custom', path: ['categoryMilestones', category], message: `"${category}" is not one of categories` });
      for (const [severity, list] of Object.entries(perSeverity)) {
        isLevel(severity, ['categoryMilestones', category, severity]);
        checkMilestones(list, ['categoryMilestones', category, severity], ctx);
      }
    }
    if (policy.intake.expireAfterSeconds <= policy.intake.reminderAfterSeconds) {
      ctx.addIssue({ code: 'custom', path: ['intake', 'expireAfterSeconds'], message: 'must be longer than reminderAfterSeconds' });
    }
    if (policy.survey.expireAfterSeconds <= policy.survey.reminderAfterSeconds) {
      ctx.addIssue({ code: 'custom', path: ['survey', 'expireAfterSeconds'], message: 'must be longer than reminderAfterSeconds' });
    }
  });

export type Policy = Readonly<z.infer<typeof policySchema>>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
}
