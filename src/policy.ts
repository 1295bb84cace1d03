import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_ORDER_REF_PATTERN } from './understanding/order-ref.pattern.ts';
import { PolicyError } from './errors.ts';

const deadlineSchema = z.object({
  firstResponseSeconds: z.number().int().positive(),
  resolutionSeconds: z.number().int().positive(),
  resultToCustomerSeconds: z.number().int().positive().default(86_400),
  /** Share of the window after which the owner is reminded (0..1). */
  reminderAt: z.number().gt(0).lt(1).default(0.75),
  /** After a missed deadline, the new expectation told to the customer is this far away. */
  extensionSeconds: z.number().int().positive().default(86_400),
});

const levelId = z.string().regex(/^[a-z0-9_]+$/);
/** A text per locale (`{ "en": "…", "zh-CN": "…" }`); a locale without one reads the English. */
const localeLabels = z.record(z.string(), z.string().min(1)).refine((labels) => typeof labels.en === 'string', 'needs at least an "en" label');

/**
 * A milestone between opening and resolution (issue 18): due `dueSeconds` of
 * working time after the case opened, or after an earlier milestone of the
 * same list was reached (or skipped). Reminder and breach as the deadlines.
 */
const milestoneSchema = z.object({
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

/** A severity level: its id, or its id with a label per locale (a policy's own tiers: 一级 / 二级 / 三级). */
const levelSchema = z.union([levelId, z.object({ id: levelId, label: localeLabels.optional() })]);

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
    /**
     * Severity levels, lowest first, any number of them. Each rule names the
     * level it sets (a rule that names none sets `elevated`); the highest
     * level any rule sets wins, `initial` when none matches.
     */
    severity: z
      .object({
        levels: z.array(levelSchema).min(1).default(['general', 'major']),
        initial: z.string().default('general'),
        elevated: z.string().default('major'),
        /** Extra words that raise a case: a phrase (sets `elevated`) or `{ phrase, level }`. */
        keywords: z.array(z.union([z.string().min(1), z.object({ phrase: z.string().min(1), level: z.string() })])).default([]),
        /** Remedies the customer asks for that raise a case: a list (each sets `elevated`) or remedy → level. */
        elevatingRemedies: z.union([z.array(z.string()), z.record(z.string(), z.string())]).default(['compensation']),
        repeatWindowDays: z.number().int().min(0).default(30),
        /** Level a repeat complaint sets (default `elevated`). */
        repeatLevel: z.string().optional(),
        /** Level each phrase rule of prompts/<locale>/classify.json sets (rule id → level; default `elevated`). */
        phraseRules: z.record(z.string(), z.string()).default({}),
        /** Level a category sets by itself (category → level). */
        categories: z.record(z.string(), z.string()).default({}),
      })
      .prefault({})
      .transform((severity) => {
        const levels = severity.levels.map((level) => (typeof level === 'string' ? level : level.id));
        const labels: Record<string, Record<string, string>> = {};
        for (const level of severity.levels) if (typeof level !== 'string' && level.label) labels[level.id] = level.label;
        const keywordLevels: Record<string, string> = {};
        for (const keyword of severity.keywords) {
          if (typeof keyword === 'string') keywordLevels[keyword] = severity.elevated;
          else keywordLevels[keyword.phrase] = keyword.level;
        }
        const remedyLevels: Record<string, string> = Array.isArray(severity.elevatingRemedies)
          ? Object.fromEntries(severity.elevatingRemedies.map((remedy) => [remedy, severity.elevated]))
          : severity.elevatingRemedies;
        return {
          levels,
          /** Labels per level and locale given in the policy (else prompts/<locale>/messages.json options.severity). */
          labels,
          initial: severity.initial,
          elevated: severity.elevated,
          keywords: Object.keys(keywordLevels),
          keywordLevels,
          elevatingRemedies: Object.keys(remedyLevels),
          remedyLevels,
          repeatWindowDays: severity.repeatWindowDays,
          repeatLevel: severity.repeatLevel ?? severity.elevated,
          phraseRules: severity.phraseRules,
          categories: severity.categories,
        };
      }),
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

/** Ids unique; `from` is `opening` or an earlier milestone of the same list (so chains have no cycle). */
function checkMilestones(list: MilestoneSpec[], path: Array<string | number>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((milestone, index) => {
    if (seen.has(milestone.id)) ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `milestone "${milestone.id}" is listed twice` });
    if (milestone.from !== 'opening' && !seen.has(milestone.from)) {
      ctx.addIssue({ code: 'custom', path: [...path, index, 'from'], message: `"${milestone.from}" is neither "opening" nor an earlier milestone` });
    }
    seen.add(milestone.id);
  });
}

/** The milestones a case of this severity and category works through (the category's own list first). */
export function milestonesFor(policy: Policy, severity: string, category: string | null): readonly MilestoneSpec[] {
  return (category ? policy.categoryMilestones[category]?.[severity] : undefined) ?? policy.milestones[severity] ?? [];
}

/** Every milestone the policy names, in all its lists (the same id may come more than once). */
export function allMilestones(policy: Policy): readonly MilestoneSpec[] {
  return [...Object.values(policy.milestones).flat(), ...Object.values(policy.categoryMilestones).flatMap((bySeverity) => Object.values(bySeverity).flat())];
}

/** A severity level's label in `locale`, when the policy gives one. */
export function severityLabel(policy: Policy, level: string, locale: string): string | undefined {
  const labels = policy.severity.labels[level];
  return labels ? (labels[locale] ?? labels.en) : undefined;
}


export { PolicyError };

export function parsePolicy(raw: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PolicyError(`${source}: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

/** Reads the policy file; a missing file means all defaults. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parsePolicy({}, path);
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const { $comment: _comment, ...rest } = raw as Record<string, unknown>;
  return parsePolicy(rest, path);
}

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
