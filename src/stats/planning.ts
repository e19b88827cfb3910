// Power analysis for paired model comparisons, following Miller (2024) "Adding Error Bars to
// Evals" (arXiv:2411.00640), section 5: n = (z_{1-α/2} + z_{power})² · ω² / δ² with ω² the variance
// of the per-item score difference, inflated by the design effect 1 + (m - 1)·ICC for clusters.
import { UsageError } from '../core/errors.js';
import { type Alternative, normalCdf, normalQuantile } from './distributions.js';

export interface PowerOptions {
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Target power 1 - β (default 0.8). */
  power?: number;
  /** 'two-sided' (default) uses z_{1-α/2}; a one-sided alternative uses z_{1-α}. */
  alternative?: Alternative;
  /** Items per cluster (e.g. questions sharing a passage), default 1 (no clustering). */
  clusterSize?: number;
  /** Intra-cluster correlation of the score differences, default 0. */
  icc?: number;
}

interface Resolved {
  alpha: number;
  power: number;
  alternative: Alternative;
  clusterSize: number;
  icc: number;
  designEffect: number;
  zSum: number;
}

function resolve(options: PowerOptions, fn: string): Resolved {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const alternative = options.alternative ?? 'two-sided';
  const clusterSize = options.clusterSize ?? 1;
  const icc = options.icc ?? 0;
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`${fn}: alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new UsageError(`${fn}: power must be in (0, 1), got ${power}`);
  if (!['two-sided', 'less', 'greater'].includes(alternative)) {
    throw new UsageError(`${fn}: alternative must be one of two-sided, less, greater, got "${alternative}"`);
  }
  if (!(clusterSize >= 1)) throw new UsageError(`${fn}: clusterSize must be >= 1, got ${clusterSize}`);
  if (!(icc >= 0 && icc <= 1)) throw new UsageError(`${fn}: icc must be in [0, 1], got ${icc}`);
  const zAlpha = alternative === 'two-sided' ? normalQuantile(1 - alpha / 2) : normalQuantile(1 - alpha);
  return {
    alpha,
    power,
    alternative,
    clusterSize,
    icc,
    designEffect: designEffect(clusterSize, icc),
    zSum: zAlpha + normalQuantile(power),
  };
}

/** Kish's design effect for clusters of (average) size m: 1 + (m - 1)·ICC. */
export function designEffect(clusterSize: number, icc: number): number {
  return 1 + (clusterSize - 1) * icc;
}

function positive(value: number, name: string, fn: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${fn}: ${name} must be a positive number, got ${value}`);
}

export interface SampleSizePlan {
  /** Items needed, rounded up. */
  n: number;
  /** The unrounded solution of the power equation. */
  nExact: number;
  /** Per-item variance of the score difference, ω², before the design effect. */
  varianceDiff: number;
  designEffect: number;
  alpha: number;
  power: number;
}

export interface MdePlan {
  /** Smallest true mean difference detected with the requested power. */
  mde: number;
  varianceDiff: number;
  designEffect: number;
  n: number;
  alpha: number;
  power: number;
}

function sampleSize(varianceDiff: number, effect: number, r: Resolved): SampleSizePlan {
  const nExact = (r.zSum ** 2 * varianceDiff * r.designEffect) / effect ** 2;
  return { n: Math.ceil(nExact - 1e-9), nExact, varianceDiff, designEffect: r.designEffect, alpha: r.alpha, power: r.power };
}

function mde(varianceDiff: number, n: number, r: Resolved): MdePlan {
  return {
    mde: r.zSum * Math.sqrt((varianceDiff * r.designEffect) / n),
    varianceDiff,
    designEffect: r.designEffect,
    n,
    alpha: r.alpha,
    power: r.power,
  };
}

/** Items needed to detect a mean difference `effect` when paired differences have SD `sdDiff`. */
export function pairedMeansSampleSize(sdDiff: number, effect: number, options: PowerOptions = {}): SampleSizePlan {
  positive(sdDiff, 'sdDiff', 'pairedMeansSampleSize');
  if (!(effect !== 0 && Number.isFinite(effect))) throw new UsageError(`pairedMeansSampleSize: effect must be a nonzero number, got ${effect}`);
  return sampleSize(sdDiff ** 2, effect, resolve(options, 'pairedMeansSampleSize'));
}

/** Minimum detectable mean difference with n paired items whose differences have SD `sdDiff`. */
export function pairedMeansMde(sdDiff: number, n: number, options: PowerOptions = {}): MdePlan {
  positive(sdDiff, 'sdDiff', 'pairedMeansMde');
  positive(n, 'n', 'pairedMeansMde');
  return mde(sdDiff ** 2, n, resolve(options, 'pairedMeansMde'));
}

/**
 * How the two models' per-item correctness relates: either the discordance rate (share of items
 * where exactly one model is right) or the Pearson correlation of the two 0/1 score vectors.
 */
export type PairedAccuracyLink = { discordance: number } | { correlation: number };

/**
 * Variance ω² of the per-item difference of two 0/1 scores with accuracies pA and pB:
 * from the discordance rate q it is q - (pA - pB)²; from the correlation ρ it is
 * pA(1-pA) + pB(1-pB) - 2ρ·√(pA(1-pA)·pB(1-pB)).
 */
export function pairedAccuracyVariance(accuracyA: number, accuracyB: number, link: PairedAccuracyLink): number {
  for (const [name, p] of [['accuracyA', accuracyA], ['accuracyB', accuracyB]] as const) {
    if (!(p >= 0 && p <= 1)) throw new UsageError(`pairedAccuracyVariance: ${name} must be in [0, 1], got ${p}`);
  }
  const delta = accuracyA - accuracyB;
  if ('discordance' in link) {
    const q = link.discordance;
    if (!(q >= Math.abs(delta) && q <= Math.min(1, accuracyA + accuracyB, 2 - accuracyA - accuracyB))) {
      throw new UsageError(
        `pairedAccuracyVariance: discordance must be in [|pA - pB|, min(pA + pB, 2 - pA - pB)] = [${Math.abs(delta)}, ${Math.min(1, accuracyA + accuracyB, 2 - accuracyA - accuracyB)}], got ${q}`,
      );
    }
    return q - delta ** 2;
  }
  const rho = link.correlation;
  if (!(rho >= -1 && rho <= 1)) throw new UsageError(`pairedAccuracyVariance: correlation must be in [-1, 1], got ${rho}`);
  const va = accuracyA * (1 - accuracyA);
  const vb = accuracyB * (1 - accuracyB);
  return va + vb - 2 * rho * Math.sqrt(va * vb);
}

/** Items needed to detect the accuracy difference accuracyA - accuracyB in a paired comparison. */
export function pairedAccuracySampleSize(
  accuracyA: number,
  accuracyB: number,
  link: PairedAccuracyLink,
  options: PowerOptions = {},
): SampleSizePlan {
  const effect = accuracyA - accuracyB;
  if (effect === 0) throw new UsageError('pairedAccuracySampleSize: the two accuracies must differ');
  const v = pairedAccuracyVariance(accuracyA, accuracyB, link);
  return sampleSize(v, effect, resolve(options, 'pairedAccuracySampleSize'));
}

/**
 * Minimum detectable accuracy difference with n paired items, at a baseline accuracy, evaluated
 * at the null (both models at `accuracy`): ω² = q from the discordance rate, or 2p(1-p)(1-ρ).
 */
export function pairedAccuracyMde(accuracy: number, link: PairedAccuracyLink, n: number, options: PowerOptions = {}): MdePlan {
  positive(n, 'n', 'pairedAccuracyMde');
  const v = pairedAccuracyVariance(accuracy, accuracy, link);
  return mde(v, n, resolve(options, 'pairedAccuracyMde'));
}

/**
 * Power of the two-sided (or one-sided) z test for a true mean difference `effect` with n items,
 * counting both rejection tails like statsmodels `NormalIndPower().power(es, n, alpha, ratio=0)`.
 */
export function pairedPower(sdDiff: number, effect: number, n: number, options: Omit<PowerOptions, 'power'> = {}): number {
  positive(sdDiff, 'sdDiff', 'pairedPower');
  positive(n, 'n', 'pairedPower');
  const r = resolve({ ...options, power: 0.5 }, 'pairedPower');
  const shift = (effect / sdDiff) * Math.sqrt(n / r.designEffect);
  if (r.alternative === 'two-sided') {
    const crit = normalQuantile(1 - r.alpha / 2);
    return normalCdf(shift - crit) + normalCdf(-shift - crit);
  }
  const crit = normalQuantile(1 - r.alpha);
  return r.alternative === 'greater' ? normalCdf(shift - crit) : normalCdf(-shift - crit);
}
