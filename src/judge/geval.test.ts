// G-Eval expected scores from top-logprobs, and the sampling fallback.
import { describe, expect, it } from 'vitest';
import { expectedScore, sampleMean, scoreTokens } from './geval.js';

describe('expectedScore', () => {
  it('{"7": ln 0.5, "8": ln 0.5} gives exactly 7.5', () => {
    expect(expectedScore([{ token: '7', logprob: Math.log(0.5), top: [{ token: '7', logprob: Math.log(0.5) }, { token: '8', logprob: Math.log(0.5) }] }], [1, 10])).toEqual({
      ok: true,
      value: { score: 7.5, distribution: { '7': 0.5, '8': 0.5 }, mass: 1, position: 0 },
    });
  });

  it('renormalises over score tokens only and ignores values outside the scale', () => {
    const r = expectedScore([{ token: '3', logprob: Math.log(0.5), top: [{ token: '3', logprob: Math.log(0.5) }, { token: '9', logprob: Math.log(0.25) }, { token: '1', logprob: Math.log(0.125) }, { token: 'x', logprob: Math.log(0.125) }] }], [1, 5]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // p(3) = 0.5/0.625 = 0.8, p(1) = 0.2 → 2.6
    expect(Math.abs(r.value.score - 2.6)).toBeLessThanOrEqual(1e-12);
    expect(r.value.mass).toBe(0.625);
    expect(Object.keys(r.value.distribution)).toEqual(['1', '3']);
  });

  it('without alternatives the chosen token alone decides', () => {
    expect(expectedScore([{ token: ' 4', logprob: -0.3 }], [1, 5])).toEqual({ ok: true, value: { score: 4, distribution: { '4': 1 }, mass: Math.exp(-0.3), position: 0 } });
  });

  it('names the problem when no score token is generated', () => {
    expect(expectedScore([{ token: 'ok', logprob: 0 }], [1, 3])).toEqual({ ok: false, reason: 'no generated token is a score token (1, 2, 3)' });
  });
});

describe('scoreTokens and sampleMean', () => {
  it('whole numbers of the scale; mean and empirical distribution', () => {
    expect(scoreTokens([1, 5])).toEqual([1, 2, 3, 4, 5]);
    expect(scoreTokens([0.5, 3.5])).toEqual([1, 2, 3]);
    expect(sampleMean([4, 5, 5, 2])).toEqual({ score: 4, distribution: { '2': 0.25, '4': 0.25, '5': 0.5 } });
  });
});
