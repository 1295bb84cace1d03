import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPromptCatalog, PromptError } from '../../src/conversation/prompt-catalog.ts';
import { parsePolicy } from '../../src/policy.ts';
import { policy } from '../support/engine.ts';

function copyPrompts(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearken-prompts-'));
  cpSync('prompts', dir, { recursive: true });
  return dir;
}

function edit(path: string, change: (json: any) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  change(json);
  writeFileSync(path, JSON.stringify(json));
}

describe('prompt files are validated at start', () => {
  it('loads the shipped prompts', () => {
    const catalog = loadPromptCatalog('prompts', policy);
    expect(catalog.t('zh-CN', 'steps.category.prompt')).toBe('请问您的投诉属于哪一类？');
    expect(catalog.t('en', 'messages.tooLong', { max: 4000 })).toContain('4000');
  });

  it('names the file and the text when a locale misses one', () => {
    const dir = copyPrompts();
    edit(join(dir, 'zh-CN', 'messages.json'), (json) => delete json.steps.contact.invalid);
    expect(() => loadPromptCatalog(dir, policy)).toThrow(new PromptError(`${join(dir, 'zh-CN', 'messages.json')}: missing text "steps.contact.invalid"`));
  });

  it('names the file and field of a malformed flow', () => {
    const dir = copyPrompts();
    edit(join(dir, 'intake.flow.json'), (json) => (json.steps[1].kind = 'dropdown'));
    expect(() => loadPromptCatalog(dir, policy)).toThrow(/intake\.flow\.json: field "steps\.1\.kind"/);
  });

  it('reports invalid JSON with the file', () => {
    const dir = copyPrompts();
    writeFileSync(join(dir, 'en', 'messages.json'), '{ "language": ');
    expect(() => loadPromptCatalog(dir, policy)).toThrow(new RegExp(`${join(dir, 'en', 'messages.json').replace(/[/.]/g, '\\$&')}`));
  });

  it('requires a label in every language for each configured category', () => {
    const withNewCategory = parsePolicy({ categories: ['product_quality', 'hygiene'] });
    expect(() => loadPromptCatalog('prompts', withNewCategory)).toThrow(/missing text "options\.category\.hygiene"/);
  });
});
