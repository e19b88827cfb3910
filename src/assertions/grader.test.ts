import { describe, expect, it } from 'vitest';
import type { Judge, JudgeIdentity, JudgeInput, Verdict } from '../judge/index.js';
import { judgeGrader, verdictOutcome } from './grader.js';
import { runAssertion } from './registry.js';

const rating: JudgeIdentity = { model: 'm', kind: 'single', templateHash: 'h', params: { scaleMin: 1, scaleMax: 10 } };
const classify: JudgeIdentity = { model: 'm', kind: 'classify', templateHash: 'h', params: { preset: 'factuality' } };

function fakeJudge(identity: JudgeIdentity, verdicts: Verdict[]): Judge & { seen: JudgeInput[] } {
  const seen: JudgeInput[] = [];
  return {
    identity,
    seen,
    grade: async (inputs) => {
      seen.push(...inputs);
      return inputs.map(() => verdicts.shift()!);
    },
    compare: async () => [],
  };
}

describe('verdictOutcome', () => {
  it('maps a rating on [min, max] to [0, 1] and keeps the reply as the reason', () => {
    expect(verdictOutcome({ status: 'scored', score: 7, method: 'rating', raw: ['Fine. Rating: [[7]]'] }, rating)).toEqual({ score: 6 / 9, reason: 'm rating 7 on [1, 10]: Fine. Rating: [[7]]' });
    expect(verdictOutcome({ status: 'scored', score: 7.5, method: 'logprob-weighted', raw: [] }, rating)).toEqual({ score: 6.5 / 9, reason: 'm logprob-weighted 7.5 on [1, 10]' });
  });
  it('keeps a choice score; unscored stays unscored', () => {
    expect(verdictOutcome({ status: 'scored', score: 0.4, method: 'choice', choice: 'A', raw: ['subset\nA'] }, classify)).toEqual({ score: 0.4, reason: 'm choice A: subset\nA' });
    expect(verdictOutcome({ status: 'unscored', reason: 'no rating in the reply', raw: ['??'] }, rating)).toEqual({ score: null, reason: 'no rating in the reply' });
  });
});

describe('judgeGrader', () => {
  it('routes each assertion type to its judge', async () => {
    const rubric = fakeJudge(rating, [{ status: 'scored', score: 10, method: 'rating', raw: ['[[10]]'] }]);
    const fact = fakeJudge(classify, [{ status: 'scored', score: 0.4, method: 'choice', choice: 'A', raw: ['A'] }]);
    const grade = judgeGrader({ 'llm-rubric': rubric, factuality: fact });
    const ctx = { vars: {}, prompt: 'Q?', grade };
    const r1 = await runAssertion({ type: 'not-llm-rubric', value: 'rude' }, 'answer', ctx);
    expect([r1.pass, r1.score, r1.reason]).toEqual([false, 0, 'm rating 10 on [1, 10]: [[10]]']);
    expect(rubric.seen).toEqual([{ question: 'Q?', answer: 'answer', criteria: 'rude' }]);
    const r2 = await runAssertion({ type: 'factuality', value: 'ref' }, 'answer', ctx);
    expect([r2.pass, r2.score, r2.reason]).toEqual([true, 0.4, 'm choice A: A']);
    const r3 = await runAssertion({ type: 'g-eval', value: 'coherence' }, 'answer', ctx);
    expect([r3.pass, r3.score, r3.reason, r3.error]).toEqual([false, 0, 'grader failed: no judge is configured for g-eval', true]);
  });
});
