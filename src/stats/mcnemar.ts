// McNemar's test for paired binary outcomes, as statsmodels 0.13.5
// `contingency_tables.mcnemar(table, exact, correction)`, including its output when b + c = 0.
import { UsageError } from '../core/errors.js';
import { binomialCdf, chiSquareSf } from './distributions.js';

export interface McNemarOptions {
  /** Exact binomial test (default true, as statsmodels); otherwise the chi-square approximation. */
  exact?: boolean;
  /** Continuity correction |b - c| - 1 for the chi-square version (default true, as statsmodels). */
  correction?: boolean;
}

export interface McNemarResult {
  /** min(b, c) for the exact test; (|b - c| - corr)² / (b + c) for the chi-square test. */
  statistic: number;
  pvalue: number;
  /** The discordant counts: b = table[0][1] (first right, second wrong when rows = first), c = table[1][0]. */
  b: number;
  c: number;
  exact: boolean;
  correction: boolean;
}

/**
 * McNemar's test on a 2x2 table of paired outcomes. Only the off-diagonal cells matter. When
 * b + c = 0 the result is statsmodels' own: exact gives p = 1; chi-square gives statistic
 * Infinity and p = 0 with correction, NaN and NaN without.
 */
export function mcnemar(table: readonly (readonly number[])[], options: McNemarOptions = {}): McNemarResult {
  const exact = options.exact ?? true;
  const correction = options.correction ?? true;
  if (table.length !== 2 || table.some((row) => row.length !== 2)) {
    throw new UsageError('mcnemar: table must be 2x2, e.g. [[both right, only first right], [only second right, both wrong]]');
  }
  for (const row of table) {
    for (const v of row) {
      if (!Number.isFinite(v) || v < 0) throw new UsageError(`mcnemar: table cells must be non-negative counts, got ${v}`);
    }
  }
  const b = table[0][1];
  const c = table[1][0];
  let statistic: number;
  let pvalue: number;
  if (exact) {
    if (!Number.isInteger(b) || !Number.isInteger(c)) {
      throw new UsageError('mcnemar: exact=true needs integer counts in the off-diagonal cells');
    }
    statistic = Math.min(b, c);
    // Bin(b + c, 1/2) is symmetric; with b + c = 0 scipy's cdf is 1, so p = min(2, 1) = 1.
    pvalue = Math.min(binomialCdf(statistic, b + c, 0.5) * 2, 1);
  } else {
    const corr = correction ? 1 : 0;
    statistic = (Math.abs(b - c) - corr) ** 2 / (1 * (b + c));
    pvalue = chiSquareSf(statistic, 1);
  }
  return { statistic, pvalue, b, c, exact, correction };
}

/**
 * The 2x2 table of paired binary outcomes (e.g. per-item correctness of two models):
 * [[both, first only], [second only, neither]].
 */
export function pairedTable(first: readonly boolean[], second: readonly boolean[]): [[number, number], [number, number]] {
  if (first.length !== second.length) {
    throw new UsageError(`pairedTable: both outcome lists must have the same length (${first.length} vs ${second.length})`);
  }
  const t: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < first.length; i++) t[first[i] ? 0 : 1][second[i] ? 0 : 1] += 1;
  return t;
}
