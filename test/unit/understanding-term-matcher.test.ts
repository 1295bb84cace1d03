import { describe, expect, it } from 'vitest';
import { compileTermSet, FoldedText, matchTerms } from '../../src/understanding/term-matcher.ts';

const options = { latinGap: 2, hanGap: 4, wholeWordsOnly: new Set(['起火']) };
const words = (set: NonNullable<ReturnType<typeof compileTermSet>>, text: string) => [...matchTerms(set, new FoldedText(text))].map((m) => m.text);

describe('matching a set of terms', () => {
  const set = compileTermSet(['late', 'injur*', 'fixed … twice', '起火', '冒烟'], options)!;

  it('finds every term on its boundaries, in order', () => {
    expect(words(set, 'the chocolate came late and he was injured; they fixed it twice')).toEqual(['late', 'injured', 'fixed it twice']);
    expect(words(set, '充电时冒烟，然后起火了')).toEqual(['冒烟', '起火']);
    // 起火 must be a word of its own: not inside 一起火锅.
    expect(words(set, '我们一起火锅')).toEqual([]);
  });

  it('gives each scan its own position, so scans of one set may interleave', () => {
    const a = matchTerms(set, new FoldedText('late, injured, late'));
    const b = matchTerms(set, new FoldedText('injured and late'));
    const seen: string[] = [];
    for (;;) {
      const x = a.next();
      const y = b.next();
      if (!x.done) seen.push(`a:${x.value.text}@${x.value.index}`);
      if (!y.done) seen.push(`b:${y.value.text}@${y.value.index}`);
      if (x.done && y.done) break;
    }
    expect(seen).toEqual(['a:late@0', 'b:injured@0', 'a:injured@6', 'b:late@12', 'a:late@15']);
  });
});
