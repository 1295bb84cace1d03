import { describe, expect, it } from 'vitest';
import { extractFields, fieldContext, readContact, readEmail, readOrderRef, readOrderRefAnswer, readPhone, type FieldContext } from '../../src/understanding/fields.ts';
import { parsePolicy, PolicyError } from '../../src/policy.ts';

// Sunday 29 November 2026, 18:00 in Shanghai.
const ctx: FieldContext = { now: new Date('2026-11-29T10:00:00Z'), timezone: 'Asia/Shanghai', defaultRegion: 'CN' };

describe('readPhone', () => {
  it.each([
    ['138-0013-8000（微信同号）', '+8613800138000'],
    ['13800138000', '+8613800138000'],
    ['电话13800138000，白天打', '+8613800138000'],
    ['手机：１３９ １２３４ ５６７８', '+8613912345678'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['13800138000微信同号', '+8613800138000'],
    ['010-12345678', '+861012345678'],
    ['call me on +1 415-555-2671 after 6', '+14155552671'],
    ['手機 138 0013 8000', '+8613800138000'],
  ])('%s → %s', (text, phone) => {
    expect(readPhone(text, 'CN')).toBe(phone);
  });

  it('reads local numbers by the region given', () => {
    expect(readPhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it.each(['订单号202611150034', '2026-11-15', '12345', '13800138000@163.com', 'no phone here', 'XX20261101-88'])('%s → no phone', (text) => {
    expect(readPhone(text, 'CN')).toBeUndefined();
  });

  it('does not fail on a region it does not know', () => {
    expect(readPhone('13800138000', 'ZZ')).toBeUndefined();
  });
});

describe('readEmail', () => {
  it.each([
    ['(name@example.org)', 'name@example.org'],
    ['<Name@Example.ORG>', 'name@example.org'],
    ['邮箱：wang@qq.com。', 'wang@qq.com'],
    ['mail me at a.b+c@x.co.uk.', 'a.b+c@x.co.uk'],
    ['郵箱：ｗａｎｇ＠ｑｑ．ｃｏｍ', 'wang@qq.com'],
    ['"dave@example.org",', 'dave@example.org'],
  ])('%s → %s', (text, email) => {
    expect(readEmail(text)).toBe(email);
  });

  it.each(['name@example', '@example.org', 'no e-mail', 'a @ b . com'])('%s → no e-mail', (text) => {
    expect(readEmail(text)).toBeUndefined();
  });
});

describe('readOrderRef', () => {
  it.each([
    ['订单号：202611150034', '202611150034'],
    ['订单号202611150034', '202611150034'],
    ['訂單號：202611150034', '202611150034'],
    ['订单XX20261101-88', 'XX20261101-88'],
    ['my order XX20261101-88 never came', 'XX20261101-88'],
    ['#A123456', 'A123456'],
    ['#123456', '123456'],
    ['order #123456', '123456'],
    ['Order no. 12345678', '12345678'],
    ['my order number is 202611150034.', '202611150034'],
    ['单号JD2026111500341，', 'JD2026111500341'],
    ['(ord-123456)', 'ORD-123456'],
    ['订单号 13800138000', '13800138000'],
  ])('%s → %s', (text, ref) => {
    expect(readOrderRef(text)).toBe(ref);
  });

  it.each(['202611150034', '13800138000', 'TEL13800138000', 'A123456@qq.com', '2026-11-15', 'my RTX4090 broke', '订单金额 123456 元', 'order 123', 'iPhone15'])(
    '%s → no order number',
    (text) => {
      expect(readOrderRef(text)).toBeUndefined();
    },
  );

  it('uses a policy pattern instead, keeping group 1', () => {
    expect(readOrderRef('ref: ab-99', String.raw`ref:\s*([a-z]{2}-\d+)`)).toBe('AB-99');
    expect(readOrderRef('XX20261101-88', String.raw`ref:\s*([a-z]{2}-\d+)`)).toBeUndefined();
  });

  it('is the shipped default, and the policy compiles it', () => {
    const policy = parsePolicy({});
    expect(readOrderRef('订单XX20261101-88', policy.intake.orderRefPattern)).toBe('XX20261101-88');
    expect(policy.intake.phoneRegion).toBe('CN');
  });

  it('takes a bare number sent alone as the answer to the order question, but not a phone', () => {
    expect(readOrderRefAnswer('202611150034')).toBe('202611150034');
    expect(readOrderRefAnswer(' 202611150034。')).toBe('202611150034');
    expect(readOrderRefAnswer('13800138000')).toBeUndefined();
    expect(readOrderRefAnswer('5521889034')).toBe('5521889034');
    expect(readOrderRefAnswer('12345')).toBeUndefined();
    expect(readOrderRefAnswer('订单号是XX20261101-88')).toBe('XX20261101-88');
  });
});

describe('readContact', () => {
  it('reads a phone, an e-mail or both from a contact answer', () => {
    expect(readContact('my number is 186 0000 1234', 'CN')).toEqual({ phone: '+8618600001234' });
    expect(readContact('(name@example.org)', 'CN')).toEqual({ email: 'name@example.org' });
    expect(readContact('13800138000 / 13800138000@163.com', 'CN')).toEqual({ phone: '+8613800138000', email: '13800138000@163.com' });
    expect(readContact('call me', 'CN')).toEqual({});
  });
});

describe('fieldContext', () => {
  it('takes the zone, region and order pattern from the policy', () => {
    const policy = parsePolicy({ timezone: 'Asia/Shanghai', intake: { phoneRegion: 'HK' } });
    const now = new Date('2026-11-29T10:00:00Z');
    expect(fieldContext(policy, now)).toEqual({ now, timezone: 'Asia/Shanghai', defaultRegion: 'HK', orderRefPattern: policy.intake.orderRefPattern });
    expect(extractFields('call 9123 4567', fieldContext(policy, now)).phone).toBe('+85291234567');
  });

  it('refuses a region that is not a two-letter code', () => {
    expect(() => parsePolicy({ intake: { phoneRegion: 'china' } })).toThrow(PolicyError);
    expect(() => parsePolicy({ intake: { phoneRegion: 'china' } })).toThrow(/intake\.phoneRegion/);
  });
});

describe('extractFields', () => {
  it('reads every field from a Chinese story, none overlapping', () => {
    const fields = extractFields('我姓王，昨晚在你们店买的冰箱坏了，订单号202611150034，电话138-0013-8000（微信同号），邮箱 wang13800138000@qq.com', ctx);
    expect(fields).toEqual({
      name: '王',
      orderRef: '202611150034',
      phone: '+8613800138000',
      email: 'wang13800138000@qq.com',
      when: { text: '昨晚', at: '2026-11-28T14:00:00.000Z' },
    });
  });

  it('reads every field from an English story', () => {
    const fields = extractFields('Hi, Dave here. Order XX20261101-88 arrived broken last Friday. Call me on 13800138000 or (dave@example.org)', ctx);
    expect(fields).toEqual({
      name: 'Dave',
      orderRef: 'XX20261101-88',
      phone: '+8613800138000',
      email: 'dave@example.org',
      when: { text: 'last Friday', at: '2026-11-27T04:00:00.000Z' },
    });
  });

  it('reads Traditional Chinese', () => {
    const fields = extractFields('我叫陳大文，上週五送來的電視壞了，訂單號：202611150034，電話 13800138000', ctx);
    expect(fields.name).toBe('陳大文');
    expect(fields.orderRef).toBe('202611150034');
    expect(fields.phone).toBe('+8613800138000');
    expect(fields.when?.at).toBe('2026-11-27T04:00:00.000Z');
  });

  it('does not read an e-mail digits as an order or a phone, nor an order number as a phone or a date', () => {
    expect(extractFields('my email is 13800138000@163.com', ctx)).toEqual({ email: '13800138000@163.com' });
    expect(extractFields('订单号 13800138000 一直没发货', ctx)).toEqual({ orderRef: '13800138000' });
    expect(extractFields('order #20261115 never came', ctx)).toEqual({ orderRef: '20261115' });
  });

  it('gives an unlabelled phone-looking number to the phone', () => {
    expect(extractFields('TEL13800138000', ctx)).toEqual({ phone: '+8613800138000' });
  });

  it('reads nothing from a story without fields', () => {
    expect(extractFields('The fridge is leaking and I will sue you', ctx)).toEqual({});
    expect(extractFields('屏幕有一点问题', ctx)).toEqual({});
  });

  it('uses the policy pattern', () => {
    expect(extractFields('ref: ab-99, phone 13800138000', { ...ctx, orderRefPattern: String.raw`ref:\s*([a-z]{2}-\d+)` })).toEqual({
      orderRef: 'AB-99',
      phone: '+8613800138000',
    });
  });
});
