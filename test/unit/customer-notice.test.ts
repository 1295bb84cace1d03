import { describe, expect, it } from 'vitest';
import { loadPromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import type { CaseRow } from '../../src/db/schema.ts';
import { parsePolicy } from '../../src/policy.ts';
import { resultText, signature } from '../../src/staff/customer-texts.ts';
import { parseRouting } from '../../src/staff/routing.ts';

const policy = parsePolicy({});
const catalog = loadPromptCatalog('prompts', policy);
const routing = parseRouting({ resolution: { currency: 'CNY' } }, policy, 'C0CASES01');
const caseIn = (locale: string, extra: Partial<CaseRow> = {}) => ({ number: 'C-2026-000007', locale, ...extra }) as CaseRow;

describe('what the customer reads from staff', () => {
  it('is signed by the agent or by the company, per configuration and locale', () => {
    expect(signature({ catalog, attribution: 'agent' }, caseIn('en'), 'Agent One')).toBe('Agent One');
    expect(signature({ catalog, attribution: 'agent' }, caseIn('en'), undefined)).toBe('Customer care');
    expect(signature({ catalog, attribution: 'company' }, caseIn('en'), 'Agent One')).toBe('Customer care');
    expect(signature({ catalog, attribution: 'company' }, caseIn('zh-CN'), 'Agent One')).toBe('客服中心');
  });

  it('states the result with the remedy in the customer’s language', () => {
    const zh = caseIn('zh-CN', { resolution_summary: '经核实属实。', remedy: 'refund', remedy_amount: '99.50' });
    expect(resultText({ catalog, routing }, zh)).toBe('您的投诉（投诉单号 C-2026-000007）已处理完毕。\n\n经核实属实。\n\n我们将为您：退款 99.50 CNY。');
    const en = caseIn('en', { resolution_summary: 'Not within our scope.', remedy: 'none', remedy_amount: null });
    expect(resultText({ catalog, routing }, en)).toBe('Your case C-2026-000007 has been resolved.\n\nNot within our scope.');
  });
});
