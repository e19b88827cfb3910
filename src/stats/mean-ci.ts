// Mean with standard error and t-based confidence interval, and the cluster-robust standard error
// of a mean from Miller (2024) "Adding Error Bars to Evals" (arXiv:2411.00640), section 2.3.
// Sums follow numpy's pairwise summation so that means agree bit for bit with numpy/scipy.
import { UsageError } from '../core/errors.js';
import { normalQuantile, tQuantile, tQuantileScipy } from './distributions.js';

/**
 * Sum of `values` in exactly numpy's order (`np.add.reduce`: pairwise summation in blocks of
 * 128 with an 8-way unrolled inner loop), so a mean equals numpy's to the last bit.
 */
export function numpySum(values: ArrayLike<number>, start = 0, end = values.length): number {
  const n = end - start;
  if (n < 8) {
    let res = 0; // numpy starts from +0.0, so np.sum([-0.0]) is 0.0
    for (let i = start; i < end; i++) res += values[i];
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += values[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(values, start, start + n2) + numpySum(values, start + n2, end);
}

/** Arithmetic mean as `np.mean` (pairwise sum / n). */
export function mean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}

/** Sample variance with `ddof` as scipy's `_var` (mean of squared deviations, times n/(n-ddof)). */
export function variance(values: ArrayLike<number>, ddof = 1): number {
  const n = values.length;
  const m = mean(values);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    sq[i] = d * d;
  }
  let v = numpySum(sq) / n;
  if (ddof !== 0) v *= n / (n - ddof);
  return v;
}

export interface MeanCi {
  mean: number;
  /** Standard error of the mean. */
  standardError: number;
  n: number;
  /** Degrees of freedom of the t critical value (n - 1, or clusters - 1 when clustered). */
  df: number;
  confidenceLevel: number;
  low: number;
  high: number;
}

function checkValues(values: readonly number[], fn: string, min: number): void {
  if (values.length < min) throw new UsageError(`${fn}: needs at least ${min} values, got ${values.length}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UsageError(`${fn}: value ${i} is not a finite number (${values[i]})`);
  }
}

function checkConfidence(level: number, fn: string): void {
  if (!(level > 0 && level < 1)) throw new UsageError(`${fn}: confidenceLevel must be in (0, 1), got ${level}`);
}

/**
 * Mean ± t_{n-1}·SE with SE = s/√n (s the sample standard deviation, ddof 1): the interval
 * scipy's `ttest_1samp(x, 0).confidence_interval(level)` gives (same t quantile routine).
 */
export function meanCi(values: readonly number[], confidenceLevel = 0.95): MeanCi {
  checkValues(values, 'meanCi', 2);
  checkConfidence(confidenceLevel, 'meanCi');
  const n = values.length;
  const m = mean(values);
  const se = Math.sqrt(variance(values, 1) / n);
  const df = n - 1;
  const tail = (1 - confidenceLevel) / 2;
  return {
    mean: m,
    standardError: se,
    n,
    df,
    confidenceLevel,
    low: tQuantileScipy(tail, df) * se + m,
    high: tQuantileScipy(1 - tail, df) * se + m,
  };
}

export interface ClusteredMeanOptions {
  confidenceLevel?: number;
  /**
   * Small-sample choice. 'cr1' (default) multiplies the variance by G/(G-1) for G clusters (the
   * Stata/CR1 factor for a mean) and uses a t critical value with G-1 degrees of freedom: with one
   * item per cluster it reduces exactly to `meanCi`. 'none' is Miller's equation as printed
   * (no factor) with the normal critical value.
   */
  smallSample?: 'cr1' | 'none';
}

export interface ClusteredMeanCi extends MeanCi {
  clusters: number;
  /** The naive (independent items) standard error s/√n, for comparison. */
  naiveStandardError: number;
  /** Variance inflation: (clustered SE / naive SE)². */
  designEffect: number;
  smallSample: 'cr1' | 'none';
}

/**
 * Cluster-robust standard error of a mean (Miller 2024, eq. 4): with residuals e = x - x̄,
 * SE² = Σ_c (Σ_{i∈c} e_i)² / n², i.e. the CLT variance plus all within-cluster cross terms;
 * scaled by G/(G-1) under the default small-sample choice (see `ClusteredMeanOptions`).
 * `clusters[i]` is any key (string or number) naming the cluster of `values[i]`.
 */
export function clusteredMeanCi(
  values: readonly number[],
  clusters: readonly (string | number)[],
  options: ClusteredMeanOptions = {},
): ClusteredMeanCi {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const smallSample = options.smallSample ?? 'cr1';
  checkValues(values, 'clusteredMeanCi', 2);
  checkConfidence(confidenceLevel, 'clusteredMeanCi');
  if (clusters.length !== values.length) {
    throw new UsageError(
      `clusteredMeanCi: clusters must have one key per value (${values.length}), got ${clusters.length}`,
    );
  }
  if (smallSample !== 'cr1' && smallSample !== 'none') {
    throw new UsageError(`clusteredMeanCi: smallSample must be 'cr1' or 'none', got "${String(smallSample)}"`);
  }
  const n = values.length;
  const m = mean(values);
  const sums = new Map<string | number, number>();
  for (let i = 0; i < n; i++) sums.set(clusters[i], (sums.get(clusters[i]) ?? 0) + (values[i] - m));
  const g = sums.size;
  if (g < 2) throw new UsageError(`clusteredMeanCi: needs at least 2 clusters, got ${g}`);
  let ss = 0;
  for (const s of sums.values()) ss += s * s;
  let v = ss / (n * n);
  if (smallSample === 'cr1') v *= g / (g - 1);
  const se = Math.sqrt(v);
  const naive = Math.sqrt(variance(values, 1) / n);
  const df = g - 1;
  const tail = (1 - confidenceLevel) / 2;
  const crit = smallSample === 'cr1' ? tQuantile(1 - tail, df) : normalQuantile(1 - tail);
  return {
    mean: m,
    standardError: se,
    n,
    df: smallSample === 'cr1' ? df : Infinity,
    confidenceLevel,
    low: m - crit * se,
    high: m + crit * se,
    clusters: g,
    naiveStandardError: naive,
    designEffect: (se / naive) ** 2,
    smallSample,
  };
}
