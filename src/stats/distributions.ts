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

// ---- scipy 1.10 `special.stdtrit` (CDFLIB cdft, which = 2) ----
//
// scipy < 1.12 inverts the t CDF with CDFLIB's bracketing search (DINVR) and Bus-Dekker zero
// finder (DZROR) at relative tolerance 1e-8, so its quantiles differ from the exact ones (above)
// by up to ~1e-9 relative. scipy's t-test confidence intervals use it; this port reproduces them.
// CDFLIB's CUMT/BRATIO are replaced by @stdlib's incomplete beta, which agrees to ~1e-16.

/** CDFLIB DEVLPL: a[0] + a[1]x + ... by Horner's rule. */
function devlpl(a: readonly number[], x: number): number {
  let term = a[a.length - 1];
  for (let i = a.length - 2; i >= 0; i--) term = a[i] + term * x;
  return term;
}

/** CDFLIB DINVNR: normal quantile by Newton from the Kennedy-Gentle start (STVALN). */
function cdflibDinvnr(p: number, q: number): number {
  const qporq = p <= q;
  const pp = qporq ? p : q;
  const sign = pp <= 0.5 ? -1 : 1;
  const z = pp <= 0.5 ? pp : 1 - pp;
  const y = Math.sqrt(-2 * Math.log(z));
  const xnum = [-0.322232431088, -1.0, -0.342242088547, -0.204231210245e-1, -0.453642210148e-4];
  const xden = [0.99348462606e-1, 0.588581570495, 0.531103462366, 0.10353775285, 0.38560700634e-2];
  const strtx = sign * (y + devlpl(xnum, y) / devlpl(xden, y));
  let xcur = strtx;
  for (let i = 0; i < 100; i++) {
    const dx = (normalCdfStdlib(xcur, 0, 1) - pp) / (0.3989422804014326 * Math.exp(-0.5 * xcur * xcur));
    xcur -= dx;
    if (Math.abs(dx / xcur) < 1e-13) return qporq ? xcur : -xcur;
  }
  return qporq ? strtx : -strtx;
}

/** CDFLIB DT1: Abramowitz-Stegun 26.7.5 start value for the t quantile. */
function cdflibDt1(p: number, q: number, df: number): number {
  const x = Math.abs(cdflibDinvnr(p, q));
  const xx = x * x;
  const coef = [
    [1, 1],
    [3, 16, 5],
    [-15, 17, 19, 3],
    [-945, -1920, 1482, 776, 79],
  ];
  const denom = [4, 96, 384, 92160];
  let sum = x;
  let denpow = 1;
  for (let i = 0; i < 4; i++) {
    const term = devlpl(coef[i], xx) * x;
    denpow *= df;
    sum += term / (denpow * denom[i]);
  }
  return p >= 0.5 ? sum : -sum;
}

/** CDFLIB CUMT: [cdf, 1 - cdf] of Student t, each from the better-conditioned incomplete beta. */
function cdflibCumt(t: number, df: number): [number, number] {
  const tt = t * t;
  const dfptt = df + tt;
  const xx = df / dfptt;
  const yy = tt / dfptt;
  // a = I_xx(df/2, 1/2), oma = 1 - a (CUMBET with x = xx, y = yy)
  let a: number;
  let oma: number;
  if (xx <= 0) {
    a = 0;
    oma = 1;
  } else if (yy <= 0) {
    a = 1;
    oma = 0;
  } else if (xx <= yy) {
    a = betainc(xx, 0.5 * df, 0.5, true, false);
    oma = betainc(xx, 0.5 * df, 0.5, true, true);
  } else {
    a = betainc(yy, 0.5, 0.5 * df, true, true);
    oma = betainc(yy, 0.5, 0.5 * df, true, false);
  }
  if (t <= 0) {
    const cum = 0.5 * a;
    return [cum, oma + cum];
  }
  const ccum = 0.5 * a;
  return [oma + ccum, ccum];
}

/** CDFLIB DZROR (Bus & Dekker 1975, algorithm R) on a bracketing interval; returns XLO. */
function cdflibDzror(f: (x: number) => number, xxlo: number, xxhi: number, abstol: number, reltol: number): number {
  const ftol = (zx: number): number => 0.5 * Math.max(abstol, reltol * Math.abs(zx));
  let xlo = xxlo;
  const xhi = xxhi;
  let b = xlo;
  let fb = f(b);
  xlo = xhi;
  let a = xlo;
  let fa = f(a);
  if ((fb < 0 && fa < 0) || (fb > 0 && fa > 0)) throw new RangeError('stdtrit: zero finder lost its bracket');
  let c = 0;
  let fc = 0;
  let d = 0;
  let fd = 0;
  let first = true;
  let ext = 0;
  let restart = true;
  for (let iter = 0; iter < 1000; iter++) {
    if (restart) {
      c = a;
      fc = fa;
      ext = 0;
      restart = false;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      if (c !== a) {
        d = a;
        fd = fa;
      }
      a = b;
      fa = fb;
      xlo = c;
      b = xlo;
      fb = fc;
      c = a;
      fc = fa;
    }
    let tol = ftol(xlo);
    const m = (c + b) * 0.5;
    const mb = m - b;
    if (!(Math.abs(mb) > tol)) return xlo;
    let w: number;
    if (ext > 3) {
      w = mb;
    } else {
      tol = mb >= 0 ? Math.abs(tol) : -Math.abs(tol);
      let p = (b - a) * fb;
      let q: number;
      if (first) {
        q = fa - fb;
        first = false;
      } else {
        const fdb = (fd - fb) / (d - b);
        const fda = (fd - fa) / (d - a);
        p = fda * p;
        q = fdb * fa - fda * fb;
      }
      if (p < 0) {
        p = -p;
        q = -q;
      }
      if (ext === 3) p *= 2;
      if (p * 1 === 0 || p <= q * tol) w = tol;
      else if (p < mb * q) w = p / q;
      else w = mb;
    }
    d = a;
    fd = fa;
    a = b;
    fa = fb;
    b = b + w;
    xlo = b;
    fb = f(xlo);
    if (fc * fb >= 0) {
      restart = true;
      continue;
    }
    ext = w === mb ? 0 : ext + 1;
  }
  return xlo;
}

/**
 * CDFLIB DINVR: step from x0 (initial step max(absstp, relstp|x0|), multiplied by stpmul) until
 * the root is bracketed within [small, big], then DZROR.
 */
function cdflibDinvr(
  f: (x: number) => number,
  x0: number,
  small: number,
  big: number,
  absstp: number,
  relstp: number,
  stpmul: number,
  abstol: number,
  reltol: number,
): number {
  const fsmall = f(small);
  const fbig = f(big);
  const qincr = fbig > fsmall;
  if (qincr ? fsmall > 0 || fbig < 0 : fsmall < 0 || fbig > 0) return qincr === fsmall > 0 ? small : big;
  let step = Math.max(absstp, relstp * Math.abs(x0));
  let yy = f(x0);
  if (yy === 0) return x0;
  const qup = (qincr && yy < 0) || (!qincr && yy > 0);
  let xlb: number;
  let xub: number;
  if (qup) {
    xlb = x0;
    xub = Math.min(xlb + step, big);
    for (;;) {
      yy = f(xub);
      const qbdd = (qincr && yy >= 0) || (!qincr && yy <= 0);
      const qlim = xub >= big;
      if (qbdd || qlim) {
        if (qlim && !qbdd) return big;
        break;
      }
      step *= stpmul;
      xlb = xub;
      xub = Math.min(xlb + step, big);
    }
  } else {
    xub = x0;
    xlb = Math.max(xub - step, small);
    for (;;) {
      yy = f(xlb);
      const qbdd = (qincr && yy <= 0) || (!qincr && yy >= 0);
      const qlim = xlb <= small;
      if (qbdd || qlim) {
        if (qlim && !qbdd) return small;
        break;
      }
      step *= stpmul;
      xub = xlb;
      xlb = Math.max(xub - step, small);
    }
  }
  return cdflibDzror(f, xlb, xub, abstol, reltol);
}

/**
 * Student t quantile exactly as scipy 1.10 `special.stdtrit(df, p)` (CDFLIB `cdft`, which = 2),
 * including its 1e-8 search tolerance. Prefer `tQuantile` unless reproducing scipy's numbers.
 */
export function tQuantileScipy(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || !(df > 0) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = 1 - p;
  const qporq = p <= q;
  const f = (t: number): number => {
    const [cum, ccum] = cdflibCumt(t, df);
    return qporq ? cum - p : ccum - q;
  };
  return cdflibDinvr(f, cdflibDt1(p, q, df), -1e100, 1e100, 0.5, 0.5, 5, 1e-50, 1e-8);
}
