import { afterEach, describe, expect, it } from 'vitest';
import { readName, readNameAnswer, readNameDetail, readWhen, type FieldContext } from '../../src/understanding/fields.ts';

// Sunday 29 November 2026, 18:00 in Shanghai.
const ctx: FieldContext = { now: new Date('2026-11-29T10:00:00Z'), timezone: 'Asia/Shanghai', defaultRegion: 'CN' };

describe('readName', () => {
  it.each([
    ['我姓王', '王'],
    ['免贵姓欧阳', '欧阳'],
    ['我叫李明', '李明'],
    ['我叫李明，电话13800138000', '李明'],
    ['我叫王小明今天去你们店', '王小明'],
    ['我是李明', '李明'],
    ['我是王女士', '王女士'],
    ['我姓王，叫王强', '王强'],
    ['叫我小王就行', '小王'],
    ['我叫陳大文', '陳大文'],
    ['我姓陳', '陳'],
    ['我打了电话，叫了三次没人理，我叫李明', '李明'],
    ['this is Dave', 'Dave'],
    ['Hi, this is Dave from Pudong', 'Dave'],
    ['Dave here, my fridge broke', 'Dave'],
    ['Hello, Mary Ann here.', 'Mary Ann'],
    ['my name is dave smith', 'Dave Smith'],
    ['My name is Li Ming and my phone is 13800138000', 'Li Ming'],
    ['my name is 李明', '李明'],
    ['I’m Dave', 'Dave'],
    ['Sue here', 'Sue'],
    ['I am so angry. This is Sue.', 'Sue'],
  ])('%s → %s', (text, name) => {
    expect(readName(text)).toBe(name);
  });

  it.each([
    'I will sue you',
    'This is the second time',
    'this is ridiculous',
    "I'm very angry",
    'I am writing about my order',
    'nobody here answered',
    '我是顾客',
    '我是你们的老客户',
    '我是在你们店买的',
    '我是第二次投诉了',
    '老百姓的钱也是钱',
    'The fridge is leaking',
  ])('%s → no name', (text) => {
    expect(readName(text)).toBeUndefined();
  });

  it('says when only the family name is known', () => {
    expect(readNameDetail('我姓王')).toEqual({ name: '王', surnameOnly: true });
    expect(readNameDetail('我叫李明')).toEqual({ name: '李明', surnameOnly: false });
  });

  it('takes a bare name as the answer to the name question, not a sentence or a refusal', () => {
    expect(readNameAnswer('李明')).toBe('李明');
    expect(readNameAnswer('王女士。')).toBe('王女士');
    expect(readNameAnswer('dave smith')).toBe('Dave Smith');
    expect(readNameAnswer('Dave')).toBe('Dave');
    expect(readNameAnswer('我姓王')).toBe('王');
    expect(readNameAnswer('叫我小陈就行')).toBe('小陈');
    expect(readNameAnswer('陳大文')).toBe('陳大文');
    expect(readNameAnswer('I will sue you')).toBeUndefined();
    expect(readNameAnswer('不用了')).toBeUndefined();
    expect(readNameAnswer('好的')).toBeUndefined();
    expect(readNameAnswer('13800138000')).toBeUndefined();
  });
});

describe('readWhen', () => {
  afterEach(() => {
    delete process.env.TZ;
  });

  it.each([
    ['昨晚', '昨晚', '2026-11-28T14:00:00.000Z'],
    ['昨天晚上8点', '昨天晚上8点', '2026-11-28T12:00:00.000Z'],
    ['上周五', '上周五', '2026-11-27T04:00:00.000Z'],
    ['上週五壞的', '上週五', '2026-11-27T04:00:00.000Z'],
    ['上周五晚上8点左右', '上周五晚上8点', '2026-11-27T12:00:00.000Z'],
    ['今天下午三点', '今天下午三点', '2026-11-29T07:00:00.000Z'],
    ['3天前', '3天前', '2026-11-26T04:00:00.000Z'],
    ['周三送来的', '周三', '2026-11-25T04:00:00.000Z'],
    ['last Friday', 'last Friday', '2026-11-27T04:00:00.000Z'],
    ['yesterday around 8pm', 'yesterday around 8pm', '2026-11-28T12:00:00.000Z'],
    ['it broke last night', 'last night', '2026-11-28T14:00:00.000Z'],
    ['on Monday', 'on Monday', '2026-11-23T04:00:00.000Z'],
    ['we waited at 8pm', 'at 8pm', '2026-11-28T12:00:00.000Z'],
    ['it broke 2 weeks ago', '2 weeks ago', '2026-11-15T10:00:00.000Z'],
    ['1月5日就坏了', '1月5日', '2026-01-05T04:00:00.000Z'],
    ['the technician came on the 20th', 'on the 20th', '2026-11-20T04:00:00.000Z'],
    ['上周五在你们店买的电动车，今天早上充电的时候电池冒烟了', '今天早上', '2026-11-28T22:00:00.000Z'],
    ['我昨天在你們門市買的手機，回家就發現螢幕有亮點', '昨天', '2026-11-28T04:00:00.000Z'],
  ])('%s → %s at %s', (text, words, at) => {
    expect(readWhen(text, ctx)).toEqual({ text: words, at });
  });

  it.each([
    'bought it 2 weeks ago, it rattles',
    'Ordered on the 15th, still nothing',
    'she lay on the floor for 2 hours before I found her',
    '现在在医院',
    "now it won't start",
    'it beeps randomly at 3am',
    'I sat waiting for an hour',
    'sun damage on the screen',
    'in 10 minutes they left',
    '每天晚上十点都有噪音',
    '屏幕有一点问题', '有三点要说', '明天送货', 'They promised delivery tomorrow', 'the fridge is broken', '11月30日送到', '订单号202611150034'])(
    '%s → no time',
    (text) => {
      expect(readWhen(text, ctx)).toBeUndefined();
    },
  );

  it('takes the first past time, skipping a promise', () => {
    expect(readWhen('they said tomorrow, but it broke last Friday', ctx)?.text).toBe('last Friday');
  });

  it('reads relative to the policy zone, whatever the process zone is', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(readWhen('昨晚', ctx)?.at).toBe('2026-11-28T14:00:00.000Z');
    expect(readWhen('yesterday around 8pm', ctx)?.at).toBe('2026-11-28T12:00:00.000Z');
    // 01:00 on Monday in Shanghai is still Sunday evening in UTC: "yesterday" is Sunday there.
    const early = { ...ctx, now: new Date('2026-11-29T17:00:00Z') };
    expect(readWhen('yesterday at 8pm', early)?.at).toBe('2026-11-29T12:00:00.000Z');
    expect(readWhen('yesterday at 8pm', { ...early, timezone: 'UTC' })?.at).toBe('2026-11-28T20:00:00.000Z');
  });

  it('uses the offset of the day meant, across a daylight-saving change', () => {
    // New York left summer time on Sunday 1 November 2026.
    const monday = { ...ctx, now: new Date('2026-11-02T17:00:00Z'), timezone: 'America/New_York' };
    expect(readWhen('yesterday at 8pm', monday)?.at).toBe('2026-11-02T01:00:00.000Z');
    expect(readWhen('on October 30 at 8pm', monday)?.at).toBe('2026-10-31T00:00:00.000Z');
  });
});
