import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../support/engine.ts';

const choices = (d: EngineDriver) => d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : [])).map((c) => c.value);
const opened = (d: EngineDriver) => d.last.effects.find((e) => e.type === 'open-case');

/** Story, category and details answered: the remedy question is next. */
function toRemedy(d: EngineDriver) {
  d.say('The courier threw my parcel over the fence and the screen cracked.');
  d.press('opt:delivery_installation');
  d.press('cmd:skip');
  expect(d.step).toBe('desiredResolution');
}

describe('nothing the customer writes is lost or misfiled (pure engine)', () => {
  it('keeps both halves of a complaint sent as two messages, and asks the pending question again', () => {
    const d = new EngineDriver('zh-CN');
    d.say('我妈妈七十多岁了，在你们店里被店员推了一下');
    expect(d.step).toBe('category');
    d.say('差点摔倒，幸好没受伤，但是老人家吓坏了，这是什么服务态度');
    expect(d.step).toBe('category');
    expect(d.state.intake!.draft.category).toBeUndefined();
    expect(d.state.intake!.draft.description).toBe('我妈妈七十多岁了，在你们店里被店员推了一下\n差点摔倒，幸好没受伤，但是老人家吓坏了，这是什么服务态度');
    expect(d.lastReply).toMatch(/^这段内容我已补充到您的投诉里。/);
    expect(d.lastReply).not.toContain('按钮');
    expect(d.state.intake!.misses).toBe(0);
  });

  it('keeps story text typed at any button question (here the consent question) and asks it again', () => {
    const d = new EngineDriver();
    toRemedy(d);
    d.press('opt:refund');
    expect(d.step).toBe('consent');
    d.say('Also the delivery man was smoking right next to my door and ignored me completely.');
    expect(d.step).toBe('consent');
    expect(d.state.intake!.draft.consent).toBeUndefined();
    expect(d.state.intake!.draft.description).toContain('the delivery man was smoking');
    expect(choices(d)).toEqual(['consent:no']);
  });

  it('keeps an order number typed at a button question, never refusing it', () => {
    const d = new EngineDriver('zh-CN');
    d.say('你好');
    d.say('我在你们网店买的蓝牙耳机，左耳没有声音');
    expect(d.step).toBe('category');
    d.say('订单号是XX20261101-88');
    expect(d.step).toBe('category');
    expect(d.state.intake!.draft.orderRef).toBe('XX20261101-88');
    expect(d.state.intake!.draft.description).toContain('订单号是XX20261101-88');
  });

  it('replaces a field edited at the summary instead of adding to it', () => {
    const d = new EngineDriver();
    toRemedy(d);
    d.press('opt:refund');
    d.say('Bob Stone bob@example.com');
    expect(d.step).toBe('summary');
    d.press('cmd:edit');
    d.press('edit:contact');
    expect(d.step).toBe('contact');
    d.say('+44 20 7946 0958');
    expect(d.step).toBe('summary');
    expect(d.state.intake!.draft).toMatchObject({ phone: '+442079460958', contactName: 'Bob Stone' });
    expect(d.state.intake!.draft.email).toBeUndefined();
    d.press('cmd:edit');
    d.press('edit:description');
    d.say('The parcel was thrown over the fence; the tablet screen is cracked.');
    expect(d.state.intake!.draft.description).toBe('The parcel was thrown over the fence; the tablet screen is cracked.');
  });

  it('starts a new intake after "cancel" or "new" even with a case open, never adding to the old case', () => {
    for (const command of ['cancel', 'new']) {
      const d = new EngineDriver();
      d.state = { v: 1, locale: 'en', activeCase: { id: 3, number: 'C-2026-000003' } };
      d.say(command);
      if (command === 'new') d.say('cancel');
      d.say('The new fridge I bought last week is leaking water all over the floor.');
      expect(d.last.effects.some((e) => e.type === 'append-to-case')).toBe(false);
      expect(d.step).toBe('category');
      expect(d.state.intake!.draft.description).toBe('The new fridge I bought last week is leaking water all over the floor.');
      expect(d.state.startFresh).toBeUndefined();
    }
  });

  it('stores an e-mail written in brackets without them', () => {
    for (const written of ['(name@example.org)', '（name@example.org）', '<name@example.org>', '[name@example.org]']) {
      const d = new EngineDriver();
      d.say(`The installer broke my wall tiles, write to me ${written}.`);
      expect(d.state.intake!.draft.email).toBe('name@example.org');
    }
  });

  it('offers "skip" only where skipping is allowed, and says so clearly when it is not', () => {
    const d = new EngineDriver();
    d.say('The courier threw my parcel over the fence and the screen cracked.');
    expect(choices(d)).not.toContain('cmd:skip');
    d.say('skip');
    expect(d.step).toBe('category');
    expect(d.lastReply).toMatch(/^This question can't be skipped/);
    expect(d.state.intake!.misses).toBe(0);
    d.press('opt:delivery_installation');
    expect(choices(d)).toEqual(['cmd:skip']);
    d.say('skip');
    expect(d.step).toBe('desiredResolution');
    expect(choices(d)).not.toContain('cmd:skip');
    d.press('opt:repair');
    expect(choices(d)).not.toContain('cmd:skip');
  });

  it('opens the case with everything: a complaint told in three messages reaches the case whole', () => {
    const d = new EngineDriver();
    d.say('hi, I have a problem with my order');
    d.say("it hasn't arrived, it's been 2 weeks");
    d.say('order number is 202611150034');
    d.press('opt:delivery_installation');
    d.say('to my office in Pudong, no photos');
    d.say('I want my money back');
    d.say('Linda Wu linda@example.com');
    d.say('correct');
    const draft = (opened(d) as Extract<ReturnType<typeof opened>, { type: 'open-case' }>).draft;
    expect(draft.description).toBe("hi, I have a problem with my order\nit hasn't arrived, it's been 2 weeks\norder number is 202611150034");
    expect(draft).toMatchObject({ orderRef: '202611150034', whenWhere: 'to my office in Pudong, no photos', desiredResolution: 'refund', contactName: 'Linda Wu', email: 'linda@example.com', consent: true });
  });
});
