import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../support/engine.ts';

const opened = (existing = false) =>
  ({ type: 'data-request-opened', caseId: 41, caseNumber: 'C-2026-000041', existing, firstResponseDueAt: '2026-11-03T10:00:00.000Z' }) as const;

describe('"delete my data" in the chat (pure step function)', () => {
  it('asks for a data request case, never erases, from an idle conversation', () => {
    const d = new EngineDriver();
    const result = d.say('Delete my data');
    expect(result.effects).toEqual([{ type: 'open-data-request', request: 'erasure' }]);
    d.send(opened());
    expect(d.lastReply).toContain("I've registered your request to delete your data as case C-2026-000041");
    expect(d.lastReply).toContain('we cannot confirm who you are');
    expect(d.lastReply).toContain('Nov 3, 2026, 18:00 Beijing time');
    expect(d.state.activeCase).toEqual({ id: 41, number: 'C-2026-000041' });
  });

  it('works in Chinese and drops an unfinished draft', () => {
    const d = new EngineDriver('zh-CN');
    d.say('你好');
    d.say('我的手机号是13800138000，东西坏了');
    expect(d.state.intake).toBeDefined();
    expect(d.say('删除我的数据').effects).toEqual([{ type: 'open-data-request', request: 'erasure' }]);
    d.send(opened());
    expect(d.state.intake).toBeUndefined();
    expect(d.replies).toEqual([expect.stringContaining('草稿已丢弃'), expect.stringContaining('您的数据删除请求已登记，投诉单号 C-2026-000041')]);
  });

  it('points to the open request when asked again, also while a complaint case is active', () => {
    const d = new EngineDriver();
    d.state = { ...d.state, activeCase: { id: 7, number: 'C-2026-000007' } };
    expect(d.say('forget me').effects).toEqual([{ type: 'open-data-request', request: 'erasure' }]);
    d.send(opened(true));
    expect(d.replies).toEqual(['Your request to delete your data is already registered as case C-2026-000041; our staff will reply here.']);
  });

  it('treats the words inside a longer message as text, not as the command', () => {
    const d = new EngineDriver();
    walk(d);
    const result = d.say('They said they would delete my data if I complained again.');
    expect(result.effects.some((e) => e.type === 'open-data-request')).toBe(false);
    expect(d.step).toBe('category');
    expect(d.state.intake!.draft.description).toBe('hello\nThey said they would delete my data if I complained again.');
  });

  it('mentions the command in the help text', () => {
    const d = new EngineDriver();
    d.say('help');
    expect(d.lastReply).toContain('"delete my data"');
  });
});

function walk(d: EngineDriver) {
  d.say('hello');
}
