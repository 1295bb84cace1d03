import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnswerLexicon, matchOption, meansNone, readLeadingYesNo, readYesNo } from '../../src/understanding/answers.ts';

const lexicon = loadAnswerLexicon(join(import.meta.dirname, '../../prompts'));

const categories = [
  { value: 'product_quality', labels: ['Product quality', '产品质量'] },
  { value: 'service_attitude', labels: ['Service attitude', '服务态度'] },
  { value: 'price_billing', labels: ['Price or billing', '价格或收费'] },
  { value: 'delivery_installation', labels: ['Delivery or installation', '送货或安装'] },
  { value: 'after_sales_repair', labels: ['After-sales repair', '售后维修'] },
  { value: 'other', labels: ['Something else', '其他'] },
];
const resolutions = [
  { value: 'refund', labels: ['Refund', '退款'] },
  { value: 'replacement', labels: ['Replacement', '换货'] },
  { value: 'repair', labels: ['Repair', '维修'] },
  { value: 'compensation', labels: ['Compensation', '赔偿'] },
  { value: 'apology', labels: ['Apology', '道歉'] },
  { value: 'other', labels: ['Something else', '其他'] },
];

describe('readYesNo', () => {
  it.each([
    '好的', '好', '可以', '可以的', '行', '嗯', '嗯嗯', '对', '对的', '是的', '没问题，提交吧', '没问题', '好的，谢谢！', '可以。', '行吧',
    '同意', '我同意', '确认提交', 'ok', 'OK!', 'Ok thanks', 'sure', 'Sure.', 'yes please', 'Yes, please!', 'yep', 'yup', 'looks good',
    'Looks good 👍', '👍', 'that’s right', 'go ahead', 'no problem', 'No problem!', 'ＯＫ', '好的😊', '是的。', 'ok的', 'OK啦', '好的ok',
  ])('%s → yes', (text) => {
    expect(readYesNo(text, lexicon)).toBe('yes');
  });

  it.each(['不', '不用', '不用了，谢谢', '没有', '不要', '不是', '不对', '不同意', 'no', 'No.', 'nope', 'no thanks', 'No, thank you!', 'nah', '不行！', '算了吧'])(
    '%s → no',
    (text) => {
      expect(readYesNo(text, lexicon)).toBe('no');
    },
  );

  it('reads Traditional Chinese answers', () => {
    expect(readYesNo('好的，謝謝', lexicon)).toBe('yes');
    expect(readYesNo('對', lexicon)).toBe('yes');
    expect(readYesNo('沒問題，提交吧', lexicon)).toBe('yes');
    expect(readYesNo('不對', lexicon)).toBe('no');
    expect(readYesNo('不用了', lexicon)).toBe('no');
    expect(readYesNo('確認送出', lexicon)).toBe('yes');
    expect(meansNone('沒有拍照', lexicon)).toBe(true);
    expect(meansNone('沒有訂單編號', lexicon)).toBe(true);
  });

  it.each([
    'no one was hurt but the fridge is broken',
    'No, the fridge is still leaking and nobody came',
    '我昨天买的冰箱不制冷',
    '不是我说，你们这个服务太差了',
    'yesterday',
    'notebook',
    'okay so the thing is my order never arrived',
    'yes and no',
    '好的不要',
    '',
    '   ',
    '13800138000',
  ])('%s → undefined (a story, a mixed answer or not an answer)', (text) => {
    expect(readYesNo(text, lexicon)).toBeUndefined();
  });
});

describe('readLeadingYesNo', () => {
  it('reads a yes or no that opens a longer answer, and gives the rest', () => {
    expect(readLeadingYesNo('不是，是产品质量问题', lexicon)).toEqual({ answer: 'no', rest: '是产品质量问题' });
    expect(readLeadingYesNo('No, the fridge is still leaking', lexicon)).toEqual({ answer: 'no', rest: 'the fridge is still leaking' });
    expect(readLeadingYesNo('對，就是送貨太慢', lexicon)).toEqual({ answer: 'yes', rest: '就是送貨太慢' });
    expect(readLeadingYesNo('No problem, but please hurry', lexicon)).toEqual({ answer: 'yes', rest: 'but please hurry' });
  });

  it('finds nothing in a story or a bare answer', () => {
    expect(readLeadingYesNo('no one was hurt, but the TV is broken', lexicon)).toBeUndefined();
    expect(readLeadingYesNo('好的', lexicon)).toBeUndefined();
    expect(readLeadingYesNo('好的。', lexicon)).toBeUndefined();
    expect(readLeadingYesNo('the TV is broken, no', lexicon)).toBeUndefined();
  });
});

describe('meansNone', () => {
  it.each(['no', 'No.', 'none', 'nothing', '没有', '没有订单号', '没订单号', '不记得了', '不记得', '没拍', '没拍照片', 'no photos', 'No photo, sorry',
    "I don't have it", 'I don’t have it', "don't have one", 'I do not have an order number', 'n/a', 'skip', '跳过', '無', '沒有訂單號', '忘了', '找不到了'])(
    '%s → none',
    (text) => {
      expect(meansNone(text, lexicon)).toBe(true);
    },
  );

  it.each(['202611150034', '#A123456', '订单号是XX20261101-88', 'no photos but I have the receipt', '没有订单号但是有发票', 'I have it here', '有', 'yes', '好的'])(
    '%s → not none',
    (text) => {
      expect(meansNone(text, lexicon)).toBe(false);
    },
  );
});

describe('matchOption', () => {
  it('chooses a category by label or synonym, in either language', () => {
    expect(matchOption('产品质量问题', 'category', categories, lexicon)).toBe('product_quality');
    expect(matchOption('product', 'category', categories, lexicon)).toBe('product_quality');
    expect(matchOption('Product quality', 'category', categories, lexicon)).toBe('product_quality');
    expect(matchOption('送货', 'category', categories, lexicon)).toBe('delivery_installation');
    expect(matchOption('it is about the delivery', 'category', categories, lexicon)).toBe('delivery_installation');
    expect(matchOption('售後維修', 'category', categories, lexicon)).toBe('after_sales_repair');
    expect(matchOption('服务质量差', 'category', categories, lexicon)).toBe('service_attitude');
  });

  it('chooses a resolution', () => {
    expect(matchOption('换货吧', 'desiredResolution', resolutions, lexicon)).toBe('replacement');
    expect(matchOption('a replacement please', 'desiredResolution', resolutions, lexicon)).toBe('replacement');
    expect(matchOption('I want my money back', 'desiredResolution', resolutions, lexicon)).toBe('refund');
    expect(matchOption('退款', 'desiredResolution', resolutions, lexicon)).toBe('refund');
    expect(matchOption('希望赔偿', 'desiredResolution', resolutions, lexicon)).toBe('compensation');
    expect(matchOption('換貨', 'desiredResolution', resolutions, lexicon)).toBe('replacement');
    expect(matchOption('我要退費', 'desiredResolution', resolutions, lexicon)).toBe('refund');
    expect(matchOption('換一台新的', 'desiredResolution', resolutions, lexicon)).toBe('replacement');
    expect(matchOption('請派人來修', 'desiredResolution', resolutions, lexicon)).toBe('repair');
    expect(matchOption('至少道个歉吧', 'desiredResolution', resolutions, lexicon)).toBe('apology');
    expect(matchOption('get it repaired properly', 'desiredResolution', resolutions, lexicon)).toBe('repair');
  });

  it('matches English on word boundaries', () => {
    expect(matchOption('billiard table', 'category', categories, lexicon)).toBeUndefined();
    expect(matchOption('the bill is wrong', 'category', categories, lexicon)).toBe('price_billing');
    expect(matchOption('unrefundable', 'desiredResolution', resolutions, lexicon)).toBeUndefined();
  });

  it('refuses an ambiguous answer and one that names no option', () => {
    expect(matchOption('refund or replacement', 'desiredResolution', resolutions, lexicon)).toBeUndefined();
    expect(matchOption('退款或者换货都行', 'desiredResolution', resolutions, lexicon)).toBeUndefined();
    expect(matchOption('hello', 'category', categories, lexicon)).toBeUndefined();
    expect(matchOption('', 'category', categories, lexicon)).toBeUndefined();
  });

  it('uses labels even for a field the lexicon does not know', () => {
    expect(matchOption('blue please', 'colour', [{ value: 'blue', labels: ['Blue'] }, { value: 'red', labels: ['Red'] }], lexicon)).toBe('blue');
  });
});

describe('loadAnswerLexicon', () => {
  function promptsWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'hearken-answers-'));
    for (const [locale, content] of Object.entries(files)) {
      mkdirSync(join(dir, locale));
      writeFileSync(join(dir, locale, 'answers.json'), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return dir;
  }

  it('merges every locale, folded', () => {
    const dir = promptsWith({
      en: { yes: ['Yes'], no: ['no'], none: ['none'], options: { category: { other: ['Other'] } } },
      'zh-TW': { yes: ['對'], no: ['不'], none: ['沒有'], options: { category: { other: ['其他'] } } },
    });
    const merged = loadAnswerLexicon(dir);
    expect(merged.yes).toEqual(['yes', '对']);
    expect(merged.none).toEqual(['none', '没有']);
    expect(merged.options.category!.other).toEqual(['other', '其他']);
  });

  it('names the file and the field of a broken file', () => {
    const badField = promptsWith({ en: { yes: ['yes'], no: 'no', none: [] } });
    expect(() => loadAnswerLexicon(badField)).toThrow(/en[/\\]answers\.json: no: /);
    const badJson = promptsWith({ en: '{ "yes": [' });
    expect(() => loadAnswerLexicon(badJson)).toThrow(/en[/\\]answers\.json: not valid JSON/);
    const badValue = promptsWith({ en: { yes: [], no: [], none: [], options: { category: { 'Bad Value': ['x'] } } } });
    expect(() => loadAnswerLexicon(badValue)).toThrow(/answers\.json: options\.category\.Bad Value/);
    expect(() => loadAnswerLexicon(mkdtempSync(join(tmpdir(), 'hearken-empty-')))).toThrow(/no <locale>\/answers\.json/);
    const withoutAnswers = promptsWith({ en: { yes: ['yes'], no: ['no'], none: ['none'] } });
    mkdirSync(join(withoutAnswers, 'ja'));
    writeFileSync(join(withoutAnswers, 'ja', 'messages.json'), '{}');
    expect(() => loadAnswerLexicon(withoutAnswers)).toThrow(/ja[/\\]answers\.json: missing/);
  });
});
