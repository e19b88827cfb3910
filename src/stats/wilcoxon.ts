// Wilcoxon signed-rank test as scipy 1.10.1 `stats.wilcoxon` (exact null distribution for
// n <= 50 without zeros, else the normal approximation with tie and zero handling), including
// scipy 1.10.1's int() truncation of R+ in the exact branch when |d| has ties.
import { UsageError } from '../core/errors.js';
import { type Alternative, ALTERNATIVES, normalCdf, normalSf } from './distributions.js';
import { numpySum } from './mean-ci.js';

/**
 * Ranks 1..n with ties given their average rank, as scipy `rankdata(a, method='average')`.
 * NaN is not accepted (callers validate).
 */
export function rankData(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => values[i] - values[j] || i - j);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    // scipy: 0.5 * (count[dense] + count[dense - 1] + 1) with count the cumulative tie counts.
    const r = 0.5 * (j + i + 1);
    for (let k = i; k < j; k++) ranks[order[k]] = r;
    i = j;
  }
  return ranks;
}

export const ZERO_METHODS = ['wilcox', 'pratt', 'zsplit'] as const;
export type ZeroMethod = (typeof ZERO_METHODS)[number];
export type WilcoxonMethod = 'auto' | 'exact' | 'approx';

export interface WilcoxonOptions {
  /** How zero differences are treated (default 'wilcox': dropped). */
  zeroMethod?: ZeroMethod;
  /** Continuity correction of the normal approximation (default false). */
  correction?: boolean;
  alternative?: Alternative;
  /** 'auto' (default): exact when n <= 50 and no difference is zero, else normal approximation. */
  method?: WilcoxonMethod;
}

export interface WilcoxonResult {
  /** min(R+, R-) for the two-sided test, R+ for one-sided tests. */
  statistic: number;
  pvalue: number;
  /** The z of the normal approximation (undefined when the exact distribution was used). */
  zstatistic?: number;
  methodUsed: 'exact' | 'approx';
  /** Number of differences exactly 0. */
  nZeroDiffs: number;
  /** Number of differences entering the ranks (zeros excluded for 'wilcox' in the approximation). */
  n: number;
}

const distrCache = new Map<number, Float64Array>();

/** Null distribution of R+ for n untied, nonzero differences (scipy `_get_wilcoxon_distr`). */
export function wilcoxonDistribution(n: number): Float64Array {
  const cached = distrCache.get(n);
  if (cached) return cached;
  let c = new Float64Array([1]);
  for (let k = 1; k <= n; k++) {
    const prev = c;
    c = new Float64Array((k * (k + 1)) / 2 + 1);
    const m = prev.length;
    for (let i = 0; i < m; i++) c[i] = prev[i] * 0.5;
    const off = c.length - m;
    for (let i = 0; i < m; i++) c[off + i] += prev[i] * 0.5;
  }
  distrCache.set(n, c);
  return c;
}

/**
 * Wilcoxon signed-rank test of x - y (or of x alone when y is null) against a distribution
 * symmetric about 0.
 */
export function wilcoxon(x: readonly number[], y: readonly number[] | null = null, options: WilcoxonOptions = {}): WilcoxonResult {
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  const correction = options.correction ?? false;
  const alternative = options.alternative ?? 'two-sided';
  const method = options.method ?? 'auto';
  if (!(ZERO_METHODS as readonly string[]).includes(zeroMethod)) {
    throw new UsageError(`wilcoxon: zeroMethod must be one of ${ZERO_METHODS.join(', ')}, got "${zeroMethod}"`);
  }
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`wilcoxon: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
  if (!['auto', 'exact', 'approx'].includes(method)) {
    throw new UsageError(`wilcoxon: method must be one of auto, exact, approx, got "${method}"`);
  }
  if (y !== null && y.length !== x.length) {
    throw new UsageError(`wilcoxon: x and y must have the same length (${x.length} vs ${y.length})`);
  }
  let d: number[] = x.map((v, i) => {
    const diff = y === null ? v : v - y[i];
    if (!Number.isFinite(diff)) throw new UsageError(`wilcoxon: pair ${i} is not a finite number`);
    return diff;
  });
  if (d.length === 0) {
    return { statistic: NaN, pvalue: NaN, zstatistic: method === 'approx' ? NaN : undefined, methodUsed: method === 'exact' ? 'exact' : 'approx', nZeroDiffs: 0, n: 0 };
  }
  let mode: 'exact' | 'approx' = method === 'auto' ? (d.length <= 50 ? 'exact' : 'approx') : method;
  const nZero = d.filter((v) => v === 0).length;
  if (nZero > 0 && mode === 'exact') mode = 'approx';
  if (mode === 'approx') {
    if ((zeroMethod === 'wilcox' || zeroMethod === 'pratt') && nZero === d.length) {
      throw new UsageError(`wilcoxon: zeroMethod '${zeroMethod}' does not work when every difference is zero; use 'zsplit'`);
    }
    if (zeroMethod === 'wilcox') d = d.filter((v) => v !== 0);
  }
  const count = d.length;
  const r = rankData(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  for (let i = 0; i < count; i++) {
    if (d[i] > 0) rPlus += r[i];
    else if (d[i] < 0) rMinus += r[i];
    else rZero += r[i];
  }
  if (zeroMethod === 'zsplit') {
    rPlus += rZero / 2;
    rMinus += rZero / 2;
  }
  const T = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;

  if (mode === 'approx') {
    let mn = count * (count + 1) * 0.25;
    let se = count * (count + 1) * (2 * count + 1);
    let ranksForTies: ArrayLike<number> = r;
    if (zeroMethod === 'pratt') {
      ranksForTies = r.filter((_, i) => d[i] !== 0);
      mn -= nZero * (nZero + 1) * 0.25;
      se -= nZero * (nZero + 1) * (2 * nZero + 1);
    }
    const tieCounts = new Map<number, number>();
    for (let i = 0; i < ranksForTies.length; i++) tieCounts.set(ranksForTies[i], (tieCounts.get(ranksForTies[i]) ?? 0) + 1);
    let tieSum = 0;
    for (const t of tieCounts.values()) if (t > 1) tieSum += t * (t * t - 1);
    se -= 0.5 * tieSum;
    se = Math.sqrt(se / 24);
    let cc = 0;
    if (correction) {
      if (alternative === 'two-sided') cc = 0.5 * Math.sign(T - mn);
      else if (alternative === 'less') cc = -0.5;
      else cc = 0.5;
    }
    const z = (T - mn - cc) / se;
    let prob: number;
    if (alternative === 'two-sided') prob = 2 * normalSf(Math.abs(z));
    else if (alternative === 'greater') prob = normalSf(z);
    else prob = normalCdf(z);
    return { statistic: T, pvalue: prob, zstatistic: z, methodUsed: 'approx', nZeroDiffs: nZero, n: count };
  }

  const pmf = wilcoxonDistribution(count);
  // scipy 1.10.1 truncates R+ (a half-integer when |d| has ties) before indexing the exact pmf.
  const rp = Math.trunc(rPlus);
  let prob: number;
  if (alternative === 'two-sided') {
    if (rp === Math.floor((pmf.length - 1) / 2)) {
      prob = 1;
    } else {
      const pLess = numpySum(pmf, 0, rp + 1);
      const pGreater = numpySum(pmf, rp, pmf.length);
      prob = 2 * Math.min(pGreater, pLess);
    }
  } else if (alternative === 'greater') {
    prob = numpySum(pmf, rp, pmf.length);
  } else {
    prob = numpySum(pmf, 0, rp + 1);
  }
  prob = Math.min(1, Math.max(0, prob));
  return { statistic: T, pvalue: prob, methodUsed: 'exact', nZeroDiffs: nZero, n: count };
}
