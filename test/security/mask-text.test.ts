import { describe, expect, it } from 'vitest';
import { maskContactsInText } from '../../src/privacy/mask.ts';

/** Issue 19, item 8: phones and e-mails inside free text are masked before staff see it; order numbers and dates are not. */
describe('masking contacts inside free text', () => {
  it('masks phone numbers in Chinese and English text, with and without country codes and separators', () => {
    expect(maskContactsInText('我的电话是13800138000，请联系')).toBe('我的电话是138****8000，请联系');
    expect(maskContactsInText('联系我：138-0013-8000')).toBe('联系我：138****8000');
    expect(maskContactsInText('tel 138 0013 8000.')).toBe('tel 138****8000.');
    expect(maskContactsInText('call +44 20 7946 0958 or 010-12345678')).toBe('call +442*****0958 or 010****5678');
  });

  it('masks a long digit run the phone library does not recognise', () => {
    expect(maskContactsInText('my other number is 99912345678901')).toBe('my other number is 999*******8901');
  });

  it('masks e-mail addresses', () => {
    expect(maskContactsInText('邮箱alice@example.com谢谢')).toBe('邮箱a***@example.com谢谢');
    expect(maskContactsInText('write to bob.smith+x@mail.example.co.uk!')).toBe('write to b***@mail.example.co.uk!');
  });

  it('leaves order numbers after 订单 / order / # and codes glued to letters alone', () => {
    for (const text of ['订单号XX20261101-88 已签收', '订单202611150034还没到', 'order #202611150034', 'Order: 202611150034 arrived', 'order number 202611150034', '#202611150034', '单号 202611150034']) {
      expect(maskContactsInText(text)).toBe(text);
    }
  });

  it('leaves dates, times, amounts and short numbers alone', () => {
    const text = 'On 2026-11-01 at 10:30 I paid 1299 yuan for model 5500, receipt 12/11/2026';
    expect(maskContactsInText(text)).toBe(text);
  });

  it('masks a phone next to an order number, and only the phone', () => {
    expect(maskContactsInText('订单202611150034，电话13800138000')).toBe('订单202611150034，电话138****8000');
  });
});
