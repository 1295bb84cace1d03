import { describe, expect, it } from 'vitest';
import { maskContact, maskEmail, maskPhone } from '../../src/privacy/mask.ts';

describe('contact masking', () => {
  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+44 20 7946 0958')).toBe('+442*****0958');
    expect(maskPhone('12345')).toBe('***45');
  });

  it('keeps the first letter and the domain of an e-mail address', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('broken')).toBe('***');
  });

  it('joins what the customer gave', () => {
    expect(maskContact({ phone: '13800138000', email: 'alice@example.com' })).toBe('138****8000, a***@example.com');
    expect(maskContact({ phone: null, email: null })).toBeUndefined();
  });
});
