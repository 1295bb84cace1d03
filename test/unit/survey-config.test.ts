import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPromptCatalog, PromptError } from '../../src/conversation/prompt-catalog.ts';
import { parsePolicy, PolicyError } from '../../src/policy.ts';
import { policy } from '../support/engine.ts';

function promptsWith(change: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-prompts-'));
  cpSync('prompts', dir, { recursive: true });
  change(dir);
  return dir;
}

function editJson(path: string, change: (json: any) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  change(json);
  writeFileSync(path, JSON.stringify(json));
}

describe('survey configuration is validated at start', () => {
  it('has the documented policy defaults and refuses an expiry before the reminder', () => {
    expect(parsePolicy({}).survey).toEqual({
      enabled: true, delaySeconds: 3600, reminderAfterSeconds: 86400, expireAfterSeconds: 604800, lowScoreThreshold: 2,
      onLowScore: 'reopen', sampleRate: 1, cooldownDays: 0, askNps: true,
    });
    expect(() => parsePolicy({ survey: { reminderAfterSeconds: 100, expireAfterSeconds: 50 } })).toThrow(PolicyError);
    expect(() => parsePolicy({ survey: { onLowScore: 'ignore' } })).toThrow(/survey.onLowScore/);
  });

  it('names the file when the survey flow refers to an unknown question, and a text missing in a locale', () => {
    const badFlow = promptsWith((dir) => editJson(join(dir, 'survey.flow.json'), (json) => json.case.push('mood')));
    expect(() => loadPromptCatalog(badFlow, policy)).toThrow(/survey\.flow\.json: field "case.4": unknown question "mood"/);
    const missing = promptsWith((dir) => editJson(join(dir, 'zh-CN', 'messages.json'), (json) => delete json.survey.questions.nps.prompt));
    expect(() => loadPromptCatalog(missing, policy)).toThrow(PromptError);
    expect(() => loadPromptCatalog(missing, policy)).toThrow(/zh-CN.*missing text "survey.questions.nps.prompt"/);
  });
});
