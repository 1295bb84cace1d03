import { describe, expect, it } from 'vitest';
import { step } from '../../src/conversation/step.ts';
import { context, EngineDriver, inbound, policy } from '../support/engine.ts';

/** "hello", then the story: the category question is next. */
function walkToCategory(d: EngineDriver) {
  d.say('hello');
  d.say('The man at the counter shouted at me and threw my receipt on the floor.');
}

describe('intake engine (pure step function)', () => {
  it('is pure: the input state is not modified and no clock is read', () => {
    const d = new EngineDriver();
    const before = structuredClone(d.state);
    const result = step(d.state, inbound({ text: 'hello' }), context());
    expect(d.state).toEqual(before);
    expect(result.state.intake?.startedAt).toBe('2026-11-02T10:00:00.000Z');
    expect(result.effects).toContainEqual({ type: 'schedule-idle-check', intakeId: result.state.intake!.id, at: '2026-11-02T12:00:00.000Z' });
  });

  it('asks what it does not know, in order, and submits on confirm', () => {
    const d = new EngineDriver();
    d.say('hello');
    expect(d.step).toBe('description');
    expect(d.lastReply).toContain('tell me what happened');
    d.say('I was charged twice for the same order.');
    expect(d.step).toBe('category');
    expect(d.lastReply).toContain('sounds like a problem with price or billing');
    d.press('opt:price_billing');
    expect(d.step).toBe('details');
    d.say('ORD-100200');
    expect(d.step).toBe('desiredResolution');
    d.press('opt:refund');
    expect(d.step).toBe('consent');
    expect(d.last.effects.at(-1)).toMatchObject({ type: 'reply', message: { choices: [{ value: 'consent:no' }] } });
    d.say('Bob Stone');
    expect(d.step).toBe('contact');
    d.say('+44 20 7946 0958');
    expect(d.step).toBe('summary');
    const result = d.press('cmd:confirm');
    const open = result.effects.find((e) => e.type === 'open-case');
    expect(open).toEqual({
      type: 'open-case',
      openedVia: 'intake',
      draft: {
        consent: true,
        category: 'price_billing',
        description: 'hello\nI was charged twice for the same order.',
        whenWhere: null,
        orderRef: 'ORD-100200',
        evidence: [],
        evidenceDone: true,
        detailsDone: true,
        desiredResolution: 'refund',
        contactName: 'Bob Stone',
        phone: '+442079460958',
        contactDone: true,
      },
    });
    d.send({ type: 'case-opened', caseId: 7, caseNumber: 'C-2026-000007', firstResponseDueAt: '2026-11-03T10:00:00.000Z', responseHours: 24, openedVia: 'intake' });
    expect(d.state.intake).toBeUndefined();
    expect(d.state.activeCase).toEqual({ id: 7, number: 'C-2026-000007' });
    expect(d.lastReply).toBe(
      'Thank you. Your complaint is registered as case C-2026-000007. We will respond by Nov 3, 2026, 18:00 Beijing time (within 24 hours). Write here any time to add to it; type "status" to check on it.',
    );
  });

  it('takes photos at the details question and finishes with Done', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.press('opt:service_attitude');
    expect(d.step).toBe('details');
    d.send(inbound({ attachments: [{ id: 'a1', fileName: 'receipt.png', mimeType: 'image/png', sizeBytes: 10 }] }));
    expect(d.lastReply).toContain('Received receipt.png (1 file(s) so far)');
    expect(d.last.effects.at(-1)).toMatchObject({ type: 'reply', message: { choices: [{ value: 'cmd:done', label: 'Done' }] } });
    expect(d.step).toBe('details');
    d.press('cmd:done');
    expect(d.step).toBe('desiredResolution');
    expect(d.state.intake!.draft.evidence).toHaveLength(1);
  });

  it('re-prompts a wrong answer with what is expected, and offers a person after three misses', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.press('opt:service_attitude');
    d.press('cmd:skip');
    expect(d.step).toBe('desiredResolution');
    d.say('hmm');
    expect(d.lastReply).toContain('Please pick one of the options');
    expect(d.state.intake!.misses).toBe(1);
    d.say('bad');
    d.say('what');
    expect(d.state.intake!.misses).toBe(3);
    expect(d.lastReply).toContain('You can talk to a person instead');
    const choices = d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []) : []));
    expect(choices.map((c) => c.value)).toContain('cmd:person');
  });

  it('goes back one step with "back" and asks that question again', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.press('opt:service_attitude');
    expect(d.step).toBe('details');
    d.say('back');
    expect(d.step).toBe('category');
    expect(d.state.intake!.draft.category).toBeUndefined();
    d.press('opt:other');
    expect(d.step).toBe('details');
  });

  it('answers help with the commands and the current question', () => {
    const d = new EngineDriver();
    d.say('hello');
    d.say('help');
    expect(d.lastReply).toContain('"back"');
    expect(d.lastReply).toContain('tell me what happened');
    expect(d.step).toBe('description');
  });

  it('cancels at any step without opening a case', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    const result = d.say('cancel');
    expect(d.state.intake).toBeUndefined();
    expect(result.effects.some((e) => e.type === 'open-case')).toBe(false);
    expect(d.lastReply).toContain('cancelled');
  });

  it('switches language at any step and repeats the question in it', () => {
    const d = new EngineDriver();
    d.say('hello');
    d.say('中文');
    expect(d.state.locale).toBe('zh-CN');
    expect(d.replies).toEqual(['我将用中文继续。', '请简单说说发生了什么？']);
    d.say('English');
    expect(d.lastReply).toBe('Please tell me what happened, in your own words.');
  });

  it('hands over to a person at once with what is known, dropping contact without consent', () => {
    const d = new EngineDriver();
    d.say('The courier left my parcel in the rain. Call me on 13800138000.');
    d.press('opt:other');
    const result = d.say('人工');
    expect(result.effects).toContainEqual({
      type: 'open-case',
      openedVia: 'person',
      draft: { evidence: [], consent: false, category: 'other', description: 'The courier left my parcel in the rain. Call me on 13800138000.' },
    });
  });

  it('skips the contact questions when consent is declined', () => {
    const d = new EngineDriver();
    d.say('Staff at the counter ignored me for twenty minutes.');
    d.press('opt:other');
    d.press('cmd:skip');
    d.press('opt:apology');
    expect(d.step).toBe('consent');
    d.press('consent:no');
    expect(d.step).toBe('summary');
    const card = d.last.effects.flatMap((e) => (e.type === 'reply' && e.message.card ? [e.message.card] : []))[0]!;
    expect(card.fields.find((f) => f.label === 'Contact')!.value).toBe('not stored (no consent)');
  });

  it('edits one field from the summary and returns to the summary', () => {
    const d = new EngineDriver();
    d.say('Staff at the counter ignored me for twenty minutes.');
    d.press('opt:other');
    d.press('cmd:skip');
    d.press('opt:apology');
    d.press('consent:no');
    d.press('cmd:edit');
    expect(d.last.effects[0]).toMatchObject({ type: 'reply', message: { choices: expect.arrayContaining([{ value: 'edit:desiredResolution', label: 'You would like' }]) } });
    d.press('edit:desiredResolution');
    expect(d.step).toBe('desiredResolution');
    d.press('opt:refund');
    expect(d.step).toBe('summary');
    expect(d.state.intake!.draft.desiredResolution).toBe('refund');
  });

  it('keeps a photo sent at another step as evidence', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.send(inbound({ attachments: [{ id: 'p1', fileName: 'photo.jpg', mimeType: 'image/jpeg', sizeBytes: 5 }] }));
    expect(d.state.intake!.draft.evidence).toHaveLength(1);
    expect(d.step).toBe('category');
  });

  it('tells the customer about a refused file', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.send(inbound({ rejectedAttachments: [{ fileName: 'virus.exe', reason: 'unsupported_type' }] }));
    expect(d.lastReply).toContain('I could not accept virus.exe: that type of file is not accepted');
  });

  it('sends one reminder to an idle intake, then expires it', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    const intakeId = d.state.intake!.id;
    d.now = new Date('2026-11-02T11:00:00Z');
    let result = d.send({ type: 'idle-check', intakeId });
    expect(d.replies).toEqual([]);
    expect(result.effects).toEqual([{ type: 'schedule-idle-check', intakeId, at: '2026-11-02T12:00:00.000Z' }]);
    d.now = new Date('2026-11-02T12:00:00Z');
    result = d.send({ type: 'idle-check', intakeId });
    expect(d.lastReply).toContain("You started a complaint but didn't finish it");
    expect(result.effects).toContainEqual({ type: 'schedule-idle-check', intakeId, at: '2026-11-05T10:00:00.000Z' });
    d.now = new Date('2026-11-05T10:00:00Z');
    d.send({ type: 'idle-check', intakeId });
    expect(d.state.intake).toBeUndefined();
    expect(d.lastReply).toContain('has expired');
  });

  it('ignores an idle check of an intake that was replaced', () => {
    const d = new EngineDriver();
    walkToCategory(d);
    d.say('cancel');
    d.now = new Date('2026-11-02T10:01:00Z');
    d.say('hello again');
    const result = d.send({ type: 'idle-check', intakeId: '1' });
    expect(result.effects).toEqual([]);
  });

  it('routes messages to the open case and acknowledges at most every five minutes', () => {
    const d = new EngineDriver();
    d.state = { v: 1, locale: 'en', activeCase: { id: 3, number: 'C-2026-000003' } };
    let result = d.say('one more thing');
    expect(result.effects[0]).toEqual({ type: 'append-to-case', caseId: 3, text: 'one more thing', attachments: [] });
    expect(d.lastReply).toContain('Added to your case C-2026-000003');
    d.now = new Date('2026-11-02T10:01:00Z');
    result = d.say('and another');
    expect(result.effects).toHaveLength(1);
    expect(d.say('status').effects).toEqual([{ type: 'load-status' }]);
    d.say('new');
    expect(d.step).toBe('description');
  });

  it('greets someone who opened the chat with the same welcome as "/new"; in an intake repeats its question; with a case or a survey says nothing', () => {
    const d = new EngineDriver();
    const greeted = d.send(inbound({ greeting: true, profile: { name: 'Bob Stone' } }));
    const started = new EngineDriver().say('/new', { profile: { name: 'Bob Stone' } });
    expect(greeted).toEqual(started);
    expect(d.step).toBe('description');
    expect(d.lastReply).toContain('Hello!');

    d.say('The courier threw my parcel over the fence and it broke.');
    expect(d.send(inbound({ greeting: true })).state.intake!.step).toBe('category');
    expect(d.lastReply).toContain('It sounds like a problem with');
    expect(d.state.intake!.misses).toBe(0);

    for (const state of [
      { v: 1 as const, locale: 'en' as const, activeCase: { id: 3, number: 'C-2026-000003' } },
      { v: 1 as const, locale: 'en' as const, survey: { kind: 'campaign' as const, id: 1, question: 'csat' } },
    ]) {
      const other = new EngineDriver();
      other.state = state;
      expect(other.send(inbound({ greeting: true }))).toEqual({ state, effects: [] });
    }
  });

  it('reports status from loaded cases', () => {
    const d = new EngineDriver('zh-CN');
    d.send({ type: 'status-report', cases: [{ number: 'C-2026-000001', status: 'in_progress', createdAt: '2026-11-01T08:00:00Z' }] });
    expect(d.lastReply).toBe('投诉单号 C-2026-000001（2026年11月1日）：处理中。');
  });

  it('refuses a message over the maximum length and keeps the step', () => {
    const d = new EngineDriver();
    d.say('hello');
    d.say('x'.repeat(policy.intake.descriptionMaxLength + 1));
    expect(d.replies[0]).toContain('too long');
    expect(d.step).toBe('description');
    expect(d.state.intake!.misses).toBe(0);
  });
});
