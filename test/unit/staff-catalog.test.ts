import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { routingSchema } from '../../src/staff/routing.ts';
import { loadStaffCatalogs, loadStaffLanguages, loadStaffTexts, STAFF_LOCALES, staffKeys, StaffCatalogError } from '../../src/staff/staff-catalog.ts';

const zh = loadStaffTexts('./prompts', 'zh-CN', { timezone: 'Asia/Shanghai' });
const en = loadStaffTexts('./prompts', 'en', { timezone: 'Asia/Shanghai' });

/** A copy of prompts/ whose zh-CN/staff.json is changed by `edit`. */
function brokenCopy(edit: (texts: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-staff-'));
  cpSync('./prompts', dir, { recursive: true });
  const path = join(dir, 'zh-CN', 'staff.json');
  const texts = JSON.parse(readFileSync(path, 'utf8'));
  edit(texts);
  writeFileSync(path, JSON.stringify(texts));
  return dir;
}

describe('the staff catalogue (prompts/<locale>/staff.json)', () => {
  it('has every text in every locale, and the Chinese ones are Chinese', () => {
    const trees = loadStaffCatalogs('./prompts');
    const keys = STAFF_LOCALES.map((locale) => staffKeys(trees.get(locale)!).sort());
    expect(keys[0]!.length).toBeGreaterThan(250);
    for (const other of keys.slice(1)) expect(other).toEqual(keys[0]);
    // Every sentence a Chinese desk reads has Chinese in it (short codes and placeholders-only templates aside).
    const english = staffKeys(trees.get('zh-CN')!).filter((key) => {
      const text = zh.t(key);
      return /[A-Za-z]{4,}/.test(text.replace(/\{\w+\}|:[a-z_]+:|`[^`]*`|<[^>]*>|PUBLIC_URL|Slack|Telegram|Teams|NPS|CSV|JSON/g, '')) && !/[\u4e00-\u9fff]/.test(text);
    });
    expect(english).toEqual([]);
  });

  it('refuses to start when a locale lacks a text or has one the others do not', () => {
    const missing = brokenCopy((t) => delete t.buttons.claim);
    expect(() => loadStaffCatalogs(missing)).toThrow(StaffCatalogError);
    expect(() => loadStaffCatalogs(missing)).toThrow(/zh-CN[/\\]staff\.json: missing text "buttons\.claim"/);
    const extra = brokenCopy((t) => (t.buttons.only = '仅中文'));
    expect(() => loadStaffCatalogs(extra)).toThrow(/text "buttons\.only" is not in every locale/);
    const empty = brokenCopy((t) => (t.buttons.claim = ''));
    expect(() => loadStaffCatalogs(empty)).toThrow(/field "buttons\.claim"/);
  });

  it('labels values for staff, and shows a value it has no label for as it is', () => {
    expect(zh.label('severity', 'major')).toBe('重大');
    expect(zh.label('status', 'awaiting_customer')).toBe('等待客户回复');
    expect(zh.category('product_quality')).toBe('产品质量');
    expect(zh.category(null)).toBe('未分类');
    expect(zh.label('remedy', 'compensation')).toBe('赔偿');
    expect(zh.label('category', 'garden_furniture')).toBe('garden_furniture');
    const withCatalog = loadStaffTexts('./prompts', 'zh-CN', { timezone: 'Asia/Shanghai', catalog: { optionLabel: (_l, _f, v) => `«${v}»` } });
    expect(withCatalog.label('category', 'garden_furniture')).toBe('«garden_furniture»');
    expect(en.label('status', 'in_progress')).toBe('In progress');
  });

  it('keeps the rule ids of severity reasons and names the rule in the staff language', () => {
    const reasons = ['injury: "轻微烫伤"', 'keyword: "fire"', 'remedy:compensation', 'repeat:2', 'unknown_rule: "x"'];
    expect(zh.reasons(reasons)).toBe('人身伤害（injury）："轻微烫伤"；关键词（keyword）："fire"；要求补偿（remedy:compensation）；重复投诉（repeat:2）；unknown_rule: "x"');
    expect(en.reasons(reasons)).toBe('injury: "轻微烫伤", keyword: "fire", remedy:compensation, repeat:2, unknown_rule: "x"');
  });

  it('fits what Slack accepts: modal titles and submit buttons up to 24 characters, buttons up to 75', () => {
    for (const texts of [en, zh]) {
      const tree = loadStaffCatalogs('./prompts').get(texts.locale)!;
      const modalKeys = staffKeys(tree).filter((k) => /^modals\.(\w+Title|\w+Submit|save|cancel)$/.test(k));
      expect(modalKeys.length).toBeGreaterThan(8);
      for (const key of modalKeys) expect(texts.t(key, { number: 'C-2026-0001234' }).length, `${texts.locale} ${key}`).toBeLessThanOrEqual(24);
      for (const key of staffKeys(tree).filter((k) => k.startsWith('buttons.'))) expect(texts.t(key).length).toBeLessThanOrEqual(75);
    }
  });

  it('is chosen by STAFF_LOCALE: English by default, Simplified Chinese on request, anything else refused at start', () => {
    expect(loadConfig({}).STAFF_LOCALE).toBe('en');
    expect(loadConfig({ STAFF_LOCALE: 'zh-CN' }).STAFF_LOCALE).toBe('zh-CN');
    expect(() => loadConfig({ STAFF_LOCALE: 'zh-TW' })).toThrow(ConfigError);
    expect(() => loadConfig({ STAFF_LOCALE: 'zh-TW' })).toThrow(/STAFF_LOCALE/);
  });

  it("gives a team's cases the team's language (routing file teams.<team>.locale), others STAFF_LOCALE", () => {
    const languages = loadStaffLanguages('./prompts', 'en', { delivery: 'zh-CN', care: undefined, same: 'en' }, { timezone: 'Asia/Shanghai' });
    expect(languages.perTeam).toBe(true);
    expect(languages.forTeam('delivery').locale).toBe('zh-CN');
    expect([languages.forTeam('care'), languages.forTeam('same'), languages.forTeam(null), languages.forTeam('unknown')].map((t) => t.locale)).toEqual(['en', 'en', 'en', 'en']);
    expect(loadStaffLanguages('./prompts', 'zh-CN', { care: 'zh-CN' }, { timezone: 'UTC' }).perTeam).toBe(false);
    expect(routingSchema.safeParse({ teams: { care: { locale: 'zh-CN' } } }).success).toBe(true);
    expect(routingSchema.safeParse({ teams: { care: { locale: 'fr' } } }).success).toBe(false);
  });

  it("shows times in the policy's zone, named", () => {
    const at = new Date('2026-11-29T06:05:00Z');
    expect(zh.time(at)).toBe('2026-11-29 14:05（北京时间）');
    expect(zh.time(null)).toBe('—');
    // English keeps Slack's date token; its fallback text is the policy's zone.
    expect(en.time(at)).toBe(`<!date^${at.getTime() / 1000}^{date_short_pretty} {time}|2026-11-29 14:05 Beijing time>`);
    const utc = loadStaffTexts('./prompts', 'zh-CN', { timezone: 'Europe/Berlin' });
    expect(utc.time(at)).toBe('2026-11-29 07:05（Europe/Berlin）');
  });
});
