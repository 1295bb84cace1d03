import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAnswerLexicon, matchOption, meansNone, readLeadingYesNo, readYesNo } from '../../src/understanding/answers.ts';
import { extractFields, readContact, readNameAnswer, readOrderRefAnswer, type FieldContext } from '../../src/understanding/fields.ts';

const lexicon = loadAnswerLexicon(join(import.meta.dirname, '../../prompts'));
const ctx: FieldContext = { now: new Date('2026-11-29T10:00:00Z'), timezone: 'Asia/Shanghai', defaultRegion: 'CN' };
const options = [
  { value: 'refund', labels: ['Refund', '退款'] },
  { value: 'replacement', labels: ['Replacement', '换货'] },
];

// Pieces customers type, so random texts hit the readers' real paths.
const piece = fc.constantFrom(
  '订单号', '#', 'order no. ', '138-0013-8000', '（微信同号）', '@', 'name@example.org', '(', ')', 'XX20261101-88', '-', ' ', '，', '。',
  '昨晚', '上周五', 'last Friday', 'yesterday around 8pm', '8点', '我叫', '我姓', '王', 'this is ', 'Dave', ' here', '好的', 'no', '没有',
  '不', 'yes please', '👍', '沒有訂單號', '１３８', '0', '1', '9', 'A', 'a', '.', '+86 ', '\n', '\u200b', '𠀀',
);
const customerText = fc.oneof(fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')), fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

function checkFields(text: string): void {
  const fields = extractFields(text, ctx);
  if (fields.phone) expect(fields.phone).toMatch(/^\+\d{6,15}$/);
  if (fields.email) expect(fields.email).toMatch(/^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/);
  if (fields.orderRef) expect(fields.orderRef).toMatch(/^[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?$/);
  if (fields.name) expect(fields.name).toMatch(/^\p{L}[\p{L}\s'-]*$/u);
  if (fields.when) expect(Date.parse(fields.when.at)).toBeLessThanOrEqual(ctx.now.getTime() + 60_000);
}

describe('the readers on any text', () => {
  it('never throw, and return bare values', () => {
    fc.assert(
      fc.property(customerText, (text) => {
        checkFields(text);
        readYesNo(text, lexicon);
        readLeadingYesNo(text, lexicon);
        meansNone(text, lexicon);
        matchOption(text, 'desiredResolution', options, lexicon);
        readNameAnswer(text);
        readOrderRefAnswer(text);
        readContact(text, 'CN');
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['digits', '1'.repeat(4000)],
    ['dashes', '1-'.repeat(2000)],
    ['spaced digits', '1 '.repeat(2000)],
    ['dotted domain', `a@${'a.'.repeat(1999)}`],
    ['brackets', `${'('.repeat(4000)}1`],
    ['labels', '订单'.repeat(2000)],
    ['introductions', '我叫'.repeat(2000)],
  ])('read a 4000-character wall of %s without a value', (_kind, text) => {
    const fields = extractFields(text, ctx);
    expect(fields.email).toBeUndefined();
    expect(fields.name).toBeUndefined();
    expect(fields.when).toBeUndefined();
    expect(readYesNo(text, lexicon)).toBeUndefined();
  });
});
