import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/conversation/effects.ts';
import { step } from '../../src/conversation/step.ts';
import { context, EngineDriver, parsePolicy, policy } from '../support/engine.ts';

const CASE = { kind: 'case', id: 7 } as const;
const startCase = (d: EngineDriver) => d.send({ type: 'survey-start', survey: CASE, caseId: 42, caseNumber: 'C-2026-000042' });
const answers = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'survey-answer' ? [[e.field, e.value]] : []));
const choicesOf = (d: EngineDriver) => d.last.effects.flatMap((e) => (e.type === 'reply' ? (e.message.choices ?? []).map((c) => c.value) : []));

describe('satisfaction survey in the pure engine', () => {
  it('asks resolved, CSAT, comment and NPS with buttons and stores each answer as it comes (English)', () => {
    const d = new EngineDriver('en');
    d.state.activeCase = { id: 42, number: 'C-2026-000042' };
    startCase(d);
    expect(d.lastReply).toContain('Your case C-2026-000042 was resolved');
    expect(d.lastReply).toContain('Was your problem resolved?');
    expect(choicesOf(d)).toEqual(['survey:resolved:yes', 'survey:resolved:no']);
    expect(d.state.survey).toEqual({ kind: 'case', id: 7, caseId: 42, caseNumber: 'C-2026-000042', question: 'resolved' });

    d.press('survey:resolved:yes');
    expect(answers(d.last.effects)).toEqual([['resolved', true]]);
    expect(choicesOf(d)).toEqual(['survey:csat:1', 'survey:csat:2', 'survey:csat:3', 'survey:csat:4', 'survey:csat:5']);

    d.say('7'); // a typed number out of range: asked again
    expect(d.lastReply).toContain('Please choose a number from 1 to 5.');
    expect(answers(d.last.effects)).toEqual([]);
    d.say('4'); // a typed number answers
    expect(answers(d.last.effects)).toEqual([['csat', 4]]);
    expect(d.lastReply).toContain('Anything you would like to add?');
    expect(choicesOf(d)).toEqual(['survey:comment:skip']);

    d.say('Quick and friendly, thanks.');
    expect(answers(d.last.effects)).toEqual([['comment', 'Quick and friendly, thanks.']]);
    expect(choicesOf(d)).toHaveLength(12); // 0..10 and Skip

    d.press('survey:nps:9');
    expect(answers(d.last.effects)).toEqual([['nps', 9]]);
    expect(d.last.effects).toContainEqual({ type: 'survey-finished', survey: CASE });
    d.send({ type: 'survey-closed', survey: CASE, outcome: 'thanks' });
    expect(d.lastReply).toBe('Thank you for your feedback!');
    expect(d.state.survey).toBeUndefined();
  });

  it('works in Chinese, with typed yes/no and skip words', () => {
    const d = new EngineDriver('zh-CN');
    startCase(d);
    expect(d.lastReply).toContain('您的问题解决了吗？');
    d.say('是');
    expect(answers(d.last.effects)).toEqual([['resolved', true]]);
    d.press('survey:csat:5');
    expect(d.lastReply).toContain('还有什么想补充的吗');
    d.say('跳过');
    expect(answers(d.last.effects)).toEqual([['comment', null]]);
    d.press('survey:nps:skip');
    expect(answers(d.last.effects)).toEqual([['nps', null]]);
    d.send({ type: 'survey-closed', survey: CASE, outcome: 'thanks' });
    expect(d.lastReply).toBe('感谢您的反馈！');
  });

  it('lets other text go to the case while a button question is pending, and ignores stale buttons', () => {
    const d = new EngineDriver('en');
    d.state.activeCase = { id: 42, number: 'C-2026-000042' };
    startCase(d);
    d.say('Where is my refund?');
    expect(d.last.effects).toContainEqual({ type: 'append-to-case', caseId: 42, text: 'Where is my refund?', attachments: [] });
    expect(d.state.survey?.question).toBe('resolved');
    d.press('survey:resolved:no');
    d.press('survey:resolved:yes'); // the earlier question's button again: the pending one is shown
    expect(answers(d.last.effects)).toEqual([]);
    expect(d.lastReply).toContain('How satisfied are you');
  });

  it('on a low score the outcome decides: reopened (messages then go to the case) or mediation offered', () => {
    const d = new EngineDriver('en');
    startCase(d);
    d.press('survey:resolved:no');
    d.press('survey:csat:1');
    d.press('survey:comment:skip');
    d.press('survey:nps:0');
    d.send({ type: 'survey-closed', survey: CASE, outcome: 'reopened' });
    expect(d.lastReply).toContain('We have reopened case C-2026-000042');
    expect(d.state.activeCase).toEqual({ id: 42, number: 'C-2026-000042' });

    const m = new EngineDriver('en');
    startCase(m);
    m.press('survey:resolved:no');
    m.press('survey:csat:2');
    m.press('survey:comment:skip');
    m.press('survey:nps:skip');
    m.send({ type: 'survey-closed', survey: CASE, outcome: 'offer-mediation' });
    expect(m.lastReply).toContain('Would you like an independent mediation');
    m.press('survey:mediation:yes');
    expect(answers(m.last.effects)).toEqual([['mediation', true]]);
    expect(m.lastReply).toContain('request for mediation on case C-2026-000042');
    expect(m.state.survey).toBeUndefined();
  });

  it('reminds once per reminder event, expires, and answers a closed survey button politely', () => {
    const d = new EngineDriver('en');
    startCase(d);
    d.send({ type: 'survey-reminder', survey: CASE });
    expect(d.lastReply).toMatch(/^A reminder: .*Was your problem resolved\?/s);
    d.send({ type: 'survey-reminder', survey: { kind: 'case', id: 99 } });
    expect(d.last.effects).toEqual([]);
    d.send({ type: 'survey-expired', survey: CASE });
    expect(d.state.survey).toBeUndefined();
    d.press('survey:resolved:yes');
    expect(d.lastReply).toBe('This survey is closed. Thank you!');
    expect(answers(d.last.effects)).toEqual([]);
  });

  it('runs a campaign: CSAT, NPS, comment; no NPS when the policy says so; typed numbers go to the intake while one runs', () => {
    const d = new EngineDriver('en');
    d.send({ type: 'survey-start', survey: { kind: 'campaign', id: 3 } });
    expect(d.lastReply).toContain('Your answers are anonymous');
    expect(d.state.survey).toEqual({ kind: 'campaign', id: 3, question: 'csat' });
    d.press('survey:csat:3');
    d.press('survey:nps:8');
    d.say('More staff on weekends.');
    expect(d.last.effects).toContainEqual({ type: 'survey-finished', survey: { kind: 'campaign', id: 3 } });

    const noNps = new EngineDriver('en', { policy: parsePolicy({ ...policy, survey: { ...policy.survey, askNps: false } }) });
    noNps.send({ type: 'survey-start', survey: { kind: 'campaign', id: 3 } });
    noNps.press('survey:csat:5');
    expect(noNps.lastReply).toContain('Anything you would like to add?');

    const busy = new EngineDriver('en');
    busy.say('hello');
    busy.press('consent:yes');
    busy.send({ type: 'survey-start', survey: { kind: 'campaign', id: 3 } });
    busy.say('2'); // the category step takes numbers: the intake gets it
    expect(busy.step).toBe('description');
    expect(answers(busy.last.effects)).toEqual([]);
    busy.press('survey:csat:2'); // a button still answers the survey
    expect(answers(busy.last.effects)).toEqual([['csat', 2]]);
  });

  it('is pure', () => {
    const d = new EngineDriver('en');
    startCase(d);
    const before = structuredClone(d.state);
    step(d.state, { type: 'inbound', message: { choice: 'survey:resolved:yes' } }, context());
    expect(d.state).toEqual(before);
  });
});
