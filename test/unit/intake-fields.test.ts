import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../support/engine.ts';

describe('fields read from the first message(s) are not asked again (pure engine)', () => {
  it('reads phone, order number and name; proposes the category; asks for details, remedy and consent only: summary in 4 more turns', () => {
    const d = new EngineDriver('zh-CN');
    d.say('我叫李明，昨晚在你们滨江店买的电饭煲，今天一用就跳闸，订单号202611150034，电话138-0013-8000（微信同号）');
    expect(d.state.intake!.draft).toMatchObject({ phone: '+8613800138000', orderRef: '202611150034', contactName: '李明' });
    expect(d.state.intake!.draft.whenWhere).toMatch(/^(昨晚|今天)（2026年11月/);
    expect(d.step).toBe('category');
    d.press(d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : []))[0]!.value);
    // Time and order number known: the details question is not asked at all.
    expect(d.step).toBe('desiredResolution');
    d.say('退款');
    expect(d.step).toBe('consent');
    expect(d.lastReply).toContain('（李明，138 0013 8000）');
    d.say('好的');
    expect(d.step).toBe('summary');
  });

  it.each([
    ['zh-CN', '我姓王，买的空调不制冷，师傅来了三次都没修好', '王'],
    ['zh-CN', '我叫周婷，收到的洗衣机外壳是凹的', '周婷'],
    ['en', 'Hi, this is Dave. The blender you sold me stopped working after two days.', 'Dave'],
    ['en', 'Sue here. The delivery was three days late and the box was soaked.', 'Sue'],
  ] as const)('reads the name in %s "%s"', (locale, text, name) => {
    const d = new EngineDriver(locale);
    d.say(text);
    expect(d.state.intake!.draft.contactName).toBe(name);
  });

  it('asks only "where" when the text had the time, and nothing when it also had the order number', () => {
    const d = new EngineDriver();
    d.say('Last Friday the courier left my parcel in the rain and the box was soaked through.');
    expect(d.state.intake!.draft.whenWhere).toMatch(/^Last Friday/);
    d.press('opt:delivery_installation');
    expect(d.step).toBe('details');
    expect(d.lastReply).toBe('If you have an order number or photos, please send them; if not, tap "Nothing more".');
  });

  it('reads Traditional Chinese as Simplified for every rule, and keeps the words as written', () => {
    const d = new EngineDriver('zh-CN');
    d.say('我姓林，冰箱門關不緊，一直發出警報聲，電話 0912-345-678');
    expect(d.state.intake!.draft.description).toBe('我姓林，冰箱門關不緊，一直發出警報聲，電話 0912-345-678');
    expect(d.state.intake!.draft.contactName).toBe('林');
    expect(d.state.intake!.proposal).toBe('product_quality');
  });

  it('switches to the language of the story, not of a greeting', () => {
    const d = new EngineDriver('en');
    d.say('我买的吹风机用了两天就坏了，没有风出来');
    expect(d.state.locale).toBe('zh-CN');
    const e = new EngineDriver('zh-CN');
    e.say('hi');
    expect(e.state.locale).toBe('zh-CN');
  });

  it('takes a remedy asked for in the story', () => {
    const d = new EngineDriver('zh-CN');
    d.say('买的耳机左耳没声音，我要退款，电话13800138000');
    expect(d.state.intake!.draft.desiredResolution).toBe('refund');
  });
});
