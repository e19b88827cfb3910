// Probability distributions for assay's tests, built on @stdlib (whose incomplete beta and
// inverse are ports of Boost.Math, the library scipy 1.10 itself uses for beta and binomial).
// Survival functions are computed from the complementary tail directly, never as 1 - cdf, except
// chiSquareSf for df > 2 (no upper incomplete gamma is a direct dependency; see docs/statistics.md).
import betainc from '@stdlib/math-base-special-betainc';
import betaQuantileStdlib from '@stdlib/stats-base-dists-beta-quantile';
import binomialPmfStdlib from '@stdlib/stats-base-dists-binomial-pmf';
import chiSquareCdfStdlib from '@stdlib/stats-base-dists-chisquare-cdf';
import chiSquareQuantileStdlib from '@stdlib/stats-base-dists-chisquare-quantile';
import normalCdfStdlib from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStdlib from '@stdlib/stats-base-dists-normal-quantile';
import tCdfStdlib from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStdlib from '@stdlib/stats-base-dists-t-quantile';

/** The three alternative hypotheses every test in assay accepts (scipy's names). */
export type Alternative = 'two-sided' | 'less' | 'greater';

export const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];

// ---- normal ----

/** Standard normal CDF Φ(x) (scipy `norm.cdf` / `special.ndtr`). */
export function normalCdf(x: number): number {
  return normalCdfStdlib(x, 0, 1);
}

/** Standard normal survival 1 - Φ(x), computed as Φ(-x) (scipy `norm.sf`). */
export function normalSf(x: number): number {
  return normalCdfStdlib(-x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p) (scipy `norm.ppf` / `special.ndtri`). */
export function normalQuantile(p: number): number {
  return normalQuantileStdlib(p, 0, 1);
}

/** Inverse survival function: the z with P(Z > z) = q (scipy `norm.isf(q)` = -ndtri(q)). */
export function normalIsf(q: number): number {
  return -normalQuantileStdlib(q, 0, 1);
}

// ---- Student t ----

/** Student t CDF (scipy `special.stdtr(df, x)`). */
export function tCdf(x: number, df: number): number {
  return tCdfStdlib(x, df);
}

/** Student t survival P(T > x), computed by symmetry as cdf(-x). */
export function tSf(x: number, df: number): number {
  return tCdfStdlib(-x, df);
}

/** Student t quantile (scipy `special.stdtrit(df, p)`); ±Infinity at p = 0 / 1. */
export function tQuantile(p: number, df: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return tQuantileStdlib(p, df);
}

// ---- chi-square ----

/** Chi-square CDF with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return chiSquareCdfStdlib(x, df);
}

/**
 * Chi-square survival P(X > x) (scipy `chi2.sf`). For df = 1 it is 2Φ(-√x) and for df = 2 it is
 * exp(-x/2), both exact in the far tail; for other df it is 1 - cdf (absolute accuracy ~1e-16).
 */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (df === 1) return 2 * normalCdfStdlib(-Math.sqrt(x), 0, 1);
  if (df === 2) return Math.exp(-x / 2);
  return 1 - chiSquareCdfStdlib(x, df);
}

/** Chi-square quantile. */
export function chiSquareQuantile(p: number, df: number): number {
  return chiSquareQuantileStdlib(p, df);
}

// ---- binomial ----

/** Binomial pmf P(X = k) for X ~ Bin(n, p); 0 outside 0..n. */
export function binomialPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  return binomialPmfStdlib(k, n, p);
}

/**
 * Binomial CDF P(X <= k) (scipy 1.10 `binom.cdf`, Boost `ibetac(k+1, n-k, p)`); k is floored,
 * 0 below the support, 1 at or above n.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  return betainc(p, kk + 1, n - kk, true, true);
}

/** Binomial survival P(X > k) (scipy 1.10 `binom.sf`, Boost `ibeta(k+1, n-k, p)`). */
export function binomialSf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 1;
  if (kk >= n) return 0;
  return betainc(p, kk + 1, n - kk, true, false);
}

// ---- beta ----

/** Beta CDF I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betainc(x, a, b, true, false);
}

/** Beta survival 1 - I_x(a, b), from the upper incomplete beta directly. */
export function betaSf(x: number, a: number, b: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  return betainc(x, a, b, true, true);
}

/** Beta quantile (scipy `beta.ppf`). */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileStdlib(p, a, b);
}
