// Correlation coefficients with p-values, as scipy 1.10.1 `pearsonr` (exact beta null, Fisher-z
// confidence interval), `spearmanr` (t-distribution p-value) and `kendalltau` (tau-b,
// method='auto': exact null without ties for n <= 33 or near-perfect order, else normal approx).
import { UsageError } from '../core/errors.js';
import { type Alternative, ALTERNATIVES, betaCdf, betaSf, normalCdf, normalQuantile, normalSf } from './distributions.js';
import { mean, numpySum } from './mean-ci.js';
import { tTestPvalue } from './ttest.js';
import { rankData } from './wilcoxon.js';

export interface CorrelationResult {
  statistic: number;
  pvalue: number;
  n: number;
  alternative: Alternative;
}

export interface PearsonResult extends CorrelationResult {
  /** Fisher-z interval (one-sided for one-sided alternatives; [-1, 1] when n <= 3). */
  confidenceInterval(confidenceLevel?: number): { low: number; high: number };
}

export interface KendallResult extends CorrelationResult {
  methodUsed: 'exact' | 'asymptotic';
}

function checkPair(x: readonly number[], y: readonly number[], fn: string, min: number): void {
  if (x.length !== y.length) throw new UsageError(`${fn}: x and y must have the same length (${x.length} vs ${y.length})`);
  if (x.length < min) throw new UsageError(`${fn}: needs at least ${min} pairs, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new UsageError(`${fn}: pair ${i} is not a pair of finite numbers`);
  }
}

function checkAlternative(alternative: string, fn: string): void {
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`${fn}: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
}

const isConstant = (v: readonly number[]): boolean => v.every((e) => e === v[0]);

/** Pearson's r; p-value from the exact null distribution of r (beta on (-1, 1) with a = b = n/2 - 1). */
export function pearsonr(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): PearsonResult {
  checkPair(x, y, 'pearsonr', 2);
  checkAlternative(alternative, 'pearsonr');
  const n = x.length;
  const make = (statistic: number, pvalue: number): PearsonResult => ({
    statistic,
    pvalue,
    n,
    alternative,
    confidenceInterval: (level = 0.95) => fisherCi(statistic, n, level, alternative),
  });
  if (isConstant(x) || isConstant(y)) return make(NaN, NaN);
  if (n === 2) return make(Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]), 1);
  const xmean = mean(x);
  const ymean = mean(y);
  const xm = x.map((v) => v - xmean);
  const ym = y.map((v) => v - ymean);
  // scipy: linalg.norm (BLAS dnrm2) and np.dot (BLAS ddot); reproduced in their exact rounding so
  // that r, and the p-value near r = ±1, agree with scipy bit for bit.
  const normx = blasNrm2(xm);
  const normy = blasNrm2(ym);
  const dot = blasDot(
    xm.map((v) => v / normx),
    ym.map((v) => v / normy),
  );
  const r = Math.max(Math.min(dot, 1), -1);
  const ab = n / 2 - 1;
  let prob: number;
  if (alternative === 'two-sided') prob = 2 * betaSf((Math.abs(r) + 1) / 2, ab, ab);
  else if (alternative === 'less') prob = betaCdf((r + 1) / 2, ab, ab);
  else prob = betaSf((r + 1) / 2, ab, ab);
  return make(r, prob);
}

/** scipy `_pearsonr_fisher_ci`. */
function fisherCi(r: number, n: number, confidenceLevel: number, alternative: Alternative): { low: number; high: number } {
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new UsageError(`confidenceInterval: confidenceLevel must be in (0, 1), got ${confidenceLevel}`);
  }
  if (n <= 3) return { low: -1, high: 1 };
  const zr = r === 1 ? Infinity : r === -1 ? -Infinity : Math.atanh(r);
  const se = Math.sqrt(1 / (n - 3));
  if (alternative === 'two-sided') {
    const h = normalQuantile(0.5 + confidenceLevel / 2);
    return { low: Math.tanh(zr - h * se), high: Math.tanh(zr + h * se) };
  }
  const h = normalQuantile(confidenceLevel);
  if (alternative === 'less') return { low: -1, high: Math.tanh(zr + h * se) };
  return { low: Math.tanh(zr - h * se), high: 1 };
}

/** Spearman's rank correlation (Pearson on average ranks); p-value from t = r·√((n-2)/(1-r²)) on n-2 df. */
export function spearmanr(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): CorrelationResult {
  checkPair(x, y, 'spearmanr', 2);
  checkAlternative(alternative, 'spearmanr');
  const n = x.length;
  if (isConstant(x) || isConstant(y)) return { statistic: NaN, pvalue: NaN, n, alternative };
  // np.corrcoef on the ranks: centred cross-products scaled by 1/(n-1), then divided by both sds.
  const rx = rankData(x);
  const ry = rankData(y);
  const mx = mean(rx);
  const my = mean(ry);
  const cx = Array.from(rx, (v) => v - mx);
  const cy = Array.from(ry, (v) => v - my);
  const f = 1 / (n - 1);
  const cxx = numpySum(cx.map((v) => v * v)) * f;
  const cyy = numpySum(cy.map((v) => v * v)) * f;
  const cxy = numpySum(cx.map((v, i) => v * cy[i])) * f;
  const rs = Math.max(-1, Math.min(1, cxy / Math.sqrt(cxx) / Math.sqrt(cyy)));
  const dof = n - 2;
  const t = rs * Math.sqrt(Math.max(0, dof / ((rs + 1) * (1 - rs))));
  return { statistic: rs, pvalue: tTestPvalue(t, dof, alternative), n, alternative };
}

/** Number of pairs tied within each group of equal values, with scipy's two tie statistics. */
function tieStats(v: readonly number[]): { ties: number; t0: number; t1: number } {
  const counts = new Map<number, number>();
  for (const e of v) counts.set(e, (counts.get(e) ?? 0) + 1);
  let ties = 0;
  let t0 = 0;
  let t1 = 0;
  for (const c of counts.values()) {
    if (c <= 1) continue;
    ties += (c * (c - 1)) / 2;
    t0 += c * (c - 1) * (c - 2);
    t1 += c * (c - 1) * (2 * c + 5);
  }
  return { ties, t0, t1 };
}

/** Kendall's tau-b with scipy's method='auto' choice of exact or asymptotic p-value. */
export function kendalltau(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): KendallResult {
  checkPair(x, y, 'kendalltau', 1);
  checkAlternative(alternative, 'kendalltau');
  const size = x.length;
  const { discordant: dis, jointTies: ntie } = countDiscordant(x, y);
  const xs = tieStats(x);
  const ys = tieStats(y);
  const tot = (size * (size - 1)) / 2;
  if (xs.ties === tot || ys.ties === tot) return { statistic: NaN, pvalue: NaN, n: size, alternative, methodUsed: 'asymptotic' };
  const conMinusDis = tot - xs.ties - ys.ties + ntie - 2 * dis;
  let tau = conMinusDis / Math.sqrt(tot - xs.ties) / Math.sqrt(tot - ys.ties);
  tau = Math.min(1, Math.max(-1, tau));
  const noTies = xs.ties === 0 && ys.ties === 0;
  if (noTies && (size <= 33 || Math.min(dis, tot - dis) <= 1)) {
    return { statistic: tau, pvalue: kendallPExact(size, tot - dis, alternative), n: size, alternative, methodUsed: 'exact' };
  }
  const m = size * (size - 1);
  const variance =
    (m * (2 * size + 5) - xs.t1 - ys.t1) / 18 + (2 * xs.ties * ys.ties) / m + (xs.t0 * ys.t0) / (9 * m * (size - 2));
  const z = conMinusDis / Math.sqrt(variance);
  let p: number;
  if (alternative === 'less') p = normalCdf(z);
  else if (alternative === 'greater') p = normalSf(z);
  else p = 2 * normalSf(Math.abs(z));
  return { statistic: tau, pvalue: p, n: size, alternative, methodUsed: 'asymptotic' };
}

/**
 * Discordant pairs (strictly opposite order in x and y) and pairs tied in both, in O(n log n):
 * sort by (x, y), then count the inversions of y by merge sort (Knight 1966, as scipy).
 */
function countDiscordant(x: readonly number[], y: readonly number[]): { discordant: number; jointTies: number } {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  let jointTies = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && x[order[i]] === x[order[i - 1]] && y[order[i]] === y[order[i - 1]]) {
      run++;
    } else {
      jointTies += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  let cur = Float64Array.from(order, (i) => y[i]);
  let buf = new Float64Array(n);
  let discordant = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (cur[j] < cur[i]) {
          discordant += mid - i; // every remaining left element is strictly greater
          buf[k++] = cur[j++];
        } else {
          buf[k++] = cur[i++];
        }
      }
      while (i < mid) buf[k++] = cur[i++];
      while (j < hi) buf[k++] = cur[j++];
    }
    [cur, buf] = [buf, cur];
  }
  return { discordant, jointTies };
}

const factorialCache: number[] = [];

/** n! as the correctly rounded double (exact BigInt product, rounded once), as Python's int → float. */
function factorial(n: number): number {
  if (factorialCache[n] === undefined) {
    let f = 1n;
    for (let i = 2n; i <= BigInt(n); i++) f *= i;
    factorialCache[n] = Number(f);
  }
  return factorialCache[n];
}

/**
 * Exact null distribution of the number of concordant pairs c among n untied pairs (scipy
 * `_mstats_basic._kendall_p_exact`, Kendall 1970 recursion).
 */
export function kendallPExact(n: number, c: number, alternative: Alternative = 'two-sided'): number {
  const half = Math.floor((n * (n - 1)) / 2);
  const inRightTail = c >= half - c;
  const alternativeGreater = alternative === 'greater';
  c = Math.min(c, half - c);
  if (n <= 0) throw new UsageError(`kendallPExact: n must be positive, got ${n}`);
  if (c < 0 || 4 * c > n * (n - 1)) throw new UsageError(`kendallPExact: c must satisfy 0 <= 4c <= n(n-1)`);
  let prob: number;
  let pMassAtC = 0;
  if (n === 1) {
    prob = 1;
    pMassAtC = 1;
  } else if (n === 2) {
    prob = 1;
    pMassAtC = 0.5;
  } else if (c === 0) {
    prob = n < 171 ? 2 / factorial(n) : 0;
    pMassAtC = prob / 2;
  } else if (c === 1) {
    prob = n < 172 ? 2 / factorial(n - 1) : 0;
    pMassAtC = n < 171 ? (n - 1) / factorial(n) : 0;
  } else if (4 * c === n * (n - 1) && alternative === 'two-sided') {
    prob = 1;
  } else {
    let cur = new Float64Array(c + 1);
    cur[0] = 1;
    cur[1] = 1;
    const big = n >= 171;
    for (let j = 3; j <= n; j++) {
      const next = new Float64Array(c + 1);
      let acc = 0;
      for (let i = 0; i <= c; i++) {
        acc += cur[i];
        next[i] = big ? acc / j : acc;
      }
      // new[j:] -= new[:c+1-j], reading the values from before this subtraction.
      if (j <= c) for (let i = c; i >= j; i--) next[i] -= next[i - j];
      cur = next;
    }
    if (big) {
      prob = numpySum(cur);
      pMassAtC = cur[c] / 2;
    } else {
      prob = (2 * numpySum(cur)) / factorial(n);
      pMassAtC = cur[c] / factorial(n);
    }
  }
  if (alternative !== 'two-sided') {
    if (inRightTail === alternativeGreater) prob /= 2;
    else prob = 1 - prob / 2 + pMassAtC;
  }
  return Math.min(1, Math.max(0, prob));
}

// ---- BLAS reductions as scipy's Debian build computes them (OpenBLAS 0.3.21) ----

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp splitting constant

/** a·b = p + e exactly (Dekker), barring overflow and underflow. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** a + b = s + e exactly (Knuth). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const bitsView = new DataView(new ArrayBuffer(8));

/** a + b rounded to odd (the neighbour with an odd last significand bit when inexact). */
function addRoundToOdd(a: number, b: number): number {
  const [s, e] = twoSum(a, b);
  if (e === 0) return s;
  bitsView.setFloat64(0, s);
  const lo = bitsView.getUint32(4);
  if ((lo & 1) === 1) return s;
  if (s === 0) return e > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  // step one ulp toward the exact value: away from zero when e has the sign of s
  const bits = bitsView.getBigUint64(0);
  bitsView.setBigUint64(0, e > 0 === s > 0 ? bits + 1n : bits - 1n);
  return bitsView.getFloat64(0);
}

/**
 * Fused multiply-add a·b + c with a single rounding, emulated in double arithmetic
 * (Boldo & Melquiond 2008: exact product, then a correctly rounded three-term sum via round-to-odd).
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const [ph, pl] = twoProduct(a, b);
  if (!Number.isFinite(ph)) return a * b + c;
  const [uh, ul] = twoSum(pl, c);
  const [th, tl] = twoSum(ph, uh);
  return th + addRoundToOdd(tl, ul);
}

/**
 * BLAS ddot as OpenBLAS computes it on x86-64 (Haswell/Zen kernel): blocks of 16 accumulated
 * with FMA in four 4-wide vector registers, reduced pairwise, then a plain loop over the tail.
 */
export function blasDot(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const n1 = n - (n % 16);
  let dot = 0;
  if (n1 > 0) {
    const acc = new Float64Array(16);
    for (let i = 0; i < n1; i += 16) {
      for (let k = 0; k < 16; k++) acc[k] = fusedMultiplyAdd(x[i + k], y[i + k], acc[k]);
    }
    // acc[4r + j]: register r, lane j. Per register: lanes (0+2, 1+3); then r0+r1, r2+r3, sum, hadd.
    const h = [0, 1, 2, 3].map((r) => [acc[4 * r] + acc[4 * r + 2], acc[4 * r + 1] + acc[4 * r + 3]]);
    const h4 = [h[0][0] + h[1][0], h[0][1] + h[1][1]];
    const h6 = [h[2][0] + h[3][0], h[2][1] + h[3][1]];
    dot = h4[0] + h6[0] + (h4[1] + h6[1]);
  }
  for (let i = n1; i < n; i++) dot += y[i] * x[i];
  return dot;
}

/**
 * Euclidean norm as OpenBLAS dnrm2 on x86-64 (x87 extended-precision sum of squares): the
 * correctly rounded √(Σ x²), computed here with a double-double sum and one Newton correction.
 */
export function blasNrm2(x: readonly number[]): number {
  let hi = 0;
  let lo = 0;
  for (const v of x) {
    const [p, e] = twoProduct(v, v);
    const [s, t] = twoSum(hi, p);
    hi = s;
    lo += t + e;
  }
  [hi, lo] = twoSum(hi, lo);
  if (hi === 0 || !Number.isFinite(hi)) return Math.sqrt(hi);
  const r = Math.sqrt(hi);
  const [p, e] = twoProduct(r, r);
  return r + (hi - p - e + lo) / (2 * r);
}
