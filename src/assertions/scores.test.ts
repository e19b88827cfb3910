import { describe, expect, it } from 'vitest';
import { runAssertion } from './registry.js';
import { perplexityOf } from './scores.js';
import type { AssertionContext, AssertionSpec } from './types.js';

const base: AssertionContext = { vars: {}, prompt: '' };
const run = async (spec: AssertionSpec, output: string, context: Partial<AssertionContext> = {}) => {
  const r = await runAssertion(spec, output, { ...base, ...context });
  return { pass: r.pass, score: r.score, reason: r.reason, ...(r.error ? { error: true } : {}) };
};
const HYP = 'the cat sat on the mat';
const REF = 'the cat is on the mat';
// Sentence BLEU by hand: precisions 5/6, 3/5, 1/4 and (exp smoothing, no 4-gram match) 1/(2*3); BP = 1.
const BLEU = (5 / 6 * 3 / 5 * 1 / 4 * 1 / 6) ** 0.25;

describe('reference metrics on a 0-1 scale', () => {
  it('bleu is sacrebleu sentence BLEU / 100, threshold 0.5', async () => {
    const r = await run({ type: 'bleu', value: REF }, HYP);
    expect(r.score).toBeCloseTo(BLEU, 12);
    expect(r).toEqual({ pass: false, score: r.score, reason: 'BLEU score 0.3799 is less than threshold 0.5' });
    expect(await run({ type: 'bleu', value: REF, threshold: 0.3 }, HYP)).toEqual({ pass: true, score: r.score, reason: 'Assertion passed' });
    const inv = await run({ type: 'not-bleu', value: [REF, 'a dog'], threshold: 0.3 }, HYP);
    expect(inv.pass).toBe(false);
    expect(inv.score).toBeCloseTo(1 - BLEU, 12);
    expect(inv.reason).toBe('BLEU score 0.3799 is greater than or equal to threshold 0.3');
    const same = await run({ type: 'bleu', value: REF }, REF);
    expect(same.pass).toBe(true);
    expect(same.score).toBeCloseTo(1, 12);
  });
  it('chrf is sacrebleu chrF2 / 100, threshold 0.5', async () => {
    // orders 1-3 effective: F at the mean precision = mean recall = (2/3 + 1/2 + 0) / 3.
    const r = await run({ type: 'chrf', value: 'abd' }, 'abc');
    expect(r.score).toBeCloseTo(7 / 18, 12);
    expect(r.reason).toBe('chrF score 0.3889 is less than threshold 0.5');
    expect(r.pass).toBe(false);
  });
  it('rouge-n is ROUGE-1 precision (js-rouge divides by the output unigrams), threshold 0.75', async () => {
    expect(await run({ type: 'rouge-n', value: REF }, HYP)).toEqual({ pass: true, score: 5 / 6, reason: 'Assertion passed' });
    expect(await run({ type: 'rouge-n', value: REF }, 'the dog sat')).toEqual({ pass: false, score: 1 / 3, reason: 'ROUGE-N score 0.33 is less than threshold 0.75' });
    // `rouge` is the same assertion under its plain name.
    expect(await run({ type: 'rouge', value: REF }, 'the dog sat')).toEqual({ pass: false, score: 1 / 3, reason: 'ROUGE-N score 0.33 is less than threshold 0.75' });
    expect(await run({ type: 'not-rouge-n', value: REF }, HYP)).toEqual({ pass: false, score: 1 - 5 / 6, reason: 'ROUGE-N score 0.83 is greater than or equal to threshold 0.75' });
  });
});

describe('similar', () => {
  const vectors: Record<string, number[]> = { a: [1, 0], b: [0.6, 0.8], c: [0, 1], out: [0.8, 0.6] };
  const embed = async (texts: string[]) => texts.map((t) => vectors[t]);
  it('cosine >= threshold (default 0.75)', async () => {
    expect(await run({ type: 'similar', value: 'a' }, 'out', { embed })).toEqual({ pass: true, score: 0.8, reason: 'Similarity 0.80 is greater than or equal to threshold 0.75' });
    expect(await run({ type: 'similar', value: 'c' }, 'out', { embed })).toEqual({ pass: false, score: 0.6, reason: 'Similarity 0.60 is less than threshold 0.75' });
    expect(await run({ type: 'not-similar', value: 'c' }, 'out', { embed })).toEqual({ pass: true, score: 1 - 0.6, reason: 'Similarity 0.60 is less than threshold 0.75' });
  });
  it('a list passes on any value; not- only when far from all', async () => {
    expect(await run({ type: 'similar', value: ['c', 'b'] }, 'out', { embed })).toEqual({ pass: true, score: 0.96, reason: 'Similarity 0.96 is greater than or equal to threshold 0.75' });
    expect(await run({ type: 'similar', value: ['c', 'a'], threshold: 0.9 }, 'out', { embed })).toEqual({ pass: false, score: 0.8, reason: 'None of the provided values met the similarity threshold' });
    expect(await run({ type: 'not-similar', value: ['c', 'b'] }, 'out', { embed })).toEqual({ pass: false, score: 0.040000000000000036, reason: 'Similarity 0.96 is greater than or equal to threshold 0.75' });
  });
  it('euclidean is a distance (<= threshold); dot a raw product', async () => {
    expect(await run({ type: 'similar:euclidean', value: 'a', threshold: 0.7 }, 'out', { embed })).toEqual({ pass: true, score: 1 / (1 + Math.sqrt(0.04 + 0.36)), reason: 'Distance 0.63 is less than or equal to threshold 0.7' });
    expect(await run({ type: 'similar:dot', value: 'b', threshold: 0.9 }, 'out', { embed })).toEqual({ pass: true, score: 0.96, reason: 'Similarity 0.96 is greater than or equal to threshold 0.9' });
  });
  it('without an embedder the result is an error', async () => {
    expect(await run({ type: 'similar', value: 'a' }, 'out')).toEqual({ pass: false, score: 0, reason: 'similar needs an embedding provider, and none was given', error: true });
  });
});

describe('perplexity, latency, cost', () => {
  it('perplexity = exp(-mean logprob) <= threshold', async () => {
    expect(perplexityOf([-0.1, -0.2, -0.3])).toBeCloseTo(Math.exp(0.2), 15);
    expect(await run({ type: 'perplexity', threshold: 1.3 }, 'x', { logprobs: [-0.1, -0.2, -0.3] })).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
    expect(await run({ type: 'perplexity', threshold: 1.2 }, 'x', { logprobs: [-0.1, -0.2, -0.3] })).toEqual({ pass: false, score: 0, reason: 'Perplexity 1.22 is greater than threshold 1.2' });
    expect(await run({ type: 'not-perplexity', threshold: 1.3 }, 'x', { logprobs: [-0.1, -0.2, -0.3] })).toEqual({ pass: false, score: 0, reason: 'Perplexity 1.22 is less than or equal to threshold 1.3' });
    expect(await run({ type: 'perplexity', threshold: 2 }, 'x')).toEqual({ pass: false, score: 0, reason: 'perplexity needs token logprobs of the output, and the provider returned none', error: true });
  });
  it('perplexity-score = 1 / (1 + perplexity) >= threshold', async () => {
    expect(await run({ type: 'perplexity-score', threshold: 0.3 }, 'x', { logprobs: [-0.5] })).toEqual({ pass: true, score: 1 / (1 + Math.exp(0.5)), reason: 'Assertion passed' });
  });
  it('latency and cost are ceilings; without a threshold they record a named metric', async () => {
    expect(await run({ type: 'latency', threshold: 500 }, 'x', { latencyMs: 500 })).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
    expect(await run({ type: 'latency', threshold: 500 }, 'x', { latencyMs: 501 })).toEqual({ pass: false, score: 0, reason: 'Latency 501ms is greater than threshold 500ms' });
    expect(await run({ type: 'latency', metric: 'ms' }, 'x', { latencyMs: 42 })).toEqual({ pass: true, score: 42, reason: 'Assertion passed' });
    expect(await run({ type: 'latency', threshold: 5 }, 'x')).toEqual({ pass: false, score: 0, reason: 'latency is unknown for this output (a cached response has none)', error: true });
    await expect(run({ type: 'latency' }, 'x', { latencyMs: 1 })).rejects.toThrow('assertion (latency): latency without a threshold must set `metric` to record the latency as a named metric');
    await expect(run({ type: 'not-cost', metric: 'usd' }, 'x', { costUsd: 1 })).rejects.toThrow('assertion (not-cost): not-cost needs a threshold');
    expect(await run({ type: 'cost', threshold: 0.001 }, 'x', { costUsd: 0.00123 })).toEqual({ pass: false, score: 0, reason: 'Cost 0.0012 is greater than threshold 0.001' });
    expect(await run({ type: 'not-cost', threshold: 0.001 }, 'x', { costUsd: 0.002 })).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
  });
});
