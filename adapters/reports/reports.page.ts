import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'express';
import { REPORT_LOCALES, type ReportLocale, type ReportPageTexts, reportText } from '../../src/reports/report-texts.ts';
import { cookieOf, type SignInProblem } from './reports.auth.ts';

/** The language the page last showed, set by the page's language switch (also kept in localStorage). */
export const LANGUAGE_COOKIE = 'hearken_reports_lang';

/** `zh`, `zh-CN`, `zh-Hans-CN`, `ZH-cn` → zh-CN; `en-GB` → en; anything else → undefined. */
export function reportLocaleOf(value: unknown): ReportLocale | undefined {
  if (typeof value !== 'string') return undefined;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return REPORT_LOCALES.find((locale) => locale.toLowerCase().split('-')[0] === primary);
}

/** `zh-CN,zh;q=0.9,en;q=0.8` → the supported language with the highest weight. */
export function localeFromAcceptLanguage(header: string | undefined): ReportLocale | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag ?? '', weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const entry of ranked) {
    const locale = reportLocaleOf(entry.tag);
    if (locale) return locale;
  }
  return undefined;
}

/** `?lang=`, then the sign-in form's language, then the page's remembered choice, then the browser's languages, then STAFF_LOCALE. */
export function chooseLocale(req: Request, fallback: ReportLocale): ReportLocale {
  const remembered = cookieOf(req, LANGUAGE_COOKIE);
  return (
    reportLocaleOf(req.query.lang) ??
    reportLocaleOf((req.body as Record<string, unknown> | undefined)?.lang) ??
    reportLocaleOf(remembered === 'malformed' ? undefined : remembered) ??
    localeFromAcceptLanguage(req.get('accept-language')) ??
    fallback
  );
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside a <script type="application/json">: `<` escaped so no text can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * Fills a page template: `{{dotted.key}}` with that text of reports.json
 * (escaped), `{{=name}}` with a value the server made (already safe).
 */
function fill(template: string, page: ReportPageTexts, values: Record<string, string | number>): string {
  return template.replace(/\{\{(=?)([\w.]+)\}\}/g, (_whole, raw: string, key: string) => {
    if (raw) {
      if (!(key in values)) throw new Error(`reports page template: no value "${key}"`);
      return String(values[key]);
    }
    return escapeHtml(reportText(page, key, values));
  });
}

/** The reports page and its sign-in page, in each language. */
export function reportsPages(publicDir: string, texts: Map<ReportLocale, ReportPageTexts>, sessionHours: number) {
  const pageTemplate = readFileSync(join(publicDir, 'index.html'), 'utf8');
  const signInTemplate = readFileSync(join(publicDir, 'sign-in.html'), 'utf8');
  // Every language's texts go with the page: switching language redraws it without a round trip.
  const allTexts = scriptJson({ locales: Object.fromEntries(texts) });
  const languageLinks = (current: ReportLocale) =>
    [...texts.values()]
      .map((t) => {
        const name = escapeHtml(reportText(t, 'languageName'));
        return t.locale === current
          ? `<a href="/reports?lang=${t.locale}" lang="${t.locale}" hreflang="${t.locale}" aria-current="true">${name}</a>`
          : `<a href="/reports?lang=${t.locale}" lang="${t.locale}" hreflang="${t.locale}">${name}</a>`;
      })
      .join(' ');
  const pages = new Map([...texts].map(([locale, page]) => [locale, fill(pageTemplate, page, { lang: locale, texts: allTexts })]));
  const hours = Number.isInteger(sessionHours) ? String(sessionHours) : sessionHours.toFixed(1);
  return {
    page: (locale: ReportLocale) => pages.get(locale)!,
    signIn(locale: ReportLocale, problem?: SignInProblem): string {
      const page = texts.get(locale)!;
      const alert = problem ? `<p class="problem" role="alert" id="sign-in-problem">${escapeHtml(reportText(page, `login.${problem}`))}</p>` : '';
      return fill(signInTemplate, page, { lang: locale, hours, problem: alert, languages: languageLinks(locale), invalid: problem ? 'true' : 'false', describedBy: problem ? 'sign-in-intro sign-in-problem' : 'sign-in-intro' });
    },
  };
}
