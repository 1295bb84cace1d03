import type { InboundMessage } from '../../src/channels/contract.ts';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { loadPromptCatalog } from '../../src/conversation/prompt-catalog.ts';
import { initialState, type ConversationState } from '../../src/conversation/state.ts';
import { step, type StepContext, type StepResult } from '../../src/conversation/step.ts';
import { loadPolicy, parsePolicy } from '../../src/policy.ts';

export const policy = loadPolicy('config/policy.json');
export const catalog = loadPromptCatalog('prompts', policy);

export function context(overrides: Partial<StepContext> = {}): StepContext {
  return { now: new Date('2026-11-02T10:00:00Z'), catalog, policy, timezone: policy.timezone, ...overrides };
}

export function inbound(overrides: Partial<InboundMessage> = {}): ConversationEvent {
  return { type: 'inbound', message: { text: '', ...overrides } };
}

/** Drives the pure engine like a customer would; keeps the last result. */
export class EngineDriver {
  state: ConversationState;
  last!: StepResult;
  now = new Date('2026-11-02T10:00:00Z');

  constructor(locale: 'en' | 'zh-CN' = 'en', readonly ctx: Partial<StepContext> = {}) {
    this.state = initialState(locale);
  }

  send(event: ConversationEvent): StepResult {
    this.last = step(this.state, event, context({ now: this.now, ...this.ctx }));
    this.state = this.last.state;
    return this.last;
  }

  say(text: string, extra: Partial<InboundMessage> = {}): StepResult {
    return this.send(inbound({ text, ...extra }));
  }

  press(choice: string): StepResult {
    return this.send(inbound({ choice }));
  }

  get replies(): string[] {
    return this.last.effects.flatMap((e) => (e.type === 'reply' ? [e.message.text] : []));
  }

  get lastReply(): string {
    return this.replies.at(-1) ?? '';
  }

  get step(): string | undefined {
    return this.state.intake?.step;
  }
}

export { parsePolicy };
