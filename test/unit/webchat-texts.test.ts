import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebchatTexts, pageLocaleOf, replyDuration, WebchatTextsError } from '../../adapters/webchat/webchat.page.ts';

const texts = loadWebchatTexts('prompts');

describe('the web chat page texts', () => {
  it('has every key in every locale, and Traditional Chinese made from the Simplified file', () => {
    const keys = Object.keys(texts.get('en')!).sort();
    expect(Object.keys(texts.get('zh-CN')!).sort()).toEqual(keys);
    expect(Object.keys(texts.get('zh-TW')!).sort()).toEqual(keys);
    expect(texts.get('zh-CN')!.send).toBe('发送');
    expect(texts.get('zh-TW')!.send).toBe('發送');
    expect(texts.get('zh-TW')!.title).toBe('客戶服務');
  });

  it('stops the start when a locale misses a text, naming the file and the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearken-webchat-texts-'));
    cpSync('prompts', dir, { recursive: true });
    const zh = JSON.parse(JSON.stringify(texts.get('zh-CN')));
    delete zh.retry;
    writeFileSync(join(dir, 'zh-CN', 'webchat.json'), JSON.stringify(zh));
    expect(() => loadWebchatTexts(dir)).toThrow(WebchatTextsError);
    expect(() => loadWebchatTexts(dir)).toThrow(/zh-CN\/webchat\.json: missing text "retry"/);
  });

  it('chooses the page language from the browser languages, Traditional for Taiwan, Hong Kong and Macau', () => {
    expect(pageLocaleOf('zh-TW,zh;q=0.9')).toBe('zh-TW');
    expect(pageLocaleOf('zh-HK')).toBe('zh-TW');
    expect(pageLocaleOf('zh-Hant-MO')).toBe('zh-TW');
    expect(pageLocaleOf('zh-CN,en')).toBe('zh-CN');
    expect(pageLocaleOf('zh')).toBe('zh-CN');
    expect(pageLocaleOf('fr-FR,en-GB')).toBe('en');
    expect(pageLocaleOf('de')).toBe('en');
    expect(pageLocaleOf('')).toBe('en');
  });

  it('says the first-response time in words', () => {
    const en = texts.get('en')!;
    const zh = texts.get('zh-CN')!;
    expect(replyDuration(1800, en)).toBe('30 minutes');
    expect(replyDuration(3600, en)).toBe('an hour');
    expect(replyDuration(43_200, en)).toBe('12 hours');
    expect(replyDuration(86_400, en)).toBe('a day');
    expect(replyDuration(129_600, en)).toBe('36 hours');
    expect(replyDuration(172_800, en)).toBe('2 days');
    expect(replyDuration(86_400, zh)).toBe('1 天');
    expect(replyDuration(43_200, zh)).toBe('12 小时');
  });
});
