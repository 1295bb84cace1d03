import { describe, expect, it } from 'vitest';
import { parseState } from '../../src/conversation/state.ts';
import { EngineDriver } from '../support/engine.ts';

const NEW_STORY = 'The fridge I bought last month is leaking water all over the kitchen floor.';
const withCase = (d: EngineDriver, lastActivity?: string) => {
  d.state = { v: 1, locale: 'en', activeCase: { id: 3, number: 'C-2026-000003' }, ...(lastActivity ? { lastCaseActivityAt: lastActivity } : {}) };
};
const choices = (d: EngineDriver) => d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : [])).map((c) => c.value);

describe('messages to an open case (pure engine)', () => {
  it('adds short replies, files and anything soon after the last exchange to the case', () => {
    const d = new EngineDriver();
    withCase(d, '2026-11-02T09:45:00.000Z');
    d.say(NEW_STORY);
    expect(d.last.effects[0]).toEqual({ type: 'append-to-case', caseId: 3, text: NEW_STORY, attachments: [] });
    d.now = new Date('2026-11-02T15:00:00Z');
    d.say('any news?');
    expect(d.last.effects[0]).toMatchObject({ type: 'append-to-case', text: 'any news?' });
    d.now = new Date('2026-11-03T15:00:00Z');
    d.say(`About C-2026-000003: ${NEW_STORY}`);
    expect(d.last.effects[0]).toMatchObject({ type: 'append-to-case' });
  });

  it('asks with buttons whether a new story long after belongs to the case, and keeps it either way', () => {
    const d = new EngineDriver();
    withCase(d, '2026-11-01T09:00:00.000Z');
    d.say(NEW_STORY);
    expect(d.last.effects.some((e) => e.type === 'append-to-case')).toBe(false);
    expect(d.lastReply).toBe('You have a complaint open (case C-2026-000003). Is this message about it, or a new complaint?');
    expect(choices(d)).toEqual(['followup:case', 'followup:new']);
    d.press('followup:new');
    expect(d.step).toBe('category');
    expect(d.state.intake!.draft.description).toBe(NEW_STORY);
    expect(d.state.pendingFollowUp).toBeUndefined();

    const e = new EngineDriver();
    withCase(e, '2026-11-01T09:00:00.000Z');
    e.say(NEW_STORY);
    e.press('followup:case');
    expect(e.last.effects[0]).toEqual({ type: 'append-to-case', caseId: 3, text: NEW_STORY, attachments: [] });
    expect(e.lastReply).toContain('Added to your case C-2026-000003');
  });

  it('adds the held message to the case when the customer writes on instead of answering', () => {
    const d = new EngineDriver();
    withCase(d, '2026-11-01T09:00:00.000Z');
    d.say(NEW_STORY);
    d.say('and the ice maker stopped too');
    expect(d.last.effects.filter((e) => e.type === 'append-to-case').map((e) => e.type === 'append-to-case' && e.text)).toEqual([NEW_STORY, 'and the ice maker stopped too']);
  });
});

describe('stored states from the previous flow', () => {
  it('parse, and an intake in a step that no longer exists goes on with what it still needs', () => {
    const old = {
      v: 1,
      locale: 'en',
      intake: {
        id: '1',
        step: 'orderRef',
        history: ['consent', 'category', 'description', 'whenWhere'],
        draft: { consent: true, category: 'other', description: 'The parcel never came and nobody answers.', whenWhere: 'Monday', evidence: [] },
        misses: 0,
        editing: false,
        startedAt: '2026-11-02T09:00:00.000Z',
        lastActivityAt: '2026-11-02T09:00:00.000Z',
        reminded: false,
      },
    };
    const d = new EngineDriver();
    d.state = parseState(old, 'en');
    expect(d.state.intake!.step).toBe('orderRef');
    d.say('ORD-123456');
    expect(d.state.intake!.draft.orderRef).toBe('ORD-123456');
    expect(d.step).toBe('desiredResolution');
    d.press('opt:refund');
    // Consent was given under the old flow: only the missing name and contact are asked.
    expect(d.step).toBe('contactName');
  });
});
