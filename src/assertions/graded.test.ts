import { describe, expect, it } from 'vitest';
import { runAssertion } from './registry.js';
import type { AssertionContext, AssertionSpec, GradeInput, GradeOutcome } from './types.js';

/** A scripted grader: returns the scores given, in order, and records what it was asked. */
function scripted(outcomes: GradeOutcome[]) {
  const asked: { type: string; input: GradeInput }[] = [];
  const grade = async (spec: AssertionSpec, input: GradeInput): Promise<GradeOutcome> => {
    asked.push({ type: spec.type, input });
    const next = outcomes.shift();
    if (next === undefined) throw new Error('judge unreachable');
    return next;
  };
  return { grade, asked };
}

const ctx = (grade?: AssertionContext['grade']): AssertionContext => ({ vars: {}, prompt: 'What is 2+2?', ...(grade ? { grade } : {}) });
const run = async (spec: AssertionSpec, output: string, context: AssertionContext) => {
  const r = await runAssertion(spec, output, context);
  return { pass: r.pass, score: r.score, reason: r.reason, ...(r.error ? { error: true } : {}) };
};

describe('llm-rubric', () => {
  it('asks the grader with the rubric as criteria; passes at score >= threshold (default 0.5)', async () => {
    const judge = scripted([{ score: 0.5, reason: 'adequate' }, { score: 0.4, reason: 'weak' }]);
    expect(await run({ type: 'llm-rubric', value: 'is correct' }, '4', ctx(judge.grade))).toEqual({ pass: true, score: 0.5, reason: 'adequate' });
    expect(await run({ type: 'llm-rubric', value: 'is correct' }, '5', ctx(judge.grade))).toEqual({ pass: false, score: 0.4, reason: 'weak' });
    expect(judge.asked).toEqual([
      { type: 'llm-rubric', input: { question: 'What is 2+2?', answer: '4', criteria: 'is correct' } },
      { type: 'llm-rubric', input: { question: 'What is 2+2?', answer: '5', criteria: 'is correct' } },
    ]);
  });
  it('not-llm-rubric flips pass and reports 1 - score', async () => {
    const judge = scripted([{ score: 0.9, reason: 'polite' }]);
    expect(await run({ type: 'not-llm-rubric', value: 'is polite', threshold: 0.8 }, 'hi', ctx(judge.grade))).toEqual({ pass: false, score: 1 - 0.9, reason: 'polite' });
  });
  it('an unscored verdict, a failing grader or no grader is an error result, never a score', async () => {
    expect(await run({ type: 'llm-rubric', value: 'x' }, 'a', ctx(scripted([{ score: null, reason: 'no [[rating]] in the reply' }]).grade))).toEqual({
      pass: false,
      score: 0,
      reason: 'unscored: no [[rating]] in the reply',
      error: true,
    });
    expect(await run({ type: 'llm-rubric', value: 'x' }, 'a', ctx(scripted([]).grade))).toEqual({ pass: false, score: 0, reason: 'grader failed: judge unreachable', error: true });
    expect(await run({ type: 'llm-rubric', value: 'x' }, 'a', ctx())).toEqual({ pass: false, score: 0, reason: 'llm-rubric needs a grader (a judge model), and none was given', error: true });
  });
});

describe('factuality', () => {
  it('sends the value as the reference', async () => {
    const judge = scripted([{ score: 1, reason: '(C) same details' }]);
    expect(await run({ type: 'factuality', value: 'Four.' }, '4', ctx(judge.grade))).toEqual({ pass: true, score: 1, reason: '(C) same details' });
    expect(judge.asked[0].input).toEqual({ question: 'What is 2+2?', answer: '4', reference: 'Four.' });
  });
  it('passes on any choice scored above 0 (autoevals: A 0.4, B 0.6, C 1, E 1; D 0), or at a given threshold', async () => {
    const judge = scripted([{ score: 0.4, reason: '(A) subset' }, { score: 0, reason: '(D) disagrees' }, { score: 0.4, reason: '(A) subset' }, { score: 0.4, reason: '(A) subset' }]);
    expect(await run({ type: 'factuality', value: 'Four.' }, '4', ctx(judge.grade))).toEqual({ pass: true, score: 0.4, reason: '(A) subset' });
    expect(await run({ type: 'factuality', value: 'Four.' }, '5', ctx(judge.grade))).toEqual({ pass: false, score: 0, reason: '(D) disagrees' });
    expect(await run({ type: 'factuality', value: 'Four.', threshold: 0.5 }, '4', ctx(judge.grade))).toEqual({ pass: false, score: 0.4, reason: '(A) subset' });
    expect(await run({ type: 'not-factuality', value: 'Four.' }, '4', ctx(judge.grade))).toEqual({ pass: false, score: 0.6, reason: '(A) subset' });
  });
});

describe('g-eval', () => {
  it('one criterion: score >= threshold (default 0.7)', async () => {
    const judge = scripted([{ score: 0.7, reason: 'coherent' }]);
    expect(await run({ type: 'g-eval', value: 'coherence' }, 'text', ctx(judge.grade))).toEqual({ pass: true, score: 0.7, reason: 'coherent' });
  });
  it('several criteria: the mean score, with the reasons of those below the threshold', async () => {
    const judge = scripted([{ score: 0.9, reason: 'fluent' }, { score: 0.4, reason: 'incoherent' }]);
    expect(await run({ type: 'g-eval', value: ['fluency', 'coherence'] }, 'text', ctx(judge.grade))).toEqual({ pass: false, score: 0.65, reason: 'incoherent' });
    expect(judge.asked.map((a) => a.input.criteria)).toEqual(['fluency', 'coherence']);
  });
});
