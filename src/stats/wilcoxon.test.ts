import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import type { Alternative } from './distributions.js';
import { type WilcoxonMethod, type ZeroMethod, rankData, wilcoxon, wilcoxonDistribution } from './wilcoxon.js';

interface Case {
  id: string;
  input: { x: number[]; y: number[] | null };
  options: { alternative: Alternative; zero_method: ZeroMethod; correction: boolean; method: WilcoxonMethod };
  expected: {
    statistic: number;
    pvalue: number;
    zstatistic?: number;
    method_used: 'exact' | 'approx';
    n_zero_diffs: number;
    has_tied_abs_diffs?: boolean;
  };
}

function expectClose(actual: number | undefined, expected: number, what: string): void {
  if (actual === undefined || !closeTo(actual, expected)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('wilcoxon (scipy 1.10.1 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<Case>('reference', 'stats', 'wilcoxon.jsonl');
  it('has the public vectors, with the tied-|d| exact quirk among them', () => {
    expect(cases.length).toBe(168);
    expect(cases.filter((c) => c.expected.method_used === 'exact' && c.expected.has_tied_abs_diffs).length).toBeGreaterThan(0);
  });
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = wilcoxon(c.input.x, c.input.y, {
      alternative: c.options.alternative,
      zeroMethod: c.options.zero_method,
      correction: c.options.correction,
      method: c.options.method,
    });
    expectClose(r.statistic, c.expected.statistic, 'statistic');
    expectClose(r.pvalue, c.expected.pvalue, 'pvalue');
    expect(r.methodUsed).toBe(c.expected.method_used);
    expect(r.nZeroDiffs).toBe(c.expected.n_zero_diffs);
    if (c.expected.zstatistic !== undefined) expectClose(r.zstatistic, c.expected.zstatistic, 'zstatistic');
  });
});

describe('wilcoxon pieces', () => {
  it('rankData averages ties like scipy rankdata', () => {
    expect(Array.from(rankData([3, 1, 4, 1, 5, 9, 2, 6, 5]))).toEqual([4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
  });
  it('exact null distribution for n = 3 is 1/8 per sign pattern', () => {
    expect(Array.from(wilcoxonDistribution(3))).toEqual([0.125, 0.125, 0.125, 0.25, 0.125, 0.125, 0.125]);
  });
  it('rejects bad input', () => {
    expect(() => wilcoxon([1, 2], [1])).toThrow(UsageError);
    expect(() => wilcoxon([0, 0, 0], null, { method: 'approx' })).toThrow(/zsplit/);
    expect(() => wilcoxon([1, 2], null, { zeroMethod: 'x' as ZeroMethod })).toThrow(UsageError);
  });
});
