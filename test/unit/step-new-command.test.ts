import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { loadPromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import { initialState, type ConversationState } from '../../src/conversation/state.ts';
import { step } from '../../src/conversation/step.ts';
import { loadPolicy } from '../../src/policy.ts';

const policy = loadPolicy('./config/policy.json');
const catalog = loadPromptCatalog('./prompts', policy);
const ctx = { now: new Date('2026-11-23T10:00:00Z'), catalog, policy, timezone: 'UTC' };

function run(state: ConversationState, text: string, choice?: string) {
  const event: ConversationEvent = { type: 'inbound', message: { text, ...(choice ? { choice } : {}) } };
  return step(state, event, ctx);
}

describe('"new" (Telegram /new and /start) during an intake', () => {
  it('re-asks the current question instead of taking "/new" as the answer', () => {
    let state = run(initialState('en'), 'hello').state;
    state = run(state, 'The parcel arrived soaking wet and torn.').state;
    state = run(state, '', 'opt:other').state;
    expect(state.intake?.step).toBe('details');
    const result = run(state, '/new');
    expect(result.state.intake?.step).toBe('details');
    expect(result.state.intake?.draft.whenWhere).toBeUndefined();
    expect(result.effects).toEqual([{ type: 'reply', message: expect.objectContaining({ text: expect.stringContaining('When and where') }) }]);
  });

  it('starts an intake when idle', () => {
    const result = run(initialState('en'), '/new');
    expect(result.state.intake?.step).toBe('description');
    expect(result.state.intake?.draft).toEqual({ evidence: [] });
  });
});
