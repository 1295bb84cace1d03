import { describe, expect, it } from 'vitest';
import { customerMessage } from '../../src/cases/customer-message.ts';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { EngineDriver } from '../support/engine.ts';

const missed = (overrides: Partial<Extract<ConversationEvent, { type: 'deadline-missed' }>> = {}): ConversationEvent => ({
  type: 'deadline-missed',
  caseId: 7,
  caseNumber: 'C-2026-000007',
  deadline: 'first_response',
  newExpectation: '2026-11-03T09:00:00Z',
  ...overrides,
});

describe('a deadline breach, as the engine tells the customer', () => {
  it('renders the notice from the prompt catalogue in the conversation’s language, about the breached case', () => {
    const en = new EngineDriver('en');
    const result = en.send(missed());
    expect(result.effects).toEqual([{ type: 'reply', caseId: 7, message: { text: expect.stringMatching(/^We're sorry: we have not answered your case C-2026-000007 within the time we promised\. The reason: it needs more time than planned to investigate\. .+ by /) } }]);
    expect(en.send(missed({ deadline: 'resolution' })).effects[0]).toMatchObject({ message: { text: expect.stringMatching(/^We're sorry: we have not resolved your case C-2026-000007 .+ expect to resolve it by /) } });

    const zh = new EngineDriver('zh-CN');
    expect(zh.send(missed()).effects[0]).toMatchObject({ caseId: 7, message: { text: expect.stringMatching(/^非常抱歉：我们未能在承诺的时间内答复您的投诉（投诉单号 C-2026-000007）。原因：调查需要比预期更长的时间。/) } });
  });

  it('writes Traditional to a customer who writes Traditional, and leaves the conversation as it was', () => {
    const zh = new EngineDriver('zh-CN');
    zh.say('我要投訴，你們的服務員態度很差');
    const before = structuredClone(zh.state);
    expect(before.traditional).toBe(true);
    const result = zh.send(missed({ caseId: 99, caseNumber: 'C-2026-000099' }));
    expect(result.effects).toHaveLength(1);
    expect(result.effects[0]).toMatchObject({ type: 'reply', caseId: 99, message: { text: expect.stringContaining('非常抱歉：我們未能在承諾的時間內答覆您的投訴（投訴單號 C-2026-000099）') } });
    expect(result.state).toEqual(before);
  });
});

describe('the outbox row of a message to a customer', () => {
  const customer = { id: 3, channel: 'telegram', external_id: '42', address: { chatId: 42 } };

  it('goes to the customer’s own channel and address, in their conversation’s order, about the case named', () => {
    expect(customerMessage(customer, { text: 'hello' }, { caseId: 7 })).toEqual({
      customerId: 3,
      caseId: 7,
      channel: 'telegram',
      conversationKey: 'telegram:42',
      address: { chatId: 42 },
      payload: { text: 'hello' },
    });
    expect(customerMessage(customer, { text: 'hi', choices: [{ value: 'a', label: 'A' }] }, { caseId: null })).toMatchObject({ caseId: null, payload: { text: 'hi', choices: [{ value: 'a', label: 'A' }] } });
  });

  it('asks for a delivery report only when the producer does', () => {
    const report = { to: 'staff', kind: 'reply', caseId: 7 };
    expect(customerMessage(customer, { text: 'x' }, { caseId: 7, report })).toMatchObject({ report });
    expect(customerMessage(customer, { text: 'x' }, { caseId: 7 })).not.toHaveProperty('report');
  });
});
