import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { signTest } from './sign-test.js';

// Differences: 7 positive, 2 negative, 2 zero. Expected p-values from /usr/bin/python3 scipy 1.10.1:
// binomtest(7, 9, 0.5, alt).pvalue -> two-sided 0.1796875, greater 0.08984375, less 0.98046875.
const x = [2.2, 0.7, 1.5, 3, 4.1, 1.7, -0.1, 1.4, 1.9, 2, 2.5];
const y = [1, 1, 1, 3, 2, 1, 1, 1, 1, 2, 1];

describe('signTest', () => {
  it('drops zeros and tests the positives against Bin(n, 1/2)', () => {
    const r = signTest(x, y);
    expect(r).toEqual({ statistic: 7, pvalue: 0.1796875, nPositive: 7, nNegative: 2, nZero: 2, n: 9, alternative: 'two-sided' });
  });
  it('one-sided alternatives', () => {
    expect(signTest(x, y, 'greater').pvalue).toBe(0.08984375);
    expect(signTest(x, y, 'less').pvalue).toBe(0.98046875);
  });
  it('one-sample form and all-zero differences', () => {
    expect(signTest([1, 2, -3], null).nPositive).toBe(2);
    expect(signTest([0, 0], [0, 0]).pvalue).toBe(1);
  });
  it('rejects bad input', () => {
    expect(() => signTest([1], [1, 2])).toThrow(UsageError);
    expect(() => signTest([NaN], null)).toThrow(UsageError);
  });
});
