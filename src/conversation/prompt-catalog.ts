import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { severityLabel, type Policy } from '../policy.ts';
import { loadAnswerLexicon, type AnswerLexicon } from '../understanding/answers.ts';
import { loadClassifyRules, type ClassifyRules } from '../understanding/classify-rules.ts';
import { flowSchema, type Flow } from './intake.flow.ts';
import { surveyFlowSchema, type SurveyFlow } from './survey.flow.ts';
import { PromptError } from '../errors.ts';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const stringList = z.array(z.string().min(1));
/** Words that, as a whole message, are a command (prompts/<locale>/messages.json `keywords`). */
export const COMMAND_KEYWORDS = ['cancel', 'back', 'help', 'person', 'skip', 'status', 'new', 'done', 'confirm', 'edit', 'erase'] as const;
/** Yes and no live in the answer lexicon (answers.json), not here. */
const KEYWORD_KINDS = [...COMMAND_KEYWORDS, 'greeting'] as const;
export type KeywordKind = (typeof KEYWORD_KINDS)[number];

const messagesSchema = z.object({
  language: z.object({ name: z.string().min(1) }),
  keywords: z.object(Object.fromEntries(KEYWORD_KINDS.map((k) => [k, stringList])) as Record<KeywordKind, typeof stringList>),
  languageNames: stringList,
  options: z.record(z.string(), z.record(z.string(), z.string().min(1))),
  buttons: z.record(z.string(), z.string().min(1)),
  steps: z.record(z.string(), z.record(z.string(), z.string().min(1))),
  summary: z.record(z.string(), z.string().min(1)),
  messages: z.record(z.string(), z.string().min(1)),
  /** Survey texts (nested: survey.questions.<id>.prompt); required keys are checked below. */
  survey: z.record(z.string(), z.unknown()),
});
type LocaleMessages = z.infer<typeof messagesSchema>;

/** Texts every locale must define, beyond those the flow references. */
const REQUIRED_TEXTS = [
  'buttons.skip', 'buttons.person', 'buttons.done', 'buttons.confirm', 'buttons.edit', 'buttons.cancel', 'buttons.agree', 'buttons.decline',
  'steps.evidence.received', 'steps.evidence.tooMany', 'steps.evidence.refused', 'steps.evidence.reasonTooLarge', 'steps.evidence.reasonUnsupported', 'steps.evidence.reasonNotReceived',
  'steps.summary.editWhich', 'summary.title', 'summary.none', 'summary.notStored',
  'messages.welcome', 'messages.prefilled', 'messages.help', 'messages.cancelled', 'messages.nothingToCancel', 'messages.cannotGoBack',
  'messages.offerAlternatives', 'messages.languageChanged', 'messages.caseOpened', 'messages.caseOpenedPerson', 'messages.addedToCase',
  'messages.statusNone', 'messages.statusLine', 'messages.personWhileCase', 'messages.idleReminder', 'messages.expired',
  'messages.tooLong', 'messages.empty', 'messages.slowDown', 'messages.deadlineMissedResponse', 'messages.deadlineMissedResolution', 'messages.deadlineReason',
  'messages.dataRequestOpened', 'messages.dataRequestExisting', 'messages.dataRequestDraftDropped',
  'messages.ackSerious', 'messages.ackProblem', 'messages.addedToDescription', 'messages.cannotSkip', 'messages.offerPerson',
  'messages.belongsWhich', 'messages.followUpDropped', 'buttons.yesThat', 'buttons.noContact', 'buttons.nothingMore', 'buttons.addToCase', 'buttons.newComplaint',
  'survey.intro', 'survey.campaignIntro', 'survey.reminder', 'survey.notPending', 'survey.thanks', 'survey.reopened',
  'survey.mediationRequested', 'survey.mediationDeclined', 'survey.buttons.yes', 'survey.buttons.no', 'survey.buttons.skip',
  // Milestones and progress updates (issue 18).
  'messages.milestoneReached', 'messages.milestoneMissed', 'messages.progressUpdate', 'messages.progressDone', 'messages.progressNext', 'messages.listSeparator', 'messages.statusDone',
];

export { PromptError };

export interface PromptCatalog {
  readonly flow: Flow;
  readonly surveyFlow: SurveyFlow;
  readonly locales: readonly Locale[];
  /** Renders a text; `{name}` placeholders are replaced from vars. */
  t(locale: Locale, key: string, vars?: Record<string, string | number>): string;
  optionLabel(locale: Locale, field: string, value: string): string;
  /** Keywords of one kind in every locale, normalised: a customer may mix languages. */
  keywords(kind: KeywordKind): ReadonlySet<string>;
  /** Words that switch to each locale. */
  languageNames(): ReadonlyMap<string, Locale>;
  /** How typed answers are read (prompts/<locale>/answers.json, every locale merged). */
  readonly answers: AnswerLexicon;
  /** Seriousness and category rules (prompts/<locale>/classify.json, every locale merged). */
  readonly classify: ClassifyRules;
}

export function normaliseKeyword(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/[\s!.。！,，]+$/u, '').replace(/\s+/g, ' ');
}

/**
 * Loads prompts/<locale>/messages.json, prompts/intake.flow.json and
 * prompts/survey.flow.json and checks
 * that every text the flow and the engine need exists in every locale. A
 * broken file stops the start with the file and field named.
 */
export function loadPromptCatalog(dir: string, policy: Policy): PromptCatalog {
  const flowPath = join(dir, 'intake.flow.json');
  const flow = parseFile(flowPath, flowSchema);
  const surveyFlow = parseFile(join(dir, 'survey.flow.json'), surveyFlowSchema);
  const texts = new Map<Locale, LocaleMessages>();
  for (const locale of LOCALES) {
    const path = join(dir, locale, 'messages.json');
    texts.set(locale, parseFile(path, messagesSchema));
  }
  const extraLocales = readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory() && !(LOCALES as readonly string[]).includes(name));
  if (extraLocales.length > 0) {
    throw new PromptError(`${dir}: unsupported locale folder(s) ${extraLocales.join(', ')}; supported: ${LOCALES.join(', ')}`);
  }

  const required = [...REQUIRED_TEXTS];
  for (const step of flow.steps) {
    required.push(`steps.${step.id}.invalid`);
    if (step.kind === 'consent') required.push(`steps.${step.id}.promptKnown`, `steps.${step.id}.promptName`, `steps.${step.id}.promptContact`);
    if (step.kind === 'details') required.push(`steps.${step.id}.promptNoWhen`, `steps.${step.id}.promptNoOrder`, 'summary.whenWhere', 'summary.orderRef', 'summary.evidence');
    if (step.kind !== 'choice' || step.field !== 'category') required.push(`steps.${step.id}.prompt`);
    else required.push(`steps.${step.id}.prompt`, `steps.${step.id}.propose`);
    if (step.kind !== 'summary' && step.kind !== 'consent') required.push(`summary.${step.field}`);
    if (step.kind === 'choice') {
      for (const value of optionValues(step.options, policy)) required.push(`options.${step.field}.${value}`);
    }
  }
  for (const question of surveyFlow.questions) required.push(`survey.questions.${question.id}.prompt`, `survey.questions.${question.id}.invalid`);
  // A level labelled in the policy itself (a preset's own tiers) needs no text here.
  for (const level of policy.severity.levels) if (!policy.severity.labels[level]) required.push(`options.severity.${level}`);
  for (const [locale, messages] of texts) {
    const path = join(dir, locale, 'messages.json');
    for (const key of required) {
      if (typeof lookup(messages, key) !== 'string') throw new PromptError(`${path}: missing text "${key}"`);
    }
  }

  const keywordSets = new Map<KeywordKind, Set<string>>();
  for (const kind of KEYWORD_KINDS) {
    keywordSets.set(kind, new Set([...texts.values()].flatMap((m) => m.keywords[kind].map(normaliseKeyword))));
  }
  const languageNames = new Map<string, Locale>();
  for (const [locale, messages] of texts) for (const name of messages.languageNames) languageNames.set(normaliseKeyword(name), locale);

  return {
    flow,
    surveyFlow,
    locales: LOCALES,
    t(locale, key, vars) {
      const template = lookup(texts.get(locale)!, key) ?? lookup(texts.get('en')!, key);
      if (typeof template !== 'string') throw new PromptError(`no text "${key}"`);
      return vars ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : template;
    },
    optionLabel(locale, field, value) {
      const label = texts.get(locale)!.options[field]?.[value] ?? (field === 'severity' ? severityLabel(policy, value, locale) : undefined);
      return label ?? value;
    },
    keywords: (kind) => keywordSets.get(kind)!,
    languageNames: () => languageNames,
    answers: loadAnswerLexicon(dir),
    classify: loadClassifyRules(dir),
  };
}

export function optionValues(options: string[] | '@categories', policy: Policy): readonly string[] {
  return options === '@categories' ? policy.categories : options;
}

function lookup(messages: LocaleMessages, key: string): unknown {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function parseFile<T>(path: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PromptError(`${path}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PromptError(`${path}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
