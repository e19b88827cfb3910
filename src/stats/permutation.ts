// Paired permutation (sign-flip) test of a mean difference, in the style of Fisher's randomization
// test and scipy `permutation_test(permutation_type='samples')`: exact enumeration of all 2^n sign
// patterns when that is no more than the resample budget, else random flips from assay's seeded
// Rng with p = (c + 1) / (R + 1) (Phipson & Smyth 2010). Two-sided uses |mean| >= |observed|.
import { UsageError } from '../core/errors.js';
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { type Alternative, ALTERNATIVES } from './distributions.js';
import { mean } from './mean-ci.js';

export interface PermutationOptions {
  alternative?: Alternative;
  /** Random sign patterns drawn when not enumerating (default 10000). */
  resamples?: number;
  seed?: number;
  /** 'auto' (default): enumerate when 2^n <= resamples; true forces enumeration (n <= 24). */
  exact?: 'auto' | boolean;
}

export interface PermutationResult {
  /** Observed mean of the differences x - y. */
  statistic: number;
  pvalue: number;
  n: number;
  alternative: Alternative;
  method: 'exact' | 'random';
  /** Sign patterns evaluated: 2^n when exact, else the number of random resamples. */
  resamples: number;
  /** The seed of the random flips (reported also when exact, where it was not needed). */
  seed: number;
}

const MAX_EXACT_N = 24;

/** Paired permutation test: under H0 each difference is as likely to have either sign. */
export function pairedPermutationTest(
  x: readonly number[],
  y: readonly number[] | null = null,
  options: PermutationOptions = {},
): PermutationResult {
  const alternative = options.alternative ?? 'two-sided';
  const resamples = options.resamples ?? 10000;
  const seed = options.seed ?? DEFAULT_SEED;
  const exactOpt = options.exact ?? 'auto';
  if (y !== null && y.length !== x.length) {
    throw new UsageError(`pairedPermutationTest: x and y must have the same length (${x.length} vs ${y.length})`);
  }
  if (x.length === 0) throw new UsageError('pairedPermutationTest: needs at least one pair');
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`pairedPermutationTest: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new UsageError(`pairedPermutationTest: resamples must be a positive integer, got ${resamples}`);
  }
  const d = x.map((v, i) => {
    const diff = y === null ? v : v - y[i];
    if (!Number.isFinite(diff)) throw new UsageError(`pairedPermutationTest: pair ${i} is not a pair of finite numbers`);
    return diff;
  });
  const n = d.length;
  if (exactOpt === true && n > MAX_EXACT_N) {
    throw new UsageError(`pairedPermutationTest: exact enumeration is limited to n <= ${MAX_EXACT_N}, got ${n}`);
  }
  const exact = exactOpt === true || (exactOpt === 'auto' && n <= MAX_EXACT_N && 2 ** n <= resamples);
  const observed = mean(d);
  // Relative slack so that patterns equal to the observed statistic up to rounding count as "as extreme".
  const gamma = Math.abs(observed) * 1e-12 + 1e-300;
  const asExtreme = (s: number): boolean => {
    if (alternative === 'greater') return s >= observed - gamma;
    if (alternative === 'less') return s <= observed + gamma;
    return Math.abs(s) >= Math.abs(observed) - gamma;
  };
  const signed = new Float64Array(n);
  let count = 0;
  if (exact) {
    const total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      for (let i = 0; i < n; i++) signed[i] = (mask >>> i) & 1 ? -d[i] : d[i];
      if (asExtreme(mean(signed))) count++;
    }
    return { statistic: observed, pvalue: count / total, n, alternative, method: 'exact', resamples: total, seed };
  }
  const rng = new Rng(seed);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) signed[i] = rng.bit() ? -d[i] : d[i];
    if (asExtreme(mean(signed))) count++;
  }
  return {
    statistic: observed,
    pvalue: (count + 1) / (resamples + 1),
    n,
    alternative,
    method: 'random',
    resamples,
    seed,
  };
}
