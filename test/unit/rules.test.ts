import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../src/cases/deadlines.ts';
import { assessSeverity } from '../../src/cases/severity.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { validateName, cleanText } from '../../src/conversation/validators.ts';
import { detectLocale } from '../../src/inbound/conversation.service.ts';
import { backoffMs } from '../../src/outbox/outbox-worker.ts';
import { parsePolicy, PolicyError } from '../../src/policy.ts';
import { loadClassifyRules } from '../../src/understanding/classify-rules.ts';
import { policy } from '../support/engine.ts';

const classifyRules = loadClassifyRules('prompts');

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

describe('severity rules', () => {
  it('is general by default', () => {
    expect(assessSeverity({ text: 'The parcel was late.', recentCases: 0 }, policy, classifyRules)).toEqual({ severity: 'general', reasons: [] });
  });

  it('is major for serious wording in either language, naming the rule and the words', () => {
    expect(assessSeverity({ text: 'The heater caught fire', recentCases: 0 }, policy, classifyRules).reasons).toEqual(['fire_electric: "caught fire"']);
    expect(assessSeverity({ text: 'I was fired up about it', recentCases: 0 }, policy, classifyRules).severity).toBe('general');
    expect(assessSeverity({ text: '我要找媒体曝光', recentCases: 0 }, policy, classifyRules).reasons).toEqual(['media: "媒体"']);
  });

  it('keeps the policy keywords working, on word boundaries, denied ones excepted', () => {
    const custom = parsePolicy({ severity: { keywords: ['recall', '召回'] } });
    expect(assessSeverity({ text: 'Is this model under a recall?', recentCases: 0 }, custom, classifyRules).reasons).toEqual(['keyword: "recall"']);
    expect(assessSeverity({ text: 'it was recalled', recentCases: 0 }, custom, classifyRules).severity).toBe('general');
    expect(assessSeverity({ text: '这批货被召回了', recentCases: 0 }, custom, classifyRules).reasons).toEqual(['keyword: "召回"']);
    expect(assessSeverity({ text: 'there was no recall', recentCases: 0 }, custom, classifyRules).severity).toBe('general');
  });

  it('is major for compensation and for a repeat complaint within the window', () => {
    expect(assessSeverity({ text: 'late', desiredResolution: 'compensation', recentCases: 0 }, policy, classifyRules)).toEqual({ severity: 'major', reasons: ['remedy:compensation'] });
    expect(assessSeverity({ text: 'late', recentCases: 2 }, policy, classifyRules)).toEqual({ severity: 'major', reasons: ['repeat:2'] });
  });
});

describe('deadlines from the policy table', () => {
  const opened = new Date('2026-11-02T10:00:00Z');
  it('uses the SPEC defaults', () => {
    expect(computeDeadlines(opened, 'general', policy)).toEqual({
      firstResponseDueAt: new Date('2026-11-03T10:00:00Z'),
      resolutionDueAt: new Date('2026-11-05T10:00:00Z'),
      responseHours: 24,
    });
    expect(computeDeadlines(opened, 'major', policy)).toEqual({
      firstResponseDueAt: new Date('2026-11-02T22:00:00Z'),
      resolutionDueAt: new Date('2026-11-04T10:00:00Z'),
      responseHours: 12,
    });
  });

  it('follows a configured table, in seconds for trials', () => {
    const custom = parsePolicy({ deadlines: { general: { firstResponseSeconds: 60, resolutionSeconds: 120 }, major: { firstResponseSeconds: 30, resolutionSeconds: 60 } } });
    expect(computeDeadlines(opened, 'general', custom).firstResponseDueAt).toEqual(new Date('2026-11-02T10:01:00Z'));
  });
});

describe('configuration', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, DATA_DIR: './data', HOST: '0.0.0.0' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops with a message naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ TELEGRAM_API_ROOT: 'not a url' })).toThrow(/TELEGRAM_API_ROOT/);
  });

  it('rejects a policy with a missing severity table or a bad pattern, naming the field', () => {
    expect(() => parsePolicy({ severity: { levels: ['general', 'major', 'critical'] } })).toThrow(/deadlines\.critical/);
    expect(() => parsePolicy({ intake: { orderRefPattern: '([' } })).toThrow(PolicyError);
    expect(() => parsePolicy({ timezone: 'Mars/Olympus' })).toThrow(/timezone/);
  });
});

describe('locale detection and backoff', () => {
  it('prefers the script of the text, then the channel locale', () => {
    expect(detectLocale({ text: '你好', locale: 'en-US' })).toBe('zh-CN');
    expect(detectLocale({ text: 'hello', locale: 'zh-TW' })).toBe('zh-CN');
    expect(detectLocale({ text: 'hello' })).toBe('en');
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(4, () => 1)).toBe(8000);
    expect(backoffMs(40, () => 1)).toBe(600_000);
  });
});

describe('secrets in platform errors', () => {
  it('are removed before an error is logged or stored', async () => {
    const { redactSecrets } = await import('../../src/redact.ts');
    expect(redactSecrets('request to https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyz/sendMessage failed')).toBe(
      'request to https://api.telegram.org/bot[redacted]/sendMessage failed',
    );
    expect(redactSecrets('invalid_auth for xoxb-1234-5678-abcdef')).toBe('invalid_auth for [redacted]');
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer [redacted]');
  });
});
