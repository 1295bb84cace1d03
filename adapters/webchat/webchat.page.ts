import { WebchatTextsError } from '../../src/errors.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../src/db/database.ts';
import type { Policy } from '../../src/policy.ts';
import { toTraditional } from '../../src/understanding/normalise.ts';
import { findVisitorLanguage } from './webchat.repository.ts';

/**
 * The web chat page's own words (header, Send, "Sending…", upload errors, the
 * greeting) from prompts/<locale>/webchat.json, like the bot's, with the
 * limits the server enforces so the page checks files before uploading.
 * Traditional Chinese is the Simplified catalogue through OpenCC, as the
 * bot's replies are.
 */

export const WEBCHAT_FILE = 'webchat.json';
const CATALOGUE_LOCALES = ['en', 'zh-CN'] as const;
export type PageLocale = 'en' | 'zh-CN' | 'zh-TW';
/** The `lang` attribute of each page locale. */
const LANG: Record<PageLocale, string> = { en: 'en', 'zh-CN': 'zh-Hans', 'zh-TW': 'zh-Hant' };

const textsSchema = z.record(z.string(), z.string().min(1));
type Texts = Record<string, string>;

export { WebchatTextsError };

/** Reads and checks every locale's webchat.json: a key missing in one stops the start. */
/**
 * The catalogues by page locale. Traditional Chinese is made from the
 * Simplified one with OpenCC the first time a visitor needs it: its
 * dictionaries (~75 MB) are not loaded for a site whose visitors never do.
 */
class WebchatTexts extends Map<PageLocale, Texts> {
  override get(locale: PageLocale): Texts | undefined {
    if (locale === 'zh-TW' && !super.has('zh-TW')) {
      super.set('zh-TW', Object.fromEntries(Object.entries(super.get('zh-CN')!).map(([key, text]) => [key, toTraditional(text)])));
    }
    return super.get(locale);
  }
}

export function loadWebchatTexts(dir: string): Map<PageLocale, Texts> {
  const texts = new WebchatTexts();
  for (const locale of CATALOGUE_LOCALES) {
    const path = join(dir, locale, WEBCHAT_FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new WebchatTextsError(`${path}: ${(error as Error).message}`);
    }
    const parsed = textsSchema.safeParse(raw);
    if (!parsed.success) throw new WebchatTextsError(`${path}: field "${parsed.error.issues[0]!.path.join('.')}": ${parsed.error.issues[0]!.message}`);
    texts.set(locale, parsed.data);
  }
  const reference = Object.keys(texts.get('en')!);
  for (const [locale, catalogue] of texts) {
    const missing = reference.find((key) => !(key in catalogue));
    if (missing) throw new WebchatTextsError(`${join(dir, locale, WEBCHAT_FILE)}: missing text "${missing}"`);
  }
  return texts;
}

/** The page's locale from the browser's languages (before the conversation has one). */
export function pageLocaleOf(languages: string): PageLocale {
  for (const tag of languages.split(',').map((l) => l.trim().toLowerCase())) {
    if (/^zh-(tw|hk|mo|hant)/.test(tag)) return 'zh-TW';
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** How long a first answer takes, in the page's words ("24 hours", "2 days"). */
export function replyDuration(seconds: number, texts: Texts): string {
  const fill = (template: string, n: number) => template.replace('{n}', String(n));
  if (seconds < 3600) return fill(texts.minutes!, Math.max(1, Math.round(seconds / 60)));
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return texts.oneHour!;
  if (hours % 24 !== 0) return fill(texts.hours!, hours);
  return hours === 24 ? texts.oneDay! : fill(texts.days!, hours / 24);
}

export interface WebchatPageDeps {
  db: Db;
  policy: Policy;
  texts: Map<PageLocale, Texts>;
  /** Files a visitor may have uploaded and not sent yet (the server's quota). */
  unattachedUploads: number;
  visitorIdOf: (token: string) => string;
}

/**
 * GET /webchat/texts?lang=<navigator.languages>: the page's texts in the
 * conversation's language (the bot's, once it has one: a bearer token is
 * optional), the greeting with the policy's first-response time, and the
 * upload limits.
 */
export function webchatPageRoutes(deps: WebchatPageDeps): Router {
  const router = express.Router();
  const { policy } = deps;
  const firstResponseSeconds = policy.deadlines[policy.severity.initial]?.firstResponseSeconds;
  // Per message: what the server takes in one message (10 ids), the quota of unsent files and the evidence the intake keeps.
  const maxFiles = Math.min(10, deps.unattachedUploads, policy.intake.maxEvidenceFiles);

  router.get('/webchat/texts', async (req, res) => {
    let locale = pageLocaleOf(String(req.query.lang ?? req.get('accept-language') ?? ''));
    const token = /^Bearer ([A-Za-z0-9_-]{32,64})$/.exec(req.get('authorization') ?? '')?.[1];
    if (token) {
      const language = await findVisitorLanguage(deps.db, deps.visitorIdOf(token));
      if (language?.locale === 'zh-CN') locale = language.traditional ? 'zh-TW' : 'zh-CN';
      else if (language?.locale === 'en') locale = 'en';
    }
    const texts = { ...deps.texts.get(locale)! };
    if (firstResponseSeconds) {
      const duration = replyDuration(firstResponseSeconds, texts);
      texts.replyTime = (policy.businessHours ? texts.replyTimeWorking! : texts.replyTime!).replace('{duration}', duration);
    } else {
      delete texts.replyTime;
    }
    delete texts.replyTimeWorking;
    // Public words: the embed (widget.js) on a company's site reads the launcher's label from here.
    res.set({ 'cache-control': 'no-store', 'access-control-allow-origin': '*' }).json({
      locale,
      lang: LANG[locale],
      texts,
      limits: { maxBytes: policy.attachments.maxBytes, allowedTypes: policy.attachments.allowedTypes, maxFiles },
    });
  });
  return router;
}
