import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hasHan } from './normalise.ts';
import { compileTermSet, escapeRegExp, normaliseTerm, type TermOptions, type TermSet } from './term-matcher.ts';
import { ClassifyRulesError } from '../errors.ts';

const terms = z.array(z.string().trim().min(1));

/** prompts/<locale>/classify.json: the words that make a complaint serious and that point to a category. */
export const classifyFileSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Rule name (injury, medical, fire, …) → terms that name it. */
  severity: z.record(z.string().regex(/^[a-z_]+$/), terms),
  /** Wordings that look serious but are not ("smoke detector", "hospital bill"): a rule match inside one does not count. */
  notSerious: terms.default([]),
  negation: z.strictObject({
    /** Words that deny what follows: "nobody", "没有人". */
    cues: terms,
    /** Latin words allowed between the cue and the term ("no one WAS hurt"). */
    fillers: terms.default([]),
    /** Phrases that start like a cue but deny nothing (没想到, 没注意). */
    exceptions: terms.default([]),
  }),
  /** Words kept in front of a match in the reason ("slightly", 轻微). */
  modifiers: terms.default([]),
  /** Han terms that must stand on word boundaries (Intl.Segmenter, ICU). */
  wholeWordsOnly: terms.default([]),
  /** Largest gap `…` may stand for: words in Latin terms, characters in Han terms. */
  gap: z.number().int().min(1).max(12).default(4),
  /** Category → term → weight. Problems weigh more than the people and things around them. */
  categories: z.record(z.string().regex(/^[a-z_]+$/), z.record(z.string().min(1), z.number().positive())),
});
export type ClassifyFile = z.infer<typeof classifyFileSchema>;

export { ClassifyRulesError };

interface Negation {
  /** Tested on the clause before a match: does it end in a denial? */
  pattern: RegExp | undefined;
  exceptions: RegExp | undefined;
}

export interface ClassifyRules {
  readonly severity: ReadonlyArray<{ rule: string; set: TermSet }>;
  readonly notSerious: TermSet | undefined;
  readonly categories: ReadonlyArray<{ category: string; set: TermSet; weights: ReadonlyMap<string, number> }>;
  readonly negation: { readonly latin: Negation; readonly han: Negation };
  readonly modifiers: { readonly latin: RegExp | undefined; readonly han: RegExp | undefined };
  readonly termOptions: TermOptions;
}

/**
 * Loads and merges prompts/<locale>/classify.json of every locale folder: a
 * customer may mix languages, so every rule sees every locale's words. A
 * broken file stops the start with the file and field named.
 */
export function loadClassifyRules(promptsDir: string): ClassifyRules {
  const files: ClassifyFile[] = [];
  for (const name of readdirSync(promptsDir).sort()) {
    const path = join(promptsDir, name, 'classify.json');
    if (!statSync(join(promptsDir, name)).isDirectory() || !existsSync(path)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ClassifyRulesError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = classifyFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ClassifyRulesError(`${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    files.push(parsed.data);
  }
  if (files.length === 0) throw new ClassifyRulesError(`${promptsDir}: no <locale>/classify.json found`);
  return compileClassifyRules(files);
}

export function compileClassifyRules(files: readonly ClassifyFile[]): ClassifyRules {
  const all = <T>(pick: (file: ClassifyFile) => readonly T[]) => files.flatMap((file) => [...pick(file)]);
  const gap = Math.max(...files.map((f) => f.gap));
  const termOptions: TermOptions = { latinGap: gap, hanGap: gap, wholeWordsOnly: new Set(all((f) => f.wholeWordsOnly).map(normaliseTerm)) };

  const severity = [...new Set(all((f) => Object.keys(f.severity)))].map((rule) => {
    const set = compileTermSet(all((f) => f.severity[rule] ?? []), termOptions);
    return set ? { rule, set } : undefined;
  }).filter((entry) => entry !== undefined);

  const categories = [...new Set(all((f) => Object.keys(f.categories)))].map((category) => {
    const weights = new Map<string, number>();
    for (const file of files) {
      for (const [term, weight] of Object.entries(file.categories[category] ?? {})) weights.set(normaliseTerm(term), weight);
    }
    const set = compileTermSet([...weights.keys()], termOptions);
    return set ? { category, set, weights } : undefined;
  }).filter((entry) => entry !== undefined);

  const cues = all((f) => f.negation.cues);
  const fillers = all((f) => f.negation.fillers);
  const exceptions = all((f) => f.negation.exceptions);
  const modifiers = all((f) => f.modifiers);
  return {
    severity,
    notSerious: compileTermSet(all((f) => f.notSerious), termOptions),
    categories,
    termOptions,
    negation: {
      latin: {
        pattern: alternation(cues.filter((c) => !hasHan(c)), (alt) =>
          `(?<![\\p{L}\\p{N}])(?:${alt})(?:[\\s-]+(?:${fillers.map(wordPattern).join('|') || '(?!)'})){0,${gap}}\\s*$`),
        exceptions: undefined,
      },
      han: {
        pattern: alternation(cues.filter(hasHan), (alt) => `(?:${alt}).{0,${gap}}$`),
        exceptions: alternation(exceptions, (alt) => alt, 'gu'),
      },
    },
    modifiers: {
      latin: alternation(modifiers.filter((m) => !hasHan(m)), (alt) => `(?<![\\p{L}\\p{N}])(?:${alt})\\s+$`),
      han: alternation(modifiers.filter(hasHan), (alt) => `(?:${alt})$`),
    },
  };
}

/** Compiles extra terms (the policy's severity keywords) with the same options. */
export function compileExtraTerms(rules: ClassifyRules, extra: readonly string[]): TermSet | undefined {
  return compileTermSet(extra, rules.termOptions);
}

function wordPattern(word: string): string {
  const source = normaliseTerm(word);
  return source.endsWith('*') ? `${escapeRegExp(source.slice(0, -1))}[\\p{L}'-]*` : escapeRegExp(source).replace(/ /g, '[\\s-]+');
}

function alternation(words: readonly string[], wrap: (alt: string) => string, flags = 'u'): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alt = [...new Set(words.map(normaliseTerm))].sort((a, b) => b.length - a.length).map(wordPattern).join('|');
  return new RegExp(wrap(alt), flags);
}
