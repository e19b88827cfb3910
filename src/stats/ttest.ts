// Student t tests on paired samples and on one sample, as scipy 1.10.1 `ttest_rel` and
// `ttest_1samp` (statistic, p-value from stdtr, df, and `confidence_interval(level)`, whose t
// quantile is scipy's CDFLIB stdtrit with its 1e-8 search tolerance, reproduced in distributions.ts).
import { UsageError } from '../core/errors.js';
import { type Alternative, ALTERNATIVES, tCdf, tQuantileScipy } from './distributions.js';
import { mean, variance } from './mean-ci.js';

export interface TTestResult {
  statistic: number;
  pvalue: number;
  df: number;
  alternative: Alternative;
  /** The sample mean (of the differences a - b for the paired test), the centre of the interval. */
  estimate: number;
  /** Standard error of the estimate, s/√n. */
  standardError: number;
  n: number;
  /** Confidence interval of the mean (difference); one-sided alternatives give an infinite bound. */
  confidenceInterval(confidenceLevel?: number): { low: number; high: number };
}

// One value is accepted and gives NaN statistic, p-value and interval, as scipy does (df = 0).
function checkSample(values: readonly number[], name: string, fn: string): void {
  if (values.length < 1) throw new UsageError(`${fn}: ${name} needs at least 1 value, got none`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UsageError(`${fn}: ${name}[${i}] is not a finite number (${values[i]})`);
  }
}

function checkAlternative(alternative: string, fn: string): void {
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`${fn}: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
}

/** scipy `_ttest_finish`: p-value of t with df degrees of freedom. */
export function tTestPvalue(t: number, df: number, alternative: Alternative): number {
  if (alternative === 'less') return tCdf(t, df);
  if (alternative === 'greater') return tCdf(-t, df);
  return tCdf(-Math.abs(t), df) * 2;
}

function finish(
  estimate: number,
  popmean: number,
  standardError: number,
  n: number,
  alternative: Alternative,
): TTestResult {
  const df = n - 1;
  const statistic = (estimate - popmean) / standardError;
  return {
    statistic,
    pvalue: tTestPvalue(statistic, df, alternative),
    df,
    alternative,
    estimate,
    standardError,
    n,
    confidenceInterval(confidenceLevel = 0.95) {
      if (!(confidenceLevel >= 0 && confidenceLevel <= 1)) {
        throw new UsageError(`confidenceInterval: confidenceLevel must be in [0, 1], got ${confidenceLevel}`);
      }
      let low: number;
      let high: number;
      if (alternative === 'less') {
        low = -Infinity;
        high = tQuantileScipy(confidenceLevel, df);
      } else if (alternative === 'greater') {
        low = tQuantileScipy(1 - confidenceLevel, df);
        high = Infinity;
      } else {
        const tail = (1 - confidenceLevel) / 2;
        low = tQuantileScipy(tail, df);
        high = tQuantileScipy(1 - tail, df);
      }
      return { low: low * standardError + estimate, high: high * standardError + estimate };
    },
  };
}

/** Paired t test on a - b (scipy `ttest_rel(a, b, alternative)`). */
export function tTestPaired(a: readonly number[], b: readonly number[], alternative: Alternative = 'two-sided'): TTestResult {
  checkSample(a, 'a', 'tTestPaired');
  checkSample(b, 'b', 'tTestPaired');
  if (a.length !== b.length) throw new UsageError(`tTestPaired: a and b must have the same length (${a.length} vs ${b.length})`);
  checkAlternative(alternative, 'tTestPaired');
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i] - b[i];
  const se = Math.sqrt(variance(d, 1) / n);
  return finish(mean(d), 0, se, n, alternative);
}

/** One-sample t test of H0: mean = popmean (scipy `ttest_1samp(a, popmean, alternative)`). */
export function tTestOneSample(a: readonly number[], popmean = 0, alternative: Alternative = 'two-sided'): TTestResult {
  checkSample(a, 'a', 'tTestOneSample');
  if (!Number.isFinite(popmean)) throw new UsageError(`tTestOneSample: popmean must be finite, got ${popmean}`);
  checkAlternative(alternative, 'tTestOneSample');
  const n = a.length;
  const se = Math.sqrt(variance(a, 1) / n);
  return finish(mean(a), popmean, se, n, alternative);
}
