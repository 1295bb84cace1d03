import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../../src/policy.ts';
import { maskEmail, maskPhone } from '../../src/privacy/mask.ts';
import { policy } from '../support/engine.ts';

describe('masking contact details', () => {
  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+447700900123')).toBe('+447*****0123');
    expect(maskPhone('+44 7700 900123')).toBe('+447*****0123');
    expect(maskPhone('12345678')).toBe('123*5678');
  });

  it('hides short numbers but their last two digits, and never throws', () => {
    expect(maskPhone('1234567')).toBe('*****67');
    expect(maskPhone('12')).toBe('*12');
    expect(maskPhone('')).toBe('***');
  });

  it('keeps the first letter and the domain of an e-mail address', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('王小明@example.cn')).toBe('王***@example.cn');
    expect(maskEmail('a@example.com')).toBe('***@example.com');
    expect(maskEmail('not-an-email')).toBe('***');
    expect(maskEmail('trailing@')).toBe('***');
  });
});

describe('retention policy', () => {
  it('keeps complaint records three years by default', () => {
    expect(parsePolicy({}).retention).toEqual({
      enabled: true,
      schedule: '30 3 * * *',
      closedCaseDays: 1095,
      openCaseDays: 1095,
      abandonedIntakeDays: 30,
      webchatTranscriptDays: 90,
      deliveredOutboxDays: 30,
      deliveryIdDays: 30,
    });
    expect(policy.retention.closedCaseDays).toBe(1095);
  });

  it('accepts partial settings and null for keeping open cases', () => {
    const custom = parsePolicy({ retention: { closedCaseDays: 1825, openCaseDays: null } });
    expect(custom.retention).toMatchObject({ closedCaseDays: 1825, openCaseDays: null, abandonedIntakeDays: 30 });
  });

  it('names the field of a bad value', () => {
    expect(() => parsePolicy({ retention: { closedCaseDays: 0 } })).toThrow(PolicyError);
    expect(() => parsePolicy({ retention: { closedCaseDays: 0 } })).toThrow(/retention\.closedCaseDays/);
    expect(() => parsePolicy({ retention: { schedule: 'daily' } })).toThrow(/retention\.schedule: a cron expression/);
  });
});
