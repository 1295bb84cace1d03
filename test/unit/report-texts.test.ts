import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, reportLocaleOf } from '../../adapters/reports/reports.page.ts';
import { loadReportTexts, REPORT_LOCALES, reportText, ReportTextsError } from '../../src/reports/report-texts.ts';
import { staffKeys } from '../../src/staff/staff-catalog.ts';

const options = { timezone: 'Asia/Shanghai', categories: ['product_quality', 'other'] };

/** A copy of prompts/ whose zh-CN/reports.json is changed by `edit`. */
function brokenCopy(edit: (texts: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-reports-'));
  cpSync('./prompts', dir, { recursive: true });
  const path = join(dir, 'zh-CN', 'reports.json');
  const texts = JSON.parse(readFileSync(path, 'utf8'));
  edit(texts);
  writeFileSync(path, JSON.stringify(texts));
  return dir;
}

describe('the reports page catalogue (prompts/<locale>/reports.json + staff labels)', () => {
  it('has every text in every locale, and the Chinese ones are Chinese', () => {
    const all = loadReportTexts('./prompts', options);
    const keys = REPORT_LOCALES.map((locale) => staffKeys(all.get(locale)!.texts).sort());
    expect(keys[0]!.length).toBeGreaterThan(80);
    for (const other of keys.slice(1)) expect(other).toEqual(keys[0]);
    const zh = all.get('zh-CN')!;
    const english = staffKeys(zh.texts).filter((key) => {
      const text = reportText(zh, key);
      return /[A-Za-z]{4,}/.test(text.replace(/\{\w+\}|REPORTS_TOKEN|Slack|CSAT|NPS|CSV|hearken/g, '')) || !/[\u4e00-\u9fff]|^[{}\w\s·:：（）()%—–=]+$/.test(text);
    });
    expect(english).toEqual([]);
  });

  it('refuses to start when a locale lacks a text or has one the others do not', () => {
    expect(() => loadReportTexts(brokenCopy((t) => delete t.page.noData), options)).toThrow(/zh-CN[/\\]reports\.json: missing text "page\.noData"/);
    expect(() => loadReportTexts(brokenCopy((t) => void (t.page.extra = '多余')), options)).toThrow(ReportTextsError);
  });

  it('names stored keys as the staff desk does, shown alone (English sentence case)', () => {
    const all = loadReportTexts('./prompts', { ...options, categories: ['product_quality', 'gift_cards'] });
    const en = all.get('en')!;
    const zh = all.get('zh-CN')!;
    expect(en.labels.category).toMatchObject({ product_quality: 'Product quality', none: 'Uncategorised' });
    expect(en.labels.severity).toEqual({ general: 'General', major: 'Major' });
    expect(en.labels.channel).toEqual({ webchat: 'Web chat', telegram: 'Telegram', botframework: 'Microsoft Teams' });
    expect(en.labels.rootCause.staff_conduct).toBe('Staff conduct');
    expect(en.labels.status.in_progress).toBe('In progress');
    expect(zh.labels.severity).toEqual({ general: '一般', major: '重大' });
    expect(zh.labels.category).toMatchObject({ product_quality: '产品质量', none: '未分类' });
    expect(zh.labels.determination).toMatchObject({ responsible: '我方责任', not_responsible: '非我方责任' });
    // A policy's own category without a label anywhere is shown as stored.
    expect(zh.labels.category.gift_cards).toBe('gift_cards');
    expect(zh.zone).toBe('北京时间');
    expect(en.zone).toBe('Beijing time');
  });
});

describe('the reports page language', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR, zh-TW;q=0.5, en;q=0.4', 'zh-CN'],
    ['en;q=0.5, zh-Hans;q=0.8', 'zh-CN'],
    ['zh;q=0, en', 'en'],
    ['de-DE', undefined],
    ['', undefined],
  ])('Accept-Language %j → %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  it('reads ?lang= spellings and ignores anything else', () => {
    expect(reportLocaleOf('zh')).toBe('zh-CN');
    expect(reportLocaleOf('ZH-cn')).toBe('zh-CN');
    expect(reportLocaleOf('en-GB')).toBe('en');
    expect(reportLocaleOf('"><script>')).toBeUndefined();
    expect(reportLocaleOf(['zh'])).toBeUndefined();
  });
});
