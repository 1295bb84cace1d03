import { describe, expect, it } from 'vitest';
import { answerFor } from './answer-book.ts';
import { loadSplit, type CorpusRecord } from './corpus.ts';
import { checkFields, evaluateSplit, figures, MAX_TURNS, runRecord, safeRun, setup } from './intake-eval.ts';
import { split } from './split-corpus.ts';

const tune = loadSplit('tune');
const heldOut = loadSplit('held-out');
const all = [...tune, ...heldOut];

describe('intake corpus', () => {
  it('has at least 150 complaints, half in Chinese, at least 12 in Traditional Chinese, a third of them major', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    const chinese = all.filter((r) => r.locale !== 'en').length;
    expect(chinese / all.length).toBeGreaterThanOrEqual(0.45);
    expect(chinese / all.length).toBeLessThanOrEqual(0.55);
    expect(all.filter((r) => r.locale === 'zh-TW').length).toBeGreaterThanOrEqual(12);
    const majors = all.filter((r) => r.severity === 'major').length / all.length;
    expect(majors).toBeGreaterThan(0.28);
    expect(majors).toBeLessThan(0.42);
    for (const category of ['product_quality', 'service_attitude', 'price_billing', 'delivery_installation', 'after_sales_repair', 'other']) {
      expect(all.some((r) => r.category === category)).toBe(true);
    }
  });

  it('keeps the held-out part as the fixed-seed stratified third', () => {
    const again = split(all);
    expect(again.heldOut.map((r) => r.id)).toEqual(heldOut.map((r) => r.id));
    expect(again.tune.map((r) => r.id)).toEqual(tune.map((r) => r.id));
    for (const locale of ['en', 'zh-CN', 'zh-TW']) {
      const held = heldOut.filter((r) => r.locale === locale).length;
      const total = all.filter((r) => r.locale === locale).length;
      expect(Math.abs(held - total / 3)).toBeLessThanOrEqual(1.5);
    }
  });

  it('expects only fields that the text contains, as the customer wrote them', () => {
    const fold = (text: string) => text.toUpperCase().replace(/\s+/g, '');
    for (const record of all) {
      const text = fold(record.messages.join(' '));
      const { orderRef, email, when, phone } = record.fields;
      if (orderRef) expect(text, record.id).toContain(orderRef);
      if (email) expect(text, record.id).toContain(fold(email));
      if (when) expect(text, record.id).toContain(fold(when.text));
      if (phone) expect(text.replace(/[^\d]/g, ''), record.id).toContain(phone.replace(/^\+(86|886|852|44)/, ''));
      // The policy's elevating remedy makes a complaint major whatever its words.
      if (record.answers.resolution.value === 'compensation') expect(record.severity, record.id).toBe('major');
    }
  });
});

describe('intake evaluation harness', () => {
  const env = setup();

  it('reports a step kind it has no answer for instead of guessing', () => {
    const record = tune[0]!;
    expect(answerFor({ stepId: 'mystery', kind: 'mystery', choices: [], attempt: 0 }, record)).toBe('unknown');
  });

  it('drives a complaint through the real engine within the turn limit', () => {
    const record: CorpusRecord = tune.find((r) => r.messages.length === 1)!;
    const run = runRecord(record, env);
    expect(run.turns).toBeGreaterThan(record.messages.length);
    expect(run.turns).toBeLessThanOrEqual(MAX_TURNS);
    expect(run.transcript[0]).toBe(`> ${record.messages[0]}`);
  });

  it('counts a field as extracted only when right and never asked', () => {
    const record = { ...tune[0]!, fields: { phone: '+8613800138000', orderRef: 'XX20261101-88', name: '王', when: { text: '昨晚', date: '2026-11-29' } } };
    const draft = { evidence: [], phone: '+8613800138000', orderRef: 'XX20261101', contactName: '王先生', whenWhere: '11月29日 晚上' };
    expect(checkFields(record, draft, new Set())).toEqual({ phone: true, orderRef: false, name: true, when: true });
    expect(checkFields(record, draft, new Set(['phone']))).toMatchObject({ phone: false });
  });

  it('reports an engine that throws on a complaint and goes on', () => {
    const broken = { ...env, catalog: { ...env.catalog, t: () => { throw new Error('no such text'); } } };
    const run = safeRun(tune[0]!, broken);
    expect(run.opened).toBe(false);
    expect(figures([run]).unknownSteps).toEqual(['engine threw: no such text']);
  });

  // The targets, on the part the rules are never tuned on. Soft: a failure lists every figure missed.
  it('meets the targets on the held-out part', () => {
    const { overall } = evaluateSplit('held-out', env);
    expect.soft(overall.unknownSteps, 'unknown steps').toEqual([]);
    expect.soft(overall.reachedShare, 'share reaching a case in <= 6 turns with category and severity right').toBeGreaterThanOrEqual(0.9);
    expect.soft(overall.categoryAccuracy, 'category accuracy').toBeGreaterThanOrEqual(0.95);
    expect.soft(overall.majorRecall, 'major recall').toBeGreaterThanOrEqual(0.95);
    expect.soft(overall.falseMajorRate, 'false-major rate').toBeLessThanOrEqual(0.05);
    expect.soft(overall.medianTurns, 'median turns').toBeLessThanOrEqual(6);
    expect.soft(overall.wordsLost, 'words lost').toBe(0);
  });
});
