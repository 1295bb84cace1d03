import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/conversation/dates.ts';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { EngineDriver, policy } from '../support/engine.ts';

const verify = { en: 'initial verification', 'zh-CN': '初步核实' };
const plan = { en: 'handling plan', 'zh-CN': '处理方案' };
const visit = { en: 'on-site visit' };
const at = '2026-11-03T09:00:00Z';
const when = (locale: 'en' | 'zh-CN') => formatDateTime(new Date(at), locale, policy.timezone);
const about = { caseId: 7, caseNumber: 'C-2026-000007' };

const missed: ConversationEvent = { type: 'milestone-missed', ...about, milestone: plan, newExpectation: at };
const reached: ConversationEvent = { type: 'milestone-reached', ...about, milestone: verify, next: { label: plan, dueAt: at } };
const progress: ConversationEvent = { type: 'progress-update', ...about, done: [verify, visit], next: { label: plan, dueAt: at } };

describe('milestone notices, as the engine tells the customer', () => {
  it('renders each in English from the policy’s labels, about the case named', () => {
    const en = new EngineDriver('en');
    expect(en.send(missed).effects).toEqual([
      { type: 'reply', caseId: 7, message: { text: `We're sorry: for your case C-2026-000007, handling plan was not done within the time we promised. The reason: it needs more time than planned to investigate. We now expect it by ${when('en')}.` } },
    ]);
    expect(en.send(reached).effects).toEqual([{ type: 'reply', caseId: 7, message: { text: `Update on your case C-2026-000007: initial verification is done. Next: handling plan, expected by ${when('en')}.` } }]);
    expect(en.send(progress).effects).toEqual([
      { type: 'reply', caseId: 7, message: { text: `Your complaint C-2026-000007 is being handled: initial verification, on-site visit completed. Next: handling plan, expected by ${when('en')}.` } },
    ]);
    // The last milestone reached: nothing next; no milestone done yet: no list.
    expect(en.send({ type: 'milestone-reached', ...about, milestone: plan }).effects[0]).toMatchObject({ message: { text: 'Update on your case C-2026-000007: handling plan is done.' } });
    expect(en.send({ type: 'progress-update', ...about, done: [] }).effects[0]).toMatchObject({ message: { text: 'Your complaint C-2026-000007 is being handled.' } });
  });

  it('renders each in Simplified Chinese, the English label standing in for a missing one', () => {
    const zh = new EngineDriver('zh-CN');
    expect(zh.send(missed).effects).toEqual([
      { type: 'reply', caseId: 7, message: { text: `非常抱歉：您的投诉（投诉单号 C-2026-000007）的处理方案未能在承诺的时间内完成。原因：调查需要比预期更长的时间。我们预计在${when('zh-CN')}前完成。` } },
    ]);
    expect(zh.send(reached).effects).toEqual([{ type: 'reply', caseId: 7, message: { text: `您的投诉 C-2026-000007 有新进展：已完成初步核实。处理方案将在${when('zh-CN')}前给出。` } }]);
    expect(zh.send(progress).effects).toEqual([{ type: 'reply', caseId: 7, message: { text: `您的投诉 C-2026-000007 正在处理中：已完成初步核实、on-site visit。处理方案将在${when('zh-CN')}前给出。` } }]);
  });

  it('writes Traditional to a customer who writes Traditional, and leaves the conversation as it was', () => {
    const zh = new EngineDriver('zh-CN');
    zh.say('我要投訴，你們的服務員態度很差');
    const before = structuredClone(zh.state);
    expect(before.traditional).toBe(true);
    const texts = [missed, reached, progress].map((event) => {
      const result = zh.send(event);
      expect(result.state).toEqual(before);
      expect(result.effects).toHaveLength(1);
      expect(result.effects[0]).toMatchObject({ type: 'reply', caseId: 7 });
      return result.effects[0]!.type === 'reply' ? result.effects[0]!.message.text : '';
    });
    expect(texts[0]).toContain('非常抱歉：您的投訴（投訴單號 C-2026-000007）的處理方案未能在承諾的時間內完成。');
    expect(texts[1]).toContain('您的投訴 C-2026-000007 有新進展：已完成初步核實。處理方案將在');
    expect(texts[2]).toContain('您的投訴 C-2026-000007 正在處理中：已完成初步核實、on-site visit。');
  });
});

describe('the flood limit’s notice, as the engine tells the customer', () => {
  it('asks to slow down in the conversation’s language and script, and changes nothing else', () => {
    const en = new EngineDriver('en');
    expect(en.send({ type: 'flood-limited' }).effects).toEqual([{ type: 'reply', message: { text: expect.stringMatching(/^You're sending messages faster than I can take them in\./) } }]);
    const zh = new EngineDriver('zh-CN');
    expect(zh.send({ type: 'flood-limited' }).effects[0]).toMatchObject({ message: { text: expect.stringMatching(/^您发送消息太快了。/) } });
    zh.say('我要投訴，你們的服務員態度很差');
    const before = structuredClone(zh.state);
    const result = zh.send({ type: 'flood-limited' });
    expect(result.effects[0]).toMatchObject({ message: { text: expect.stringMatching(/^您發送消息太快了。/) } });
    expect(result.state).toEqual(before);
  });
});
