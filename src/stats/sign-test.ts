// Exact sign test on paired differences (Dixon & Mood 1946): zero differences are dropped and the
// number of positive differences is tested against Bin(n, 1/2) with scipy 1.10.1 `binomtest`.
import { UsageError } from '../core/errors.js';
import { type Alternative, ALTERNATIVES } from './distributions.js';
import { binomTest } from './proportion.js';

export interface SignTestResult {
  /** Number of positive differences x - y. */
  statistic: number;
  pvalue: number;
  nPositive: number;
  nNegative: number;
  /** Zero differences, dropped before the test. */
  nZero: number;
  /** Nonzero differences tested. */
  n: number;
  alternative: Alternative;
}

/**
 * Sign test of H0: P(x > y) = P(x < y). 'greater' tests whether x tends to exceed y. With no
 * nonzero difference the p-value is 1.
 */
export function signTest(x: readonly number[], y: readonly number[] | null = null, alternative: Alternative = 'two-sided'): SignTestResult {
  if (y !== null && y.length !== x.length) {
    throw new UsageError(`signTest: x and y must have the same length (${x.length} vs ${y.length})`);
  }
  if (!(ALTERNATIVES as readonly string[]).includes(alternative)) {
    throw new UsageError(`signTest: alternative must be one of ${ALTERNATIVES.join(', ')}, got "${alternative}"`);
  }
  let nPositive = 0;
  let nNegative = 0;
  let nZero = 0;
  for (let i = 0; i < x.length; i++) {
    const d = y === null ? x[i] : x[i] - y[i];
    if (Number.isNaN(d)) throw new UsageError(`signTest: pair ${i} is not a pair of numbers`);
    if (d > 0) nPositive++;
    else if (d < 0) nNegative++;
    else nZero++;
  }
  const n = nPositive + nNegative;
  const pvalue = n === 0 ? 1 : binomTest(nPositive, n, 0.5, alternative).pvalue;
  return { statistic: nPositive, pvalue, nPositive, nNegative, nZero, n, alternative };
}
