import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import type { Alternative } from './distributions.js';
import { blasDot, blasNrm2, fusedMultiplyAdd, kendallPExact, kendalltau, pearsonr, spearmanr } from './correlation.js';

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
  it('near-collinear n = 3: r and p are scipy\'s to the last bit (BLAS rounding reproduced)', () => {
    // scipy 1.10.1: pearsonr([1,2,3],[2,4,6]) -> r 0.9999999999999998, p 1.3415758552508148e-08;
    // pearsonr([1.5,0.5,0],[-0.5,0.5,1], alternative='greater').pvalue -> 0.9999999905136262
    const r = pearsonr([1, 2, 3], [2, 4, 6]);
    expect(r.statistic).toBe(0.9999999999999998);
    expectClose(r.pvalue, 1.3415758552508148e-8, 'p');
    expectClose(pearsonr([1.5, 0.5, 0], [-0.5, 0.5, 1], 'greater').pvalue, 0.9999999905136262, 'p');
  });
});

describe('BLAS reductions (OpenBLAS 0.3.21 as used by numpy/scipy on Debian 12)', () => {
  it('ddot: FMA blocks of 16 (np.dot value differs from a plain loop)', () => {
    // np.dot(a, b) = -3.711166; a plain left-to-right loop and np.sum(a*b) give -3.7111659999999995
    const a = [-1.363, -0.805, -0.196, -2.122, 0.752, -0.24, -0.251, 0.948, 0.668, 0.221, -1.001, 0.31, 0.346, -0.885, 1.043, 0.508, -1.97, 0.122, -1.265, 1.136];
    const b = [0.807, -1.104, -0.885, 0.102, -0.239, 1.525, 0.741, -0.282, 0.577, -2.032, 0.31, 0.866, -0.179, -0.71, 0.566, 1.959, 0.205, -1.121, 1.446, -1.879];
    expect(blasDot(a, b)).toBe(-3.711166);
  });
  it('dnrm2 is the correctly rounded norm', () => {
    // y = np.array([-0.5, 0.5, 1]): scipy.linalg.norm(y - y.mean()) = 1.0801234497346435, while
    // np.sqrt(np.sum((y - y.mean())**2)) = 1.0801234497346432
    const y = [-0.5, 0.5, 1];
    const m = (y[0] + y[1] + y[2]) / 3;
    expect(blasNrm2(y.map((v) => v - m))).toBe(1.0801234497346435);
  });
  it('fusedMultiplyAdd rounds once', () => {
    // (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly; the unfused expression gives 0
    expect(fusedMultiplyAdd(1 + 2 ** -30, 1 - 2 ** -30, -1)).toBe(-(2 ** -60));
    expect((1 + 2 ** -30) * (1 - 2 ** -30) - 1).toBe(0);
  });
});
