import { describe, expect, it } from 'vitest';
import { EngineDriver, inbound } from '../support/engine.ts';

const opened = { type: 'case-opened', caseId: 7, caseNumber: 'C-2026-000007', firstResponseDueAt: '2026-11-03T10:00:00.000Z', responseHours: 12, openedVia: 'intake' } as const;

describe('a warmer, natural voice (pure engine)', () => {
  it('meets an injury with concern and urgency first, and no privacy notice', () => {
    const d = new EngineDriver('zh-CN');
    d.say('孩子用你们的电暖器被烫伤了，手上起了水泡，去了医院急诊');
    expect(d.lastReply).toMatch(/^听到这个情况我非常抱歉，希望您和家人都平安。我会把它作为紧急投诉登记/);
    expect(d.lastReply).not.toMatch(/保存|同意/);
    const e = new EngineDriver('en');
    e.say('My son got an electric shock from the charger you sold me, we went to A&E.');
    expect(e.lastReply).toMatch(/^I'm very sorry to hear this, and I hope everyone is safe/);
  });

  it('acknowledges an ordinary problem plainly, and a denied injury is not an emergency', () => {
    const d = new EngineDriver('en');
    d.say('The delivery was late and nobody was hurt, but the box was crushed.');
    expect(d.lastReply).toMatch(/^I'm sorry about this; let me register your complaint\./);
  });

  it('writes Chinese as a service desk does: 投诉单号, 请问怎么称呼您, Beijing time named, never UTC', () => {
    const d = new EngineDriver('zh-CN');
    d.say('快递员把包裹扔在门口，东西被偷了，电话13800138000');
    d.press('opt:delivery_installation');
    d.press('cmd:skip');
    d.press('opt:refund');
    expect(d.lastReply).toMatch(/^请问怎么称呼您？/);
    d.say('王小明');
    d.press('cmd:confirm');
    d.send(opened);
    expect(d.lastReply).toBe(
      '谢谢您，投诉已受理，投诉单号 C-2026-000007。我们会在北京时间2026年11月3日 18:00前（12 小时内）给您答复。如需补充，直接在这里发消息即可；发送“进度”可查询处理情况。',
    );
    expect(d.lastReply).not.toMatch(/UTC|案件/);
  });

  it('names the zone in English too, whichever zone the policy has', () => {
    const d = new EngineDriver('en');
    d.send(opened);
    expect(d.lastReply).toContain('by Nov 3, 2026, 18:00 Beijing time (within 12 hours)');
    const london = new EngineDriver('zh-CN', { timezone: 'Europe/London' });
    london.send(opened);
    expect(london.lastReply).toContain('格林尼治标准时间2026年11月3日 10:00前');
  });

  it('answers Traditional Chinese in Traditional Chinese, and goes back to Simplified when the customer does', () => {
    const d = new EngineDriver('zh-CN');
    d.say('我買的吹風機用了兩天就壞了，沒有風出來');
    expect(d.state.traditional).toBe(true);
    expect(d.lastReply).toContain('聽起來是產品質量的問題，對嗎？');
    const labels = d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : [])).map((c) => c.label);
    expect(labels).toContain('對，是這個');
    d.say('我还想补充一下，这个吹风机是上个月买的，一直没用几次');
    expect(d.state.traditional).toBeUndefined();
    expect(d.lastReply).toContain('这段内容我已补充到您的投诉里');
  });

  it('takes the Telegram profile name family name first for a Chinese speaker', () => {
    const d = new EngineDriver('zh-CN');
    d.send(inbound({ text: '你们的安装师傅态度太差了，装空调的时候一直抽烟，还骂人', profile: { name: '小明 王' } }));
    expect(d.state.intake!.draft.contactName).toBe('王小明');
    const e = new EngineDriver('en');
    e.send(inbound({ text: 'The installer was rude and smoked in my kitchen the whole time.', profile: { name: 'Alice Example' } }));
    expect(e.state.intake!.draft.contactName).toBe('Alice Example');
  });
});
