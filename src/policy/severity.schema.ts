import { z } from 'zod';

/** The id of a severity level or a milestone: lower case, digits and `_`. */
export const levelId = z.string().regex(/^[a-z0-9_]+$/);

/** A text per locale (`{ "en": "…", "zh-CN": "…" }`); a locale without one reads the English. */
export const localeLabels = z.record(z.string(), z.string().min(1)).refine((labels) => typeof labels.en === 'string', 'needs at least an "en" label');

/** A severity level: its id, or its id with a label per locale (a policy's own tiers: 一级 / 二级 / 三级). */
const levelSchema = z.union([levelId, z.object({ id: levelId, label: localeLabels.optional() })]);

/**
 * Severity levels, lowest first, any number of them. Each rule names the
 * level it sets (a rule that names none sets `elevated`); the highest
 * level any rule sets wins, `initial` when none matches.
 */
export const severitySchema = z
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
  });
