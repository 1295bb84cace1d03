import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../src/cases/deadlines.ts';
import { parsePolicy } from '../../src/policy.ts';
import { policy } from '../support/engine.ts';

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
