import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../src/conversation/effects.ts';
import { initialState, parseState, type ConversationState } from '../../src/conversation/state.ts';
import { step } from '../../src/conversation/step.ts';
import { catalog, context, policy } from '../support/engine.ts';

const stepIds = catalog.flow.steps.map((s) => s.id);
const choiceValues = [
  'consent:yes', 'consent:no', 'cmd:skip', 'cmd:done', 'cmd:confirm', 'cmd:edit', 'cmd:cancel', 'cmd:person', 'cmd:back', 'cmd:bogus',
  ...policy.categories.map((c) => `opt:${c}`), 'opt:refund', 'opt:apology', 'opt:nonsense', ...stepIds.map((id) => `edit:${id}`), 'edit:nowhere', '',
];
const words = ['hello', 'back', 'skip', 'cancel', 'help', 'status', 'new', 'done', 'yes', 'no', '中文', 'English', '转人工', '取消', '跳过',
  'The parcel arrived broken and wet.', 'alice@example.com', '+44 20 7946 0958', '13800138000', 'ORD-123456', 'Bob Stone', '2', '99'];

const text = fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constant('x'.repeat(4001)));
const attachment = fc.record({ id: fc.uuid(), fileName: fc.string({ minLength: 1, maxLength: 20 }), mimeType: fc.constantFrom('image/png', 'application/pdf'), sizeBytes: fc.nat() });

const event: fc.Arbitrary<ConversationEvent> = fc.oneof(
  { weight: 6, arbitrary: text.map((t) => ({ type: 'inbound' as const, message: { text: t } })) },
  { weight: 4, arbitrary: fc.constantFrom(...choiceValues).map((c) => ({ type: 'inbound' as const, message: { choice: c } })) },
  { weight: 1, arbitrary: fc.array(attachment, { minLength: 1, maxLength: 7 }).map((a) => ({ type: 'inbound' as const, message: { attachments: a } })) },
  { weight: 1, arbitrary: fc.constant(null).map(() => ({ type: 'inbound' as const, message: { rejectedAttachments: [{ fileName: 'x.exe', reason: 'unsupported_type' as const }] } })) },
  { weight: 1, arbitrary: fc.constantFrom('1', '0', 'unknown').map((id) => ({ type: 'idle-check' as const, intakeId: id })) },
  { weight: 1, arbitrary: fc.constant(null).map(() => ({ type: 'status-report' as const, cases: [{ number: 'C-2026-000001', status: 'new', createdAt: '2026-11-01T00:00:00Z' }] })) },
);

function checkInvariants(before: ConversationState, after: ConversationState, effects: ReturnType<typeof step>['effects']) {
  expect(parseState(after, 'en')).toEqual(after);
  if (after.intake) {
    expect(stepIds).toContain(after.intake.step);
    expect(after.intake.misses).toBeGreaterThanOrEqual(0);
    expect(after.intake.draft.evidence.length).toBeLessThanOrEqual(policy.intake.maxEvidenceFiles);
    if (after.intake.draft.description !== undefined) expect(after.intake.draft.description.length).toBeLessThanOrEqual(policy.intake.descriptionMaxLength);
  }
  expect(effects.filter((e) => e.type === 'open-case').length).toBeLessThanOrEqual(1);
  for (const effect of effects) {
    if (effect.type === 'reply') {
      expect(effect.message.text.trim().length).toBeGreaterThan(0);
      expect(effect.message.text).not.toMatch(/\{\w+\}/); // every placeholder filled
      for (const choice of effect.message.choices ?? []) expect(choice.label.length).toBeGreaterThan(0);
    }
    if (effect.type === 'open-case' && effect.draft.consent !== true) {
      expect(effect.draft.phone ?? effect.draft.email ?? effect.draft.contactName).toBeUndefined();
    }
  }
  expect(before).toBeDefined();
}

describe('conversation engine under random event sequences', () => {
  it('never throws, never corrupts its state, never mutates its input', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.constantFrom('en' as const, 'zh-CN' as const), (events, locale) => {
        let state = initialState(locale);
        let now = Date.parse('2026-11-02T10:00:00Z');
        let caseId = 0;
        for (const ev of events) {
          now += 61_000;
          const frozen = structuredClone(state);
          const result = step(state, ev, context({ now: new Date(now) }));
          expect(state).toEqual(frozen);
          checkInvariants(state, result.state, result.effects);
          state = result.state;
          const open = result.effects.find((e) => e.type === 'open-case');
          if (open && open.type === 'open-case') {
            caseId += 1;
            const opened = step(state, { type: 'case-opened', caseId, caseNumber: `C-2026-${String(caseId).padStart(6, '0')}`, firstResponseDueAt: new Date(now + 86_400_000).toISOString(), responseHours: 24, openedVia: open.openedVia }, context({ now: new Date(now) }));
            checkInvariants(state, opened.state, opened.effects);
            state = opened.state;
            expect(state.intake).toBeUndefined();
          }
        }
      }),
      { numRuns: 400, seed: 20261122 },
    );
  });
});
