import { describe, expect, it } from 'vitest';
import { assessSeverity } from '../../src/cases/severity.ts';
import { parsePolicy } from '../../src/policy.ts';
import { loadClassifyRules } from '../../src/understanding/classify-rules.ts';
import { policy } from '../support/engine.ts';

const classifyRules = loadClassifyRules('prompts');

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
