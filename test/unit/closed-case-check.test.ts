import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { initialState, type ConversationState } from '../../src/conversation/state.ts';
import { mayFollowClosedCase } from '../../src/inbound/closed-case.ts';

/**
 * The inbound hot path reads the conversation's case status in the statement
 * that locks the customer; only a case that may have closed costs the
 * closed-case check its own (fresh) query.
 */
const withCase: ConversationState = { ...initialState('en'), activeCase: { id: 7, number: 'C-7' } };
const inbound: ConversationEvent = { type: 'inbound', message: { text: 'hi' } };

describe('when an inbound message is checked against a closed case', () => {
  it('skips the check while the case is open in any working status', () => {
    for (const status of ['new', 'assigned', 'in_progress', 'awaiting_customer', 'reopened']) expect(mayFollowClosedCase(withCase, inbound, status)).toBe(false);
  });

  it('checks afresh a case seen resolved (it may have closed while the lock was awaited) or closed', () => {
    expect(mayFollowClosedCase(withCase, inbound, 'resolved')).toBe(true);
    expect(mayFollowClosedCase(withCase, inbound, 'closed')).toBe(true);
  });

  it('checks when the status was not read, and never without a case, during an intake, or for other events', () => {
    expect(mayFollowClosedCase(withCase, inbound, undefined)).toBe(true);
    expect(mayFollowClosedCase(withCase, inbound, null)).toBe(false);
    expect(mayFollowClosedCase(initialState('en'), inbound, 'closed')).toBe(false);
    expect(mayFollowClosedCase({ ...withCase, intake: {} as ConversationState['intake'] }, inbound, 'closed')).toBe(false);
    expect(mayFollowClosedCase(withCase, { type: 'idle-check', intakeId: 'x' } as ConversationEvent, 'closed')).toBe(false);
  });
});
