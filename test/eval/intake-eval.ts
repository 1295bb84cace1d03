import { assessSeverity } from '../../src/cases/severity.ts';
import type { ConversationEvent, Effect } from '../../src/conversation/effects.ts';
import { loadPromptCatalog, type Locale, type PromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import { initialState, type ConversationState, type Draft } from '../../src/conversation/state.ts';
import { step } from '../../src/conversation/step.ts';
import { loadPolicy, type Policy } from '../../src/policy.ts';
import { answerFor, FIELD_OF_STEP, type Action } from './answer-book.ts';
import { loadSplit, SPLITS, type CorpusRecord, type Split } from './corpus.ts';

/** Monday 2026-11-30 10:00 in Asia/Shanghai: the corpus' `when.date` values are relative to it. */
export const EVAL_CLOCK = new Date('2026-11-30T02:00:00Z');
const SECONDS_PER_TURN = 40;
export const MAX_TURNS = 15;
export const TURN_TARGET = 6;

export interface RunResult {
  id: string;
  locale: CorpusRecord['locale'];
  expected: { category: string; severity: string };
  opened: boolean;
  openedVia?: 'intake' | 'person';
  /** Customer messages sent, opening ones included, up to the open-case effect. */
  turns: number;
  category?: string;
  severity?: string;
  categoryOk: boolean;
  /** The category the engine first proposed for a one-tap confirmation (before the customer corrected it), if it proposed one. */
  proposed?: string;
  severityOk: boolean;
  reached: boolean;
  reprompts: number;
  /** Content messages (opening ones, the when/where answer) found in neither the draft (opened, or in progress) nor an append. */
  lost: string[];
  /** Expected fields, each extracted right (without asking) or not. */
  fields: Record<string, boolean>;
  /** Questions asked for something the text already said. */
  askedKnown: number;
  /** Why the run stopped without a case, if it did. */
  stopped?: string;
  /** The conversation, `>` customer, `<` engine (for --trace). */
  transcript: string[];
}

export interface Figures {
  n: number;
  reachedShare: number;
  categoryAccuracy: number;
  /** Share whose first proposed category was already right (no proposal counts as wrong): what the rules guessed, before the customer's tap. */
  proposalAccuracy: number;
  majorRecall: number;
  falseMajorRate: number;
  medianTurns: number;
  reprompts: number;
  wordsLost: number;
  fieldAccuracy: number;
  fieldsByKind: Record<string, string>;
  askedKnown: number;
  notOpened: number;
  /** Steps the answer book does not know, questions it cannot answer, engine errors. */
  unknownSteps: string[];
}

export interface Evaluation {
  policy: Policy;
  catalog: PromptCatalog;
}

export function setup(): Evaluation {
  const policy = loadPolicy('config/policy.json');
  return { policy, catalog: loadPromptCatalog('prompts', policy) };
}

/** Severity of an opened draft, computed exactly as src/cases/open-case.ts does, for a first-time customer. */
export function severityOf(draft: Draft, policy: Policy, catalog: PromptCatalog): string {
  const text = [draft.description, draft.whenWhere].filter(Boolean).join('\n');
  return assessSeverity({ text, desiredResolution: draft.desiredResolution, recentCases: 0 }, policy, catalog.classify).severity;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Drives one complaint through the real engine as a cooperative customer. */
export function runRecord(record: CorpusRecord, env: Evaluation): RunResult {
  const { policy, catalog } = env;
  const locale = (catalog.locales as readonly string[]).includes(record.locale) ? (record.locale as Locale) : record.locale === 'en' ? 'en' : 'zh-CN';
  let state: ConversationState = initialState(locale);
  let effects: Effect[] = [];
  let now = EVAL_CLOCK.getTime();
  let turns = 0;
  let reprompts = 0;
  let askedKnown = 0;
  let opened: Extract<Effect, { type: 'open-case' }> | undefined;
  const appended: string[] = [];
  const content: string[] = [...record.messages];
  const transcript: string[] = [];
  const asked = new Set<string>();

  const send = (event: ConversationEvent) => {
    const before = state.intake;
    const said = event.type === 'inbound' ? (event.message.choice ? `[${event.message.choice}]` : event.message.text) : event.type;
    transcript.push(`> ${said}`);
    const result = step(state, event, { now: new Date(now), catalog, policy, timezone: policy.timezone });
    now += SECONDS_PER_TURN * 1000;
    turns += 1;
    state = result.state;
    effects = result.effects;
    proposed ??= state.intake?.proposal;
    for (const e of effects) transcript.push(e.type === 'reply' ? `< ${e.message.text}${e.message.choices ? ` ${e.message.choices.map((c) => `[${c.value}]`).join('')}` : ''}` : `< (${e.type})`);
    for (const effect of effects) {
      if (effect.type === 'append-to-case') appended.push(effect.text);
      if (effect.type === 'open-case') opened ??= effect;
    }
    const after = state.intake;
    if (before && after && before.step === after.step && (after.misses > before.misses || repliesInvalid(after.step))) reprompts += 1;
  };
  const repliesInvalid = (stepId: string) => {
    const invalid = invalidText(catalog, state.locale, stepId);
    return invalid !== undefined && effects.some((e) => e.type === 'reply' && e.message.text.includes(invalid));
  };

  let proposed: string | undefined;
  for (const message of record.messages) {
    if (opened) break;
    send({ type: 'inbound', message: { text: message } });
  }
  let stopped: string | undefined;
  let lastStep: string | undefined;
  let attempt = 0;
  while (!opened && !stopped) {
    if (turns >= MAX_TURNS) {
      stopped = `turn limit at ${state.intake?.step ?? 'no intake'}`;
      break;
    }
    const intake = state.intake;
    if (!intake) {
      stopped = 'no intake in progress';
      break;
    }
    const flowStep = catalog.flow.steps.find((s) => s.id === intake.step);
    attempt = intake.step === lastStep ? attempt + 1 : 0;
    lastStep = intake.step;
    const choices = effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : []));
    const text = effects.flatMap((e) => (e.type === 'reply' ? [e.message.text] : [])).join('\n');
    const question = { stepId: intake.step, kind: flowStep?.kind ?? intake.step, field: flowStep?.field, choices, attempt, text };
    const known = FIELD_OF_STEP[question.field ?? question.stepId] ?? [];
    if (attempt === 0 && (known === 'always' || known.some((f) => record.fields[f] !== undefined))) askedKnown += 1;
    if (known !== 'always') known.forEach((f) => asked.add(f));
    const action: Action | undefined | 'unknown' = answerFor(question, record);
    if (action === 'unknown' || action === undefined) {
      stopped = `${action === 'unknown' ? 'unknown step' : 'no answer for'} ${question.kind}/${question.field ?? '-'} (${question.stepId})`;
      break;
    }
    if (action.type === 'say' && action.content) content.push(action.text);
    send({ type: 'inbound', message: action.type === 'say' ? { text: action.text } : { choice: action.value } });
  }

  const draft = opened?.draft ?? state.intake?.draft ?? { evidence: [] };
  const category = opened ? draft.category : undefined;
  const severity = opened ? severityOf(draft, policy, catalog) : undefined;
  const categoryOk = category === record.category;
  const severityOk = severity === record.severity;
  const stored = squash([...Object.values(draft).filter((v): v is string => typeof v === 'string'), ...appended].join('\n'));
  // Without a case, what the intake holds so far is what would be filed.
  const lost = content.filter((text) => !stored.includes(squash(text)));
  return {
    id: record.id,
    locale: record.locale,
    expected: { category: record.category, severity: record.severity },
    opened: opened !== undefined,
    openedVia: opened?.openedVia,
    turns,
    category,
    severity,
    categoryOk,
    proposed,
    severityOk,
    reached: opened?.openedVia === 'intake' && turns <= TURN_TARGET && categoryOk && severityOk,
    reprompts,
    lost,
    fields: checkFields(record, draft, asked),
    askedKnown,
    stopped: opened ? undefined : stopped,
    transcript,
  };
}

/** An engine that throws on one complaint is a finding for that complaint, not the end of the evaluation. */
export function safeRun(record: CorpusRecord, env: Evaluation): RunResult {
  try {
    return runRecord(record, env);
  } catch (error) {
    return {
      id: record.id,
      locale: record.locale,
      expected: { category: record.category, severity: record.severity },
      opened: false,
      turns: MAX_TURNS,
      categoryOk: false,
      severityOk: false,
      reached: false,
      reprompts: 0,
      lost: [...record.messages],
      fields: Object.fromEntries(Object.keys(record.fields).map((k) => [k, false])),
      askedKnown: 0,
      stopped: `engine threw: ${error instanceof Error ? error.message : String(error)}`,
      transcript: [],
    };
  }
}

function invalidText(catalog: PromptCatalog, locale: Locale, stepId: string): string | undefined {
  try {
    const text = catalog.t(locale, `steps.${stepId}.invalid`).split('{')[0]!.trim();
    return text.length >= 6 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** A field is extracted when its final value is right and the customer was never asked for it. */
export function checkFields(record: CorpusRecord, draft: Draft, asked: ReadonlySet<string>): Record<string, boolean> {
  const f = record.fields;
  const out: Record<string, boolean> = {};
  if (f.phone) out.phone = draft.phone === f.phone;
  if (f.email) out.email = draft.email === f.email;
  if (f.orderRef) out.orderRef = draft.orderRef === f.orderRef;
  // "我姓王" may be stored as 王 or with a courtesy title (王先生/王女士); nothing else.
  if (f.name) out.name = typeof draft.contactName === 'string' && draft.contactName.trim().toLowerCase().replace(/(先生|女士|小姐)$/u, '') === f.name.toLowerCase();
  if (f.when) {
    const said = squash(draft.whenWhere ?? '');
    out.when = said.includes(squash(f.when.text)) || (f.when.date !== null && dateSpellings(f.when.date).some((d) => said.includes(d)));
  }
  for (const key of Object.keys(out)) if (asked.has(key)) out[key] = false;
  return out;
}

/** 2026-11-29 as an engine may write it: ISO, 2026/11/29, 11月29日, 29 Nov, Nov 29. */
function dateSpellings(iso: string): string[] {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  return [iso, `${y}/${m}/${d}`, `${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`, `${m}月${d}日`, `${m}月${d}号`, `${d} ${month}`, `${month} ${d}`];
}

const share = (part: number, whole: number) => (whole === 0 ? 1 : Math.round((part / whole) * 1000) / 1000);

export function figures(runs: RunResult[]): Figures {
  const majors = runs.filter((r) => r.expected.severity === 'major');
  const generals = runs.filter((r) => r.expected.severity === 'general');
  const turns = runs.map((r) => (r.openedVia === 'intake' ? r.turns : MAX_TURNS + 1)).sort((a, b) => a - b);
  const mid = turns.length / 2;
  const fieldChecks = runs.flatMap((r) => Object.entries(r.fields));
  const fieldsByKind: Record<string, string> = {};
  for (const kind of ['phone', 'email', 'orderRef', 'name', 'when']) {
    const checks = fieldChecks.filter(([k]) => k === kind);
    if (checks.length > 0) fieldsByKind[kind] = `${checks.filter(([, ok]) => ok).length}/${checks.length}`;
  }
  return {
    n: runs.length,
    reachedShare: share(runs.filter((r) => r.reached).length, runs.length),
    categoryAccuracy: share(runs.filter((r) => r.categoryOk).length, runs.length),
    proposalAccuracy: share(runs.filter((r) => r.proposed === r.expected.category).length, runs.length),
    majorRecall: share(majors.filter((r) => r.severity === 'major').length, majors.length),
    falseMajorRate: share(generals.filter((r) => r.severity === 'major').length, generals.length),
    medianTurns: turns.length === 0 ? 0 : turns.length % 2 ? turns[Math.floor(mid)]! : (turns[mid - 1]! + turns[mid]!) / 2,
    reprompts: runs.reduce((sum, r) => sum + r.reprompts, 0),
    wordsLost: runs.reduce((sum, r) => sum + r.lost.length, 0),
    fieldAccuracy: share(fieldChecks.filter(([, ok]) => ok).length, fieldChecks.length),
    fieldsByKind,
    askedKnown: runs.reduce((sum, r) => sum + r.askedKnown, 0),
    notOpened: runs.filter((r) => !r.opened).length,
    unknownSteps: [...new Set(runs.flatMap((r) => (/^(unknown step|no answer|engine threw)/.test(r.stopped ?? '') ? [r.stopped!] : [])))],
  };
}

export interface SplitReport {
  split: Split;
  runs: RunResult[];
  overall: Figures;
  byLocale: Record<string, Figures>;
}

export function evaluateSplit(split: Split, env: Evaluation = setup()): SplitReport {
  const records = loadSplit(split);
  const runs = records.map((record) => safeRun(record, env));
  const byLocale: Record<string, Figures> = {};
  for (const locale of ['en', 'zh-CN', 'zh-TW']) byLocale[locale] = figures(runs.filter((r) => r.locale === locale));
  return { split, runs, overall: figures(runs), byLocale };
}

export function evaluateAll(): SplitReport[] {
  const env = setup();
  return SPLITS.map((split) => evaluateSplit(split, env));
}
