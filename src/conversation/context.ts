import type { Policy } from '../policy.ts';
import type { Effect } from './effects.ts';
import type { PromptCatalog } from './prompt-catalog.ts';
import type { ConversationState } from './state.ts';

/** What every step reads besides the state: the clock (injected), texts, policy. */
export interface StepContext {
  now: Date;
  catalog: PromptCatalog;
  policy: Policy;
  timezone: string;
}

export interface StepResult {
  state: ConversationState;
  effects: Effect[];
}
