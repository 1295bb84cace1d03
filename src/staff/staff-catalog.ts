import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PromptCatalog } from '../conversation/prompt-catalog.ts';
import { StaffCatalogError } from '../errors.ts';

/**
 * What the staff desk shows to staff (cards, buttons, modals, thread notices,
 * `/complaints` answers, digests), from prompts/<locale>/staff.json. One
 * locale for the desk (STAFF_LOCALE), whatever language a customer writes in.
 */

export const STAFF_LOCALES = ['en', 'zh-CN'] as const;
export type StaffLocale = (typeof STAFF_LOCALES)[number];
export const STAFF_FILE = 'staff.json';

type Tree = { [key: string]: string | Tree };
const treeSchema: z.ZodType<Tree> = z.lazy(() => z.record(z.string(), z.union([z.string().min(1), treeSchema])));

export type LabelKind = 'status' | 'severity' | 'category' | 'remedy' | 'determination' | 'escalation' | 'rootCause' | 'channel' | 'deadline';

export interface StaffTexts {
  readonly locale: StaffLocale;
  /** A text by its dotted key; `{name}` placeholders are replaced from vars. */
  t(key: string, vars?: Record<string, string | number>): string;
  /** A value's label (`major` → 重大); an unknown value (a policy's own category) is shown as is. */
  label(kind: LabelKind, value: string): string;
  category(value: string | null): string;
  /** Severity reasons with their rule ids kept and the rule named in the staff language. */
  reasons(reasons: readonly string[]): string;
  /** A time in the policy's zone, with the zone's name. */
  time(value: Date | string | null): string;
}

export { StaffCatalogError };

/** Every dotted key of a catalogue file (for checking that each locale has them all). */
export function staffKeys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : staffKeys(value, `${prefix}${key}.`)));
}

/** Reads and checks prompts/<locale>/staff.json of every locale: a missing or extra key in one stops the start. */
export function loadStaffCatalogs(dir: string): Map<StaffLocale, Tree> {
  const trees = new Map<StaffLocale, Tree>();
  for (const locale of STAFF_LOCALES) trees.set(locale, parseFile(join(dir, locale, STAFF_FILE)));
  const reference = new Set(staffKeys(trees.get('en')!));
  for (const [locale, tree] of trees) {
    const keys = new Set(staffKeys(tree));
    const missing = [...reference].find((k) => !keys.has(k));
    if (missing) throw new StaffCatalogError(`${join(dir, locale, STAFF_FILE)}: missing text "${missing}"`);
    const extra = [...keys].find((k) => !reference.has(k));
    if (extra) throw new StaffCatalogError(`${join(dir, locale, STAFF_FILE)}: text "${extra}" is not in every locale`);
  }
  return trees;
}

export interface StaffTextOptions {
  timezone: string;
  /** Labels of a policy's own categories and remedies, when staff.json has none for them. */
  catalog?: Pick<PromptCatalog, 'optionLabel'>;
}

export function loadStaffTexts(dir: string, locale: StaffLocale, options: StaffTextOptions): StaffTexts {
  const tree = loadStaffCatalogs(dir).get(locale)!;
  const lookup = (key: string): string | undefined => {
    let node: string | Tree | undefined = tree;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    return typeof node === 'string' ? node : undefined;
  };
  const t = (key: string, vars?: Record<string, string | number>): string => {
    const template = lookup(key);
    if (template === undefined) throw new StaffCatalogError(`no staff text "${key}"`);
    return vars ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : template;
  };
  const label = (kind: LabelKind, value: string): string => {
    const own = lookup(`labels.${kind}.${value}`);
    if (own !== undefined) return own;
    const field = kind === 'category' ? 'category' : kind === 'remedy' ? 'desiredResolution' : kind === 'severity' ? 'severity' : undefined;
    return field && options.catalog ? options.catalog.optionLabel(locale, field, value) : value;
  };
  const zoneName = lookup(`labels.zone.${options.timezone}`) ?? options.timezone;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: options.timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const inZone = (date: Date): string => {
    const p = Object.fromEntries(parts.formatToParts(date).map((x) => [x.type, x.value]));
    return t('labels.time', { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, zone: zoneName });
  };
  return {
    locale,
    t,
    label,
    category: (value) => (value ? label('category', value) : t('labels.category.uncategorised')),
    reasons: (reasons) => reasons.map((reason) => formatReason(reason, t)).join(locale === 'en' ? ', ' : '；'),
    time(value) {
      if (value === null) return t('labels.none');
      const date = new Date(value);
      // English keeps Slack's date token (each reader's own zone, the policy's zone as fallback text). Chinese
      // desks read the policy's zone, named (北京时间), as Slack renders its token in the reader's client language.
      if (locale === 'en') return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${inZone(date)}>`;
      return inZone(date);
    },
  };
}

/** The desk's languages: STAFF_LOCALE, and a team's own (routing file `teams.<team>.locale`) for its cases. */
export interface StaffLanguages {
  /** STAFF_LOCALE: lists, digests and answers about no one case. */
  readonly default: StaffTexts;
  /** Whether some team reads another language than the default (else a case's team need not be looked up). */
  readonly perTeam: boolean;
  forTeam(team: string | null | undefined): StaffTexts;
}

export function loadStaffLanguages(dir: string, locale: StaffLocale, teamLocales: Record<string, StaffLocale | undefined>, options: StaffTextOptions): StaffLanguages {
  const byLocale = new Map(STAFF_LOCALES.map((l) => [l, loadStaffTexts(dir, l, options)] as const));
  const fallback = byLocale.get(locale)!;
  const teams = new Map(Object.entries(teamLocales).flatMap(([team, l]) => (l && l !== locale ? [[team, byLocale.get(l)!] as const] : [])));
  return { default: fallback, perTeam: teams.size > 0, forTeam: (team) => (team ? teams.get(team) : undefined) ?? fallback };
}

/** `injury: "轻微烫伤"`, `keyword: "fire"`, `remedy:compensation`, `repeat:2`: the rule id stays, its label is added. */
function formatReason(reason: string, t: (key: string, vars?: Record<string, string | number>) => string): string {
  const match = /^([a-z_]+)(: |:)(.*)$/s.exec(reason);
  if (!match) return reason;
  const [, id, separator, rest] = match as unknown as [string, string, string, string];
  let label: string;
  try {
    label = t(`labels.rule.${id}`);
  } catch {
    return reason;
  }
  return separator === ': ' ? t('labels.reasonWords', { id, label, words: rest }) : t('labels.reasonCode', { id, label, code: rest });
}

function parseFile(path: string): Tree {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StaffCatalogError(`${path}: ${(error as Error).message}`);
  }
  // `$comment` documents the file; it is no text.
  const { $comment: _comment, ...texts } = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const parsed = treeSchema.safeParse(texts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StaffCatalogError(`${path}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
