import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import type { Alternative } from './distributions.js';
import { type BinomCiMethod, type ProportionCiMethod, binomTest, brentq, proportionConfint } from './proportion.js';

interface PropCiCase {
  id: string;
  input: { count: number; nobs: number };
  options: { method: ProportionCiMethod; alpha: number };
  expected: { low: number; high: number };
}

interface BinomCase {
  id: string;
  input: { k: number; n: number; p: number };
  options: { alternative: Alternative; confidence_level: number };
  expected: {
    statistic: number;
    pvalue: number;
    proportion_ci: Record<BinomCiMethod, { low: number; high: number }>;
  };
}

function expectClose(actual: number, expected: number, what: string): void {
  if (!closeTo(actual, expected)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('proportionConfint (statsmodels 0.13.5 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<PropCiCase>('reference', 'stats', 'proportion_confint.jsonl');
  it('has the public vectors', () => expect(cases.length).toBe(260));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const ci = proportionConfint(c.input.count, c.input.nobs, c.options.alpha, c.options.method);
    expectClose(ci.low, c.expected.low, 'low');
    expectClose(ci.high, c.expected.high, 'high');
  });
});

describe('binomTest (scipy 1.10.1 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<BinomCase>('reference', 'stats', 'binom_test.jsonl');
  it('has the public vectors', () => expect(cases.length).toBe(78));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = binomTest(c.input.k, c.input.n, c.input.p, c.options.alternative);
    expectClose(r.statistic, c.expected.statistic, 'statistic');
    expectClose(r.pvalue, c.expected.pvalue, 'pvalue');
    for (const method of ['exact', 'wilson', 'wilsoncc'] as const) {
      const ci = r.proportionCi(c.options.confidence_level, method);
      expectClose(ci.low, c.expected.proportion_ci[method].low, `${method} low`);
      expectClose(ci.high, c.expected.proportion_ci[method].high, `${method} high`);
    }
  });
});

describe('edge behaviour', () => {
  it('scipy docstring example: binomtest(3, 15, 0.1, greater)', () => {
    const r = binomTest(3, 15, 0.1, 'greater');
    expectClose(r.pvalue, 0.18406106910639114, 'pvalue');
    expectClose(r.proportionCi(0.95).low, 0.05684686759024681, 'low');
    expect(r.proportionCi(0.95).high).toBe(1);
  });
  it('brentq takes the same steps as scipy.optimize.brentq (bit-identical roots)', () => {
    // Values printed by scipy 1.10.1: brentq(lambda x: x*x - 2, 0, 2), brentq(lambda x: cos(x) - x, 0, 1),
    // brentq(lambda x: x**3 - 2*x - 5, 2, 3).
    expect(brentq((x) => x * x - 2, 0, 2)).toBe(1.4142135623731364);
    expect(brentq((x) => Math.cos(x) - x, 0, 1)).toBe(0.7390851332151559);
    expect(brentq((x) => x ** 3 - 2 * x - 5, 2, 3)).toBe(2.094551481542327);
  });
  it('rejects bad input with UsageError', () => {
    expect(() => proportionConfint(11, 10)).toThrow(UsageError);
    expect(() => proportionConfint(1, 10, 1.5)).toThrow(UsageError);
    expect(() => binomTest(1.5, 10)).toThrow(UsageError);
    expect(() => binomTest(1, 10, 2)).toThrow(UsageError);
    expect(() => proportionConfint(1, 10, 0.05, 'bogus' as ProportionCiMethod)).toThrow(/wilson, beta/);
  });
});

describe('wilson at the ends', () => {
  it('0 of n and n of n give exactly 0 and 1 (statsmodels 0.13.5: (0.0, 0.27753279986288926), (0.7224672001371106, 1.0))', () => {
    const low = proportionConfint(0, 10, 0.05, 'wilson');
    const high = proportionConfint(10, 10, 0.05, 'wilson');
    expect(low.low).toBe(0);
    expect(high.high).toBe(1);
    expect(low.high).toBeCloseTo(0.27753279986288926, 12);
    expect(high.low).toBeCloseTo(0.7224672001371106, 12);
  });
});
