import { describe, expect, it } from 'vitest';
import { cleanText, validateName } from '../../src/conversation/validators.ts';

describe('validation', () => {
  it('accepts names in both scripts, refuses digits and markup', () => {
    expect(validateName('王小明')).toBe('王小明');
    expect(validateName('  Mary   Ann ')).toBe('Mary Ann');
    expect(validateName('x')).toBeUndefined();
    expect(validateName('13800138000')).toBeUndefined();
    expect(validateName('<b>bob</b>')).toBeUndefined();
  });

  it('strips control, zero-width and bidi-override characters', () => {
    expect(cleanText('a\u0000b\u200bc\u202Ed\n')).toBe('abcd');
  });
});
