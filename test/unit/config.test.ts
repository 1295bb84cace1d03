import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { parsePolicy, PolicyError } from '../../src/policy.ts';

describe('configuration', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, DATA_DIR: './data', HOST: '0.0.0.0', HEAP_GROWING_PERCENT: 25 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops with a message naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ TELEGRAM_API_ROOT: 'not a url' })).toThrow(/TELEGRAM_API_ROOT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('rejects a policy with a missing severity table or a bad pattern, naming the field', () => {
    expect(() => parsePolicy({ severity: { levels: ['general', 'major', 'critical'] } })).toThrow(/deadlines\.critical/);
    expect(() => parsePolicy({ intake: { orderRefPattern: '([' } })).toThrow(PolicyError);
    expect(() => parsePolicy({ timezone: 'Mars/Olympus' })).toThrow(/timezone/);
  });
});
