// Confidence intervals and the exact test for one binomial proportion. Follows statsmodels 0.13.5
// `proportion_confint` and scipy 1.10.1 `binomtest` (incl. its two-sided p-value with relative
// tolerance 1 + 1e-7 and `proportion_ci` via scipy's own Brent root finder, ported below).
import { UsageError } from '../core/errors.js';
import {
  type Alternative,
  ALTERNATIVES,
  betaQuantile,
  binomialCdf,
  binomialPmf,
  binomialSf,
  normalIsf,
  normalQuantile,
} from './distributions.js';

export const PROPORTION_CI_METHODS = ['wilson', 'beta', 'normal', 'agresti_coull', 'jeffreys'] as const;
export type ProportionCiMethod = (typeof PROPORTION_CI_METHODS)[number];

export interface Interval {
  low: number;
  high: number;
}

function checkCounts(count: number, nobs: number, fn: string, integers: boolean): void {
  if (!Number.isFinite(nobs) || nobs <= 0 || (integers && !Number.isInteger(nobs))) {
    throw new UsageError(`${fn}: nobs must be a positive ${integers ? 'integer' : 'number'}, got ${nobs}`);
  }
  if (!Number.isFinite(count) || count < 0 || count > nobs || (integers && !Number.isInteger(count))) {
    throw new UsageError(`${fn}: count must be ${integers ? 'an integer' : 'a number'} in [0, ${nobs}], got ${count}`);
  }
}

function checkLevel(value: number, name: string, fn: string): void {
  if (!(value > 0 && value < 1)) throw new UsageError(`${fn}: ${name} must be in (0, 1), got ${value}`);
}

function checkAlternative(alternative: string, fn: string): asserts alternative is Alternative {
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`${fn}: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
}

const clip01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * Two-sided confidence interval with coverage 1 - alpha for a binomial proportion count/nobs,
 * exactly as statsmodels `proportion_confint` (normal and agresti_coull are clipped to [0, 1];
 * beta and jeffreys are central intervals with alpha/2 in each tail).
 */
export function proportionConfint(
  count: number,
  nobs: number,
  alpha = 0.05,
  method: ProportionCiMethod = 'wilson',
): Interval {
  checkCounts(count, nobs, 'proportionConfint', false);
  checkLevel(alpha, 'alpha', 'proportionConfint');
  const q = (count * 1) / nobs;
  const alpha2 = 0.5 * alpha;
  switch (method) {
    case 'normal': {
      const std = Math.sqrt((q * (1 - q)) / nobs);
      const dist = normalIsf(alpha / 2) * std;
      return { low: clip01(q - dist), high: clip01(q + dist) };
    }
    case 'beta': {
      const low = q !== 0 ? betaQuantile(alpha2, count, nobs - count + 1) : 0;
      // scipy beta.isf(alpha/2) is the upper quantile: ppf(1 - alpha/2).
      const high = q !== 1 ? betaQuantile(1 - alpha2, count + 1, nobs - count) : 1;
      return { low, high };
    }
    case 'agresti_coull': {
      const crit = normalIsf(alpha / 2);
      const nobsC = nobs + crit ** 2;
      const qC = (count + crit ** 2 / 2) / nobsC;
      const dist = crit * Math.sqrt((qC * (1 - qC)) / nobsC);
      return { low: clip01(qC - dist), high: clip01(qC + dist) };
    }
    case 'wilson': {
      const crit = normalIsf(alpha / 2);
      const crit2 = crit ** 2;
      const denom = 1 + crit2 / nobs;
      const center = (q + crit2 / (2 * nobs)) / denom;
      let dist = crit * Math.sqrt((q * (1 - q)) / nobs + crit2 / (4 * nobs ** 2));
      dist /= denom;
      // At count 0 (or nobs) the bound is exactly 0 (or 1), as statsmodels' arithmetic gives; our
      // normal quantile differs from scipy's in the last bits, which would leave ±3e-17 here.
      return { low: count === 0 ? 0 : center - dist, high: count === nobs ? 1 : center + dist };
    }
    case 'jeffreys': {
      // scipy `beta.interval(1 - alpha)` recomputes the tails from the confidence level.
      const confidence = 1 - alpha;
      const a = count + 0.5;
      const b = nobs - count + 0.5;
      return { low: betaQuantile((1 - confidence) / 2, a, b), high: betaQuantile((1 + confidence) / 2, a, b) };
    }
    default:
      throw new UsageError(
        `proportionConfint: method must be one of ${PROPORTION_CI_METHODS.join(', ')}, got "${String(method)}"`,
      );
  }
}

// ---- scipy binomtest ----

export const BINOM_CI_METHODS = ['exact', 'wilson', 'wilsoncc'] as const;
export type BinomCiMethod = (typeof BINOM_CI_METHODS)[number];

export interface BinomTestResult {
  k: number;
  n: number;
  p: number;
  alternative: Alternative;
  /** The estimated proportion k/n. */
  statistic: number;
  pvalue: number;
  /** Confidence interval for the proportion (scipy `proportion_ci`), one-sided for one-sided alternatives. */
  proportionCi(confidenceLevel?: number, method?: BinomCiMethod): Interval;
}

/** scipy `_binary_search_for_binom_tst`: the i in [lo, hi] with a(i) <= d < a(i+1). */
function binarySearchForBinomTst(a: (x: number) => number, d: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const midval = a(mid);
    if (midval < d) lo = mid + 1;
    else if (midval > d) hi = mid - 1;
    else return mid;
  }
  return a(lo) <= d ? lo : lo - 1;
}

/**
 * Exact binomial test of H0: success probability = p (scipy 1.10.1 `binomtest`). The two-sided
 * p-value sums the probabilities of all outcomes no more likely than k (within relative 1e-7).
 */
export function binomTest(k: number, n: number, p = 0.5, alternative: Alternative = 'two-sided'): BinomTestResult {
  checkCounts(k, n, 'binomTest', true);
  if (!(p >= 0 && p <= 1)) throw new UsageError(`binomTest: p must be in [0, 1], got ${p}`);
  checkAlternative(alternative, 'binomTest');
  let pval: number;
  if (alternative === 'less') {
    pval = binomialCdf(k, n, p);
  } else if (alternative === 'greater') {
    pval = binomialSf(k - 1, n, p);
  } else {
    const d = binomialPmf(k, n, p);
    const rerr = 1 + 1e-7;
    if (k === p * n) {
      pval = 1;
    } else if (k < p * n) {
      const ix = binarySearchForBinomTst((x) => -binomialPmf(x, n, p), -d * rerr, Math.ceil(p * n), n);
      const y = n - ix + (d * rerr === binomialPmf(ix, n, p) ? 1 : 0);
      pval = binomialCdf(k, n, p) + binomialSf(n - y, n, p);
    } else {
      const ix = binarySearchForBinomTst((x) => binomialPmf(x, n, p), d * rerr, 0, Math.floor(p * n));
      const y = ix + 1;
      pval = binomialCdf(y - 1, n, p) + binomialSf(k - 1, n, p);
    }
    pval = Math.min(1, pval);
  }
  return {
    k,
    n,
    p,
    alternative,
    statistic: k / n,
    pvalue: pval,
    proportionCi: (confidenceLevel = 0.95, method: BinomCiMethod = 'exact') =>
      binomProportionCi(k, n, confidenceLevel, alternative, method),
  };
}

/** scipy `BinomTestResult.proportion_ci`: Clopper-Pearson ('exact'), Wilson, or Wilson with continuity correction. */
export function binomProportionCi(
  k: number,
  n: number,
  confidenceLevel: number,
  alternative: Alternative,
  method: BinomCiMethod,
): Interval {
  checkCounts(k, n, 'proportionCi', true);
  if (!(confidenceLevel >= 0 && confidenceLevel <= 1)) {
    throw new UsageError(`proportionCi: confidenceLevel must be in [0, 1], got ${confidenceLevel}`);
  }
  checkAlternative(alternative, 'proportionCi');
  if (method === 'exact') return binomExactConfInt(k, n, confidenceLevel, alternative);
  if (method === 'wilson' || method === 'wilsoncc') {
    return binomWilsonConfInt(k, n, confidenceLevel, alternative, method === 'wilsoncc');
  }
  throw new UsageError(`proportionCi: method must be one of ${BINOM_CI_METHODS.join(', ')}, got "${String(method)}"`);
}

function binomExactConfInt(k: number, n: number, confidenceLevel: number, alternative: Alternative): Interval {
  const lowerBound = (alpha: number): number => (k === 0 ? 0 : brentq((p) => binomialSf(k - 1, n, p) - alpha, 0, 1));
  const upperBound = (alpha: number): number => (k === n ? 1 : brentq((p) => binomialCdf(k, n, p) - alpha, 0, 1));
  if (alternative === 'two-sided') {
    const alpha = (1 - confidenceLevel) / 2;
    return { low: lowerBound(alpha), high: upperBound(alpha) };
  }
  const alpha = 1 - confidenceLevel;
  if (alternative === 'less') return { low: 0, high: upperBound(alpha) };
  return { low: lowerBound(alpha), high: 1 };
}

function binomWilsonConfInt(
  k: number,
  n: number,
  confidenceLevel: number,
  alternative: Alternative,
  correction: boolean,
): Interval {
  const p = k / n;
  const z = alternative === 'two-sided' ? normalQuantile(0.5 + 0.5 * confidenceLevel) : normalQuantile(confidenceLevel);
  const denom = 2 * (n + z ** 2);
  const center = (2 * n * p + z ** 2) / denom;
  const q = 1 - p;
  let lo: number;
  let hi: number;
  if (correction) {
    if (alternative === 'less' || k === 0) {
      lo = 0;
    } else {
      const dlo = (1 + z * Math.sqrt(z ** 2 - 2 - 1 / n + 4 * p * (n * q + 1))) / denom;
      lo = center - dlo;
    }
    if (alternative === 'greater' || k === n) {
      hi = 1;
    } else {
      const dhi = (1 + z * Math.sqrt(z ** 2 + 2 - 1 / n + 4 * p * (n * q - 1))) / denom;
      hi = center + dhi;
    }
  } else {
    const delta = (z / denom) * Math.sqrt(4 * n * p * q + z ** 2);
    lo = alternative === 'less' || k === 0 ? 0 : center - delta;
    hi = alternative === 'greater' || k === n ? 1 : center + delta;
  }
  return { low: lo, high: hi };
}

/**
 * Brent's root finder exactly as scipy's `optimize.brentq` (C `brentq.c`, defaults xtol 2e-12,
 * rtol 4·eps, 100 iterations), so that roots agree with scipy to the last bits, not only to xtol.
 */
export function brentq(f: (x: number) => number, xa: number, xb: number, xtol = 2e-12, rtol = 8.881784197001252e-16, maxiter = 100): number {
  let xpre = xa;
  let xcur = xb;
  let xblk = 0;
  let fblk = 0;
  let spre = 0;
  let scur = 0;
  let fpre = f(xpre);
  let fcur = f(xcur);
  if (fpre === 0) return xpre;
  if (fcur === 0) return xcur;
  if (signbit(fpre) === signbit(fcur)) throw new RangeError('brentq: f(a) and f(b) must have different signs');
  for (let i = 0; i < maxiter; i++) {
    if (fpre !== 0 && fcur !== 0 && signbit(fpre) !== signbit(fcur)) {
      xblk = xpre;
      fblk = fpre;
      spre = scur = xcur - xpre;
    }
    if (Math.abs(fblk) < Math.abs(fcur)) {
      xpre = xcur;
      xcur = xblk;
      xblk = xpre;
      fpre = fcur;
      fcur = fblk;
      fblk = fpre;
    }
    const delta = (xtol + rtol * Math.abs(xcur)) / 2;
    const sbis = (xblk - xcur) / 2;
    if (fcur === 0 || Math.abs(sbis) < delta) return xcur;
    if (Math.abs(spre) > delta && Math.abs(fcur) < Math.abs(fpre)) {
      let stry: number;
      if (xpre === xblk) {
        stry = (-fcur * (xcur - xpre)) / (fcur - fpre); // interpolate
      } else {
        const dpre = (fpre - fcur) / (xpre - xcur); // extrapolate
        const dblk = (fblk - fcur) / (xblk - xcur);
        stry = (-fcur * (fblk * dblk - fpre * dpre)) / (dblk * dpre * (fblk - fpre));
      }
      if (2 * Math.abs(stry) < Math.min(Math.abs(spre), 3 * Math.abs(sbis) - delta)) {
        spre = scur; // good short step
        scur = stry;
      } else {
        spre = sbis;
        scur = sbis;
      }
    } else {
      spre = sbis;
      scur = sbis;
    }
    xpre = xcur;
    fpre = fcur;
    xcur += Math.abs(scur) > delta ? scur : sbis > 0 ? delta : -delta;
    fcur = f(xcur);
  }
  throw new RangeError(`brentq: no convergence in ${maxiter} iterations`);
}

function signbit(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}
