import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PromptCatalog } from '../conversation/prompt-catalog.ts';
import { loadStaffCatalogs, loadStaffTexts, STAFF_LOCALES, type StaffLocale, staffKeys } from '../staff/staff-catalog.ts';

/**
 * What the reports page shows, per locale: its own sentences from
 * prompts/<locale>/reports.json, and the names of the report's keys
 * (categories, severities, channels, statuses, root causes, the time zone)
 * from the staff desk's catalogue (staff.json `labels.*`), so the page and
 * the desk name a thing the same way. The page gets these as JSON and looks
 * every text up itself; a key with no label (a root cause typed by staff, a
 * category a policy dropped) is shown as it is stored.
 */

export const REPORT_LOCALES = STAFF_LOCALES;
export type ReportLocale = StaffLocale;
export const REPORTS_FILE = 'reports.json';

type Tree = { [key: string]: string | Tree };
const treeSchema: z.ZodType<Tree> = z.lazy(() => z.record(z.string(), z.union([z.string().min(1), treeSchema])));

export type ReportLabelKind = 'category' | 'severity' | 'channel' | 'status' | 'rootCause' | 'determination' | 'milestone';
/** The kinds named by staff.json; `milestone` names come from the policy. */
const LABEL_KINDS: readonly Exclude<ReportLabelKind, 'milestone'>[] = ['category', 'severity', 'channel', 'status', 'rootCause', 'determination'];

export interface ReportPageTexts {
  locale: ReportLocale;
  /** reports.json without its `$comment`. */
  texts: Tree;
  labels: Record<ReportLabelKind, Record<string, string>>;
  /** The policy's time zone by name (北京时间), as the desk names it. */
  zone: string;
}

import { ReportTextsError } from '../errors.ts';

export { ReportTextsError };

export interface ReportTextOptions {
  timezone: string;
  /** The policy's categories: their labels come from staff.json, else from the intake's option labels. */
  categories: readonly string[];
  catalog?: Pick<PromptCatalog, 'optionLabel'>;
  /** The policy's milestones (any list): their labels name them on the page; the first list naming an id wins. */
  milestones?: readonly { id: string; label: Record<string, string> }[];
}

/** Reads reports.json of every locale (a key missing in one stops the start) and gathers the labels the page needs. */
export function loadReportTexts(dir: string, options: ReportTextOptions): Map<ReportLocale, ReportPageTexts> {
  const trees = new Map(REPORT_LOCALES.map((locale) => [locale, parseFile(join(dir, locale, REPORTS_FILE))] as const));
  const reference = new Set(staffKeys(trees.get('en')!));
  for (const [locale, tree] of trees) {
    const keys = new Set(staffKeys(tree));
    const missing = [...reference].find((k) => !keys.has(k));
    if (missing) throw new ReportTextsError(`${join(dir, locale, REPORTS_FILE)}: missing text "${missing}"`);
    const extra = [...keys].find((k) => !reference.has(k));
    if (extra) throw new ReportTextsError(`${join(dir, locale, REPORTS_FILE)}: text "${extra}" is not in every locale`);
  }
  const staffTrees = loadStaffCatalogs(dir);
  return new Map(
    REPORT_LOCALES.map((locale) => {
      const staff = loadStaffTexts(dir, locale, { timezone: options.timezone, catalog: options.catalog });
      const staffLabels = (staffTrees.get(locale)!.labels ?? {}) as Tree;
      // English labels are lower case where the desk uses them inside sentences; the page shows them alone.
      const shown = (text: string) => (locale === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text);
      const labels = {} as Record<ReportLabelKind, Record<string, string>>;
      for (const kind of LABEL_KINDS) {
        const node = staffLabels[kind];
        const keys = new Set(typeof node === 'object' ? Object.keys(node).filter((k) => typeof node[k] === 'string') : []);
        if (kind === 'category') for (const category of options.categories) keys.add(category);
        labels[kind] = Object.fromEntries([...keys].map((key) => [key, shown(staff.label(kind, key))]));
      }
      // Cases without a category count under `none` (report.repository.ts).
      labels.category.none = shown(staff.t('labels.category.uncategorised'));
      labels.milestone = {};
      for (const m of options.milestones ?? []) labels.milestone[m.id] ??= shown(m.label[locale] ?? m.label.en ?? m.id);
      const zones = staffLabels.zone;
      const zone = typeof zones === 'object' && typeof zones[options.timezone] === 'string' ? (zones[options.timezone] as string) : options.timezone;
      return [locale, { locale, texts: trees.get(locale)!, labels, zone }] as const;
    }),
  );
}

/** A text by its dotted key, `{name}` placeholders filled from vars. */
export function reportText(page: ReportPageTexts, key: string, vars?: Record<string, string | number>): string {
  let node: string | Tree | undefined = page.texts;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new ReportTextsError(`no reports text "${key}"`);
  return vars ? node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : node;
}

function parseFile(path: string): Tree {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportTextsError(`${path}: ${(error as Error).message}`);
  }
  const { $comment: _comment, ...texts } = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const parsed = treeSchema.safeParse(texts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ReportTextsError(`${path}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
