import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { pairedPermutationTest } from './permutation.js';

// Differences with mean 0.41. Exact p-values from /usr/bin/python3 scipy 1.10.1
// permutation_test((d,), np.mean, permutation_type='samples', n_resamples=np.inf, alternative=alt):
// two-sided 0.048828125 (= 50/1024), greater 0.0244140625 (25/1024), less 0.982421875 (1006/1024).
const d = [0.8, -0.3, 1.1, 0.4, 0.6, -0.2, 0.9, 0.5, -0.4, 0.7];

describe('pairedPermutationTest', () => {
  it('enumerates all 2^n sign patterns when 2^n <= resamples', () => {
    const r = pairedPermutationTest(d, null);
    expect(r.method).toBe('exact');
    expect(r.resamples).toBe(1024);
    expect(r.pvalue).toBe(50 / 1024);
    expect(r.statistic).toBe(0.41);
    expect(pairedPermutationTest(d, null, { alternative: 'greater' }).pvalue).toBe(25 / 1024);
    expect(pairedPermutationTest(d, null, { alternative: 'less' }).pvalue).toBe(1006 / 1024);
  });
  it('paired form equals the one-sample form on x - y', () => {
    const y = d.map((_, i) => i / 4);
    const x = d.map((v, i) => v + i / 4);
    expect(pairedPermutationTest(x, y).pvalue).toBe(pairedPermutationTest(x.map((v, i) => v - y[i]), null).pvalue);
  });
  it('random flips are seeded, reported and reproducible, with p = (c+1)/(R+1)', () => {
    const a = pairedPermutationTest(d, null, { exact: false, resamples: 20000, seed: 7 });
    const b = pairedPermutationTest(d, null, { exact: false, resamples: 20000, seed: 7 });
    expect(a.method).toBe('random');
    expect(a.seed).toBe(7);
    expect(a.pvalue).toBe(b.pvalue);
    // (c + 1) / 20001 for an integer c
    expect(Number.isInteger(Math.round(a.pvalue * 20001 * 1e6) / 1e6)).toBe(true);
    // Monte Carlo SE at p ~ 0.049 with 20000 draws is ~0.0015; 4 SE around the exact value.
    expect(Math.abs(a.pvalue - 50 / 1024)).toBeLessThan(0.006);
  });
  it('rejects bad input', () => {
    expect(() => pairedPermutationTest([], null)).toThrow(UsageError);
    expect(() => pairedPermutationTest([1, 2], [1])).toThrow(UsageError);
    expect(() => pairedPermutationTest(d, null, { resamples: 0 })).toThrow(UsageError);
    expect(() => pairedPermutationTest(new Array(30).fill(1), null, { exact: true })).toThrow(/n <= 24/);
  });
});
