import { readFileSync } from 'node:fs';
import * as chrono from 'chrono-node';
import { describe, expect, it } from 'vitest';
import { hasHan } from '../../src/understanding/normalise.ts';
import { prepareText } from '../../src/understanding/prepare.ts';
import { mayHoldChineseDate, mayHoldEnglishDate, readWhenAt } from '../../src/understanding/when.ts';

/**
 * The pre-check in front of chrono (src/understanding/when.ts) skips a parser
 * only where that parser finds nothing. Held against chrono itself on every
 * text of the tuning corpus (messages and answers), the phrases of the other
 * understanding tests, and texts built from chrono's own vocabulary.
 */
interface CorpusEntry {
  messages: string[];
  answers: Record<string, unknown>;
}
const corpus: CorpusEntry[] = JSON.parse(readFileSync(new URL('../fixtures/intake-corpus/tune.json', import.meta.url), 'utf8'));
const strings = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : []);
const testPhrases = ['understanding-names-when.test.ts', 'understanding-fields.test.ts', 'intake-fields.test.ts'].flatMap((file) =>
  [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/'([^'\n]{2,200})'/gu)].map((m) => m[1]!),
);
const vocabulary = [
  'I was there about a w ago',
  'it broke a d later',
  'for a couple of h',
  'within one m',
  'the day before yesterday',
  'last night',
  'this evening',
  'at noon',
  'end of the month',
  'Monday',
  'sept 3',
  'two weeks ago',
  'in a few hours',
  'half an hour later',
  '上周五晚上',
  '前天',
  '昨晚',
  '现在',
  '十一月三号',
  '三天前',
  '半小时内',
  '礼拜天',
  '凌晨',
  '早上',
];
const texts = [...new Set([...corpus.flatMap((entry) => [...entry.messages, ...strings(entry.answers)]), ...testPhrases, ...vocabulary])].map(prepareText);
const now = new Date('2026-11-29T10:00:00Z');

describe('the pre-check in front of chrono', () => {
  it('skips the English parser only where it finds nothing', () => {
    const skipped = texts.filter((text) => !mayHoldEnglishDate(text));
    const missed = skipped.filter((text) => chrono.en.casual.parse(text, now).length > 0);
    expect(missed).toEqual([]);
    // It does skip: greetings, addresses and answers without a time.
    expect(skipped.length).toBeGreaterThan(50);
    expect(mayHoldEnglishDate('Hello')).toBe(false);
    expect(mayHoldEnglishDate('alice@example.com')).toBe(false);
  });

  it('skips the Chinese parser only where it finds nothing', () => {
    // Only Chinese text was ever given to the Chinese parser (ISO dates are the English parser's).
    const skipped = texts.filter((text) => hasHan(text) && !mayHoldChineseDate(text));
    const missed = skipped.filter((text) => chrono.zh.hans.casual.parse(text, now).length > 0);
    expect(missed).toEqual([]);
    expect(skipped.length).toBeGreaterThan(10);
    expect(mayHoldChineseDate('退款')).toBe(false);
    expect(mayHoldChineseDate('上周五')).toBe(true);
  });

  it('still reads the times the vocabulary names', () => {
    expect(readWhenAt('it broke two weeks ago', now, 'Asia/Shanghai')?.text).toBe('two weeks ago');
    expect(readWhenAt('昨晚充电的时候冒烟了', now, 'Asia/Shanghai')?.text).toBe('昨晚');
    expect(readWhenAt('Hello', now, 'Asia/Shanghai')).toBeUndefined();
  });
});
