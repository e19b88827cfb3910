import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import type { Alternative } from './distributions.js';
import { tTestOneSample, tTestPaired } from './ttest.js';

type Stored = number | string | null;
interface Case {
  id: string;
  input: { a: number[]; b: number[] };
  options: { alternative: Alternative; confidence_level: number };
  expected: { statistic: Stored; pvalue: Stored; df: number; ci_low: Stored; ci_high: Stored };
}

function decode(v: Stored): number {
  if (v === null) return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function expectClose(actual: number, expected: Stored, what: string): void {
  if (!closeTo(actual, decode(expected))) expect.fail(`${what}: got ${actual}, expected ${String(expected)}`);
}

describe('tTestPaired (scipy 1.10.1 ttest_rel reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<Case>('reference', 'stats', 'ttest_rel.jsonl');
  it('has the public vectors', () => expect(cases.length).toBe(90));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = tTestPaired(c.input.a, c.input.b, c.options.alternative);
    expectClose(r.statistic, c.expected.statistic, 'statistic');
    expectClose(r.pvalue, c.expected.pvalue, 'pvalue');
    expect(r.df).toBe(c.expected.df);
    const ci = r.confidenceInterval(c.options.confidence_level);
    expectClose(ci.low, c.expected.ci_low, 'ci low');
    expectClose(ci.high, c.expected.ci_high, 'ci high');
  });
});

describe('tTestOneSample', () => {
  it('matches scipy ttest_1samp([1, 2, 3, 4, 6], 2)', () => {
    // /usr/bin/python3, scipy 1.10.1: ttest_1samp([1,2,3,4,6], 2) -> statistic 1.3949716649258317,
    // pvalue 0.23549636025944287, confidence_interval() (0.8116116119000156, 5.588388388099984)
    const r = tTestOneSample([1, 2, 3, 4, 6], 2);
    expect(closeTo(r.statistic, 1.3949716649258317)).toBe(true);
    expect(closeTo(r.pvalue, 0.23549636025944287)).toBe(true);
    const ci = r.confidenceInterval();
    expect(closeTo(ci.low, 0.8116116119000156)).toBe(true);
    expect(closeTo(ci.high, 5.588388388099984)).toBe(true);
  });
  it('a single pair gives NaN like scipy (df 0)', () => {
    const r = tTestPaired([1], [2]);
    expect([r.statistic, r.pvalue, r.df]).toEqual([NaN, NaN, 0]);
    expect(r.confidenceInterval().low).toBeNaN();
  });
  it('rejects bad input', () => {
    expect(() => tTestPaired([1, 2], [1])).toThrow(UsageError);
    expect(() => tTestOneSample([])).toThrow(UsageError);
    expect(() => tTestOneSample([1, NaN])).toThrow(/finite/);
    expect(() => tTestOneSample([1, 2], 0, 'both' as Alternative)).toThrow(UsageError);
  });
});
