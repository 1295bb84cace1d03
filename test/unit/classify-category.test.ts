import { describe, expect, it } from 'vitest';
import { ClassifyRulesError, loadClassifyRules } from '../../src/understanding/classify-rules.ts';
import { scoreCategories } from '../../src/understanding/category.ts';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policy } from '../support/engine.ts';

const rules = loadClassifyRules('prompts');
const best = (text: string) => scoreCategories(text, rules, policy.categories)[0]?.category;

describe('category by meaning', () => {
  it('lets the problem outweigh the people and things around it', () => {
    expect(best('the installer was rude')).toBe('service_attitude');
    expect(best('the fridge you delivered is leaking')).toBe('product_quality');
    expect(best('安装师傅态度很差')).toBe('service_attitude');
    expect(best('你们送来的冰箱漏水')).toBe('product_quality');
  });

  it('matches English on word boundaries', () => {
    expect(scoreCategories('the chocolate tasted of nothing', rules, policy.categories).map((s) => s.category)).not.toContain('delivery_installation');
    expect(scoreCategories('I will call you later', rules, policy.categories)).toEqual([]);
    expect(scoreCategories('the billiard room', rules, policy.categories)).toEqual([]);
    expect(best('my parcel came late')).toBe('delivery_installation');
    expect(best('the bill was wrong, I was overcharged')).toBe('price_billing');
  });

  it('scores each category in both languages and in Traditional Chinese', () => {
    expect(best('KTV包间收了开瓶费和服务费，还多收了钱')).toBe('price_billing');
    expect(best('快遞一直沒送到')).toBe('delivery_installation');
    expect(best('保修期内送去维修，售后一直拖')).toBe('after_sales_repair');
    expect(best('The e-bike battery stopped working after a week')).toBe('product_quality');
    expect(best('The technician came for the warranty repair and never finished')).toBe('after_sales_repair');
  });

  it('reads everyday wording of each category', () => {
    expect(best("My order was supposed to arrive Monday, it's Thursday and still nothing")).toBe('delivery_installation');
    expect(best("The waiter spilled beer on me and didn't even apologise")).toBe('service_attitude');
    expect(best('The delivery guy called me an idiot')).toBe('service_attitude');
    expect(best('退款申请了两个星期还没到账')).toBe('price_billing');
    expect(best('Third time the technician came and the dishwasher still leaks')).toBe('after_sales_repair');
  });

  it('returns only positive scores, best first, with the terms that scored', () => {
    const scores = scoreCategories('the installer was rude', rules, policy.categories);
    expect(scores[0]).toEqual({ category: 'service_attitude', score: 4, terms: ['rude'] });
    expect(scores.every((s, i) => s.score > 0 && (i === 0 || scores[i - 1]!.score >= s.score))).toBe(true);
    expect(scoreCategories('hello there', rules, policy.categories)).toEqual([]);
  });

  it('counts the longer of two overlapping terms once', () => {
    const scores = scoreCategories('late delivery', rules, policy.categories);
    expect(scores).toEqual([{ category: 'delivery_installation', score: 4, terms: ['late delivery'] }]);
  });

  it('ignores categories the policy does not list', () => {
    expect(scoreCategories('the installer was rude', rules, ['product_quality', 'other'])).toEqual([]);
  });
});

describe('loading classify.json', () => {
  const write = (content: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'hearken-classify-'));
    mkdirSync(join(dir, 'en'));
    writeFileSync(join(dir, 'en', 'classify.json'), typeof content === 'string' ? content : JSON.stringify(content));
    return dir;
  };
  const valid = { severity: { injury: ['hurt'] }, negation: { cues: ['no'] }, categories: { product_quality: { broken: 2 } } };

  it('stops with the file and the field named', () => {
    const dir = write({ ...valid, categories: { product_quality: { broken: -1 } } });
    expect(() => loadClassifyRules(dir)).toThrow(ClassifyRulesError);
    expect(() => loadClassifyRules(dir)).toThrow(/en[/\\]classify\.json: categories\.product_quality\.broken/);
    expect(() => loadClassifyRules(write('{ not json'))).toThrow(/classify\.json: not valid JSON/);
    expect(() => loadClassifyRules(write({ ...valid, severity: { injury: [''] } }))).toThrow(/severity\.injury\.0/);
  });

  it('merges every locale, so mixed-language text meets every rule', () => {
    const dir = write(valid);
    mkdirSync(join(dir, 'zh-CN'));
    writeFileSync(join(dir, 'zh-CN', 'classify.json'), JSON.stringify({ severity: { injury: ['受伤'] }, negation: { cues: ['没有'] }, categories: {} }));
    const merged = loadClassifyRules(dir);
    expect(scoreCategories('it is broken', merged, ['product_quality'])).toEqual([{ category: 'product_quality', score: 2, terms: ['broken'] }]);
    expect(merged.severity).toHaveLength(1);
  });
});
