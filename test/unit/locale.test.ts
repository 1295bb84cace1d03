import { describe, expect, it } from 'vitest';
import { detectLocale } from '../../src/inbound/inbound-identity.ts';

describe('locale detection', () => {
  it('prefers the script of the text, then the channel locale', () => {
    expect(detectLocale({ text: '你好', locale: 'en-US' })).toBe('zh-CN');
    expect(detectLocale({ text: 'hello', locale: 'zh-TW' })).toBe('zh-CN');
    expect(detectLocale({ text: 'hello' })).toBe('en');
  });
});
