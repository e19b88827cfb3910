import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import type { Alternative } from './distributions.js';
import { kendallPExact, kendalltau, pearsonr, spearmanr } from './correlation.js';

interface Case {
  id: string;
  input: { x: number[]; y: number[] };
  options: { alternative: Alternative };
  expected: {
    pearson: { statistic: number | null; pvalue: number | null; ci95_low: number | null; ci95_high: number | null };
    spearman: { statistic: number | null; pvalue: number | null };
    kendall_tau_b: { statistic: number | null; pvalue: number | null; method_used: 'exact' | 'asymptotic' };
  };
}

function expectClose(actual: number, expected: number | null, what: string): void {
  if (!closeTo(actual, expected ?? NaN)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('correlations (scipy 1.10.1 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<Case>('reference', 'stats', 'correlation.jsonl');
  it('has the public vectors', () => expect(cases.length).toBe(90));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { x, y } = c.input;
    const alt = c.options.alternative;
    const p = pearsonr(x, y, alt);
    expectClose(p.statistic, c.expected.pearson.statistic, 'pearson r');
    expectClose(p.pvalue, c.expected.pearson.pvalue, 'pearson p');
    const ci = p.confidenceInterval(0.95);
    expectClose(ci.low, c.expected.pearson.ci95_low, 'pearson ci low');
    expectClose(ci.high, c.expected.pearson.ci95_high, 'pearson ci high');
    const s = spearmanr(x, y, alt);
    expectClose(s.statistic, c.expected.spearman.statistic, 'spearman rho');
    expectClose(s.pvalue, c.expected.spearman.pvalue, 'spearman p');
    const k = kendalltau(x, y, alt);
    expectClose(k.statistic, c.expected.kendall_tau_b.statistic, 'kendall tau');
    expectClose(k.pvalue, c.expected.kendall_tau_b.pvalue, 'kendall p');
    expect(k.methodUsed).toBe(c.expected.kendall_tau_b.method_used);
  });
});

describe('correlation edges', () => {
  it('constant input gives NaN like scipy', () => {
    expect(pearsonr([1, 1, 1], [1, 2, 3]).statistic).toBeNaN();
    expect(spearmanr([1, 2, 3], [2, 2, 2]).pvalue).toBeNaN();
    expect(kendalltau([1, 1, 1], [1, 2, 3]).statistic).toBeNaN();
  });
  it('n = 2 Pearson is the sign product with p = 1', () => {
    const r = pearsonr([1, 2], [5, 3]);
    expect([r.statistic, r.pvalue]).toEqual([-1, 1]);
  });
  it('exact Kendall null: perfect order of 4 has two-sided p = 2/4!', () => {
    expect(kendallPExact(4, 6)).toBe(2 / 24);
    expect(kendalltau([1, 2, 3, 4], [1, 2, 3, 4]).pvalue).toBe(2 / 24);
  });
  it('rejects bad input', () => {
    expect(() => pearsonr([1, 2], [1])).toThrow(UsageError);
    expect(() => spearmanr([1, NaN], [1, 2])).toThrow(/finite/);
    expect(() => kendalltau([1, 2], [1, 2], 'up' as Alternative)).toThrow(UsageError);
  });
});
