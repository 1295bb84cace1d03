import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../support/engine.ts';

const STORY = { en: 'The courier threw my parcel over the fence and the screen cracked. Call me on +86 138 0013 8000.', 'zh-CN': '快递员把包裹从围栏上扔进来，平板屏幕摔裂了，我叫李明，电话13800138000' } as const;

/** Story with name and phone, category, no details, a remedy: the consent question (a yes/no) is next. */
function toConsent(locale: 'en' | 'zh-CN', name = true) {
  const d = new EngineDriver(locale);
  d.say(name || locale === 'en' ? STORY[locale] : '快递员把包裹从围栏上扔进来，平板屏幕摔裂了，电话13800138000');
  d.press('opt:delivery_installation');
  d.press('cmd:skip');
  d.press('opt:refund');
  if (locale === 'en' && name) {
    expect(d.step).toBe('consent');
    d.state.intake!.draft.contactName = 'Sam Lee';
  }
  return d;
}

describe('typed answers are understood (pure engine)', () => {
  it.each([
    ['zh-CN', '好的'],
    ['zh-CN', '可以的'],
    ['zh-CN', '行'],
    ['zh-CN', '嗯'],
    ['zh-CN', '是的'],
    ['en', 'sure'],
    ['en', 'yes please'],
    ['en', 'ok'],
    ['en', 'yep'],
  ] as const)('consent %s "%s" is a yes', (locale, words) => {
    const d = toConsent(locale);
    expect(d.step).toBe('consent');
    d.say(words);
    expect(d.state.intake!.draft.consent).toBe(true);
    expect(d.step).toBe('summary');
  });

  it.each([
    ['zh-CN', '不用'],
    ['zh-CN', '不'],
    ['en', 'no'],
    ['en', 'nope'],
  ] as const)('consent %s "%s" is a no: the case opens without contact details', (locale, words) => {
    const d = toConsent(locale);
    d.say(words);
    expect(d.state.intake!.draft.consent).toBe(false);
    expect(d.step).toBe('summary');
    d.press('cmd:confirm');
    const open = d.last.effects.find((e) => e.type === 'open-case');
    expect(open).toMatchObject({ draft: { consent: false } });
    expect(open && open.type === 'open-case' && open.draft.phone).toBeUndefined();
  });

  it.each([
    ['zh-CN', '没问题，提交吧'],
    ['zh-CN', '确认'],
    ['zh-CN', '好的'],
    ['en', 'looks good'],
    ['en', 'yes'],
    ['en', 'sure'],
  ] as const)('summary %s "%s" submits', (locale, words) => {
    const d = toConsent(locale);
    d.press('consent:yes');
    expect(d.step).toBe('summary');
    d.say(words);
    expect(d.last.effects.some((e) => e.type === 'open-case')).toBe(true);
  });

  it.each([
    ['zh-CN', '没有'],
    ['zh-CN', '没有订单号'],
    ['zh-CN', '不记得了'],
    ['zh-CN', '没拍'],
    ['en', 'no'],
    ['en', 'none'],
    ['en', "I don't have it"],
    ['en', 'no photos'],
  ] as const)('an optional question answered %s "%s" is skipped, nothing stored', (locale, words) => {
    const d = new EngineDriver(locale);
    d.say(STORY[locale]);
    d.press('opt:delivery_installation');
    expect(d.step).toBe('details');
    d.say(words);
    expect(d.step).toBe('desiredResolution');
    expect(d.state.intake!.draft).toMatchObject({ whenWhere: null, orderRef: null, detailsDone: true });
    expect(d.state.intake!.draft.description).toBe(STORY[locale]);
  });

  it.each([
    ['zh-CN', '换货吧', 'replacement'],
    ['zh-CN', '退钱', 'refund'],
    ['zh-CN', '至少道个歉吧', 'apology'],
    ['en', 'a replacement please', 'replacement'],
    ['en', 'I want my money back', 'refund'],
  ] as const)('an option is chosen by its label or a synonym: %s "%s"', (locale, words, value) => {
    const d = new EngineDriver(locale);
    d.say(STORY[locale]);
    d.press('opt:delivery_installation');
    d.press('cmd:skip');
    d.say(words);
    expect(d.state.intake!.draft.desiredResolution).toBe(value);
  });

  it.each([
    ['zh-CN', '产品质量问题', 'product_quality'],
    ['en', 'product', 'product_quality'],
    ['en', 'it was the delivery', 'delivery_installation'],
  ] as const)('a category is chosen by its words: %s "%s"', (locale, words, value) => {
    const d = new EngineDriver(locale);
    d.say(locale === 'en' ? 'Something went wrong and nobody helped me at all.' : '出了问题，一直没有人帮我处理，太让人生气了');
    d.say(words);
    expect(d.state.intake!.draft.category).toBe(value);
  });

  it.each([
    ['zh-CN', '不是，是产品质量问题', 'product_quality'],
    ['en', "no, it's the product itself", 'product_quality'],
  ] as const)('a wrong proposal corrected in words picks the named category: %s "%s"', (locale, words, value) => {
    const d = new EngineDriver(locale);
    d.say(locale === 'en' ? 'The courier threw my parcel over the fence and the screen cracked.' : '快递员把包裹从围栏上扔进来，放在门口就走了');
    expect(d.state.intake!.proposal).toBe('delivery_installation');
    d.say(words);
    expect(d.state.intake!.draft.category).toBe(value);
  });

  it('a plain "no" to the proposal asks the category question without it', () => {
    const d = new EngineDriver('zh-CN');
    d.say('快递员把包裹从围栏上扔进来，平板屏幕摔裂了');
    d.say('不对');
    expect(d.step).toBe('category');
    expect(d.state.intake!.proposal).toBeUndefined();
    expect(d.lastReply).toBe('请问您的投诉属于哪一类？');
  });

  it('does not take a number for an option: the buttons show none', () => {
    const d = new EngineDriver();
    d.say(STORY.en);
    d.press('opt:delivery_installation');
    d.press('cmd:skip');
    d.say('2');
    expect(d.step).toBe('desiredResolution');
    expect(d.state.intake!.draft.desiredResolution).toBeUndefined();
  });

  it('keeps all-digit order numbers and suffixes', () => {
    for (const [text, orderRef] of [
      ['订单 202611150034', '202611150034'],
      ['订单号：XX20261101-88', 'XX20261101-88'],
      ['#A123456', 'A123456'],
      ['order 2026111500341', '2026111500341'],
    ] as const) {
      const d = new EngineDriver('zh-CN');
      d.say(STORY['zh-CN']);
      d.press('opt:delivery_installation');
      d.say(text);
      expect(d.state.intake!.draft.orderRef, text).toBe(orderRef);
    }
  });

  it('accepts a contact with a remark around it', () => {
    const d = new EngineDriver('zh-CN');
    d.say('快递员把包裹从围栏上扔进来，平板屏幕摔裂了');
    d.press('opt:delivery_installation');
    d.press('cmd:skip');
    d.press('opt:refund');
    expect(d.step).toBe('consent');
    d.say('王小明 138-0013-8000（微信同号）');
    expect(d.state.intake!.draft).toMatchObject({ consent: true, contactName: '王小明', phone: '+8613800138000' });
    expect(d.step).toBe('summary');
  });
});

describe('a remedy named at the details question', () => {
  it.each([
    ['zh-CN', '退錢', 'refund'],
    ['zh-CN', '换货吧', 'replacement'],
    ['en', 'a refund please', 'refund'],
  ] as const)('%s "%s" is taken as the desired resolution, not as the time and place', (locale, words, remedy) => {
    const d = new EngineDriver(locale);
    d.say(STORY[locale]);
    d.press('opt:delivery_installation');
    expect(d.step).toBe('details');
    d.say(words);
    expect(d.state.intake!.draft.desiredResolution).toBe(remedy);
    expect(d.state.intake!.draft.whenWhere ?? null).toBeNull();
    expect(d.step).not.toBe('desiredResolution');
  });
});
