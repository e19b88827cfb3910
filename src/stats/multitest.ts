// Multiple-testing corrections as statsmodels 0.13.5 `stats.multitest.multipletests(pvals,
// alpha, method)`: family-wise (Bonferroni, Sidak, Holm, Holm-Sidak, Hommel) and false
// discovery rate (Benjamini-Hochberg, Benjamini-Yekutieli). Results are in input order.
import { UsageError } from '../core/errors.js';
import { numpySum } from './mean-ci.js';

/** Method names as statsmodels spells them. */
export const MULTITEST_METHODS = ['bonferroni', 'sidak', 'holm', 'holm-sidak', 'hommel', 'fdr_bh', 'fdr_by'] as const;
export type MultitestMethod = (typeof MULTITEST_METHODS)[number];

export interface MultitestResult {
  method: MultitestMethod;
  alpha: number;
  /** Whether each hypothesis is rejected at family level alpha (input order). */
  reject: boolean[];
  /** Adjusted p-values, capped at 1 (input order). */
  pvalsCorrected: number[];
  /** Per-test level under Sidak: 1 - (1 - alpha)^(1/m). */
  alphacSidak: number;
  /** Per-test level under Bonferroni: alpha / m. */
  alphacBonf: number;
}

/** Running maximum (numpy `maximum.accumulate`). */
function cumMax(v: number[]): number[] {
  const out = v.slice();
  for (let i = 1; i < out.length; i++) if (out[i - 1] > out[i] || Number.isNaN(out[i - 1])) out[i] = out[i - 1];
  return out;
}

/** Running minimum from the end (numpy `minimum.accumulate(v[::-1])[::-1]`). */
function cumMinFromEnd(v: number[]): number[] {
  const out = v.slice();
  for (let i = out.length - 2; i >= 0; i--) if (out[i + 1] < out[i] || Number.isNaN(out[i + 1])) out[i] = out[i + 1];
  return out;
}

/** Step-down rejection: reject the sorted hypotheses before the first one that fails its threshold. */
function stepDown(sorted: number[], threshold: (i: number) => number): boolean[] {
  const reject = sorted.map(() => false);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] > threshold(i)) break;
    reject[i] = true;
  }
  return reject;
}

/** Step-up rejection: reject every sorted hypothesis up to the last one within its threshold. */
function stepUp(sorted: number[], threshold: (i: number) => number): boolean[] {
  let last = -1;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] <= threshold(i)) last = i;
  return sorted.map((_, i) => i <= last);
}

/**
 * Adjusts p-values for multiple comparisons (statsmodels `multipletests`, is_sorted=False,
 * returnsorted=False).
 */
export function multipletests(pvals: readonly number[], alpha = 0.05, method: MultitestMethod = 'holm'): MultitestResult {
  if (!(MULTITEST_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`multipletests: method must be one of ${MULTITEST_METHODS.join(', ')}, got "${method}"`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`multipletests: alpha must be in (0, 1), got ${alpha}`);
  if (pvals.length === 0) throw new UsageError('multipletests: needs at least one p-value');
  pvals.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new UsageError(`multipletests: p-value ${i} must be in [0, 1], got ${p}`);
  });
  const n = pvals.length;
  // A stable sort; statsmodels' argsort is not, but tied p-values get identical results either way.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pvals[a] - pvals[b] || a - b);
  const p = order.map((i) => pvals[i]);
  const alphacSidak = 1 - Math.pow(1 - alpha, 1 / n);
  const alphacBonf = alpha / n;
  let reject: boolean[];
  let corrected: number[];
  switch (method) {
    case 'bonferroni':
      reject = p.map((v) => v <= alphacBonf);
      corrected = p.map((v) => v * n);
      break;
    case 'sidak':
      reject = p.map((v) => v <= alphacSidak);
      corrected = p.map((v) => -Math.expm1(n * Math.log1p(-v)));
      break;
    case 'holm-sidak':
      reject = stepDown(p, (i) => 1 - Math.pow(1 - alpha, 1 / (n - i)));
      corrected = cumMax(p.map((v, i) => -Math.expm1((n - i) * Math.log1p(-v))));
      break;
    case 'holm':
      reject = stepDown(p, (i) => alpha / (n - i));
      corrected = cumMax(p.map((v, i) => v * (n - i)));
      break;
    case 'hommel': {
      const a = p.slice();
      for (let m = n; m > 1; m--) {
        let cim = Infinity;
        for (let k = 1; k <= m; k++) cim = Math.min(cim, (m * p[n - m + k - 1]) / k);
        for (let i = n - m; i < n; i++) a[i] = Math.max(a[i], cim);
        for (let i = 0; i < n - m; i++) a[i] = Math.max(a[i], Math.min(m * p[i], cim));
      }
      corrected = a;
      reject = a.map((v) => v <= alpha);
      break;
    }
    case 'fdr_bh':
    case 'fdr_by': {
      const ecdf = p.map((_, i) => (i + 1) / n);
      let factor = ecdf;
      if (method === 'fdr_by') {
        const cm = numpySum(p.map((_, i) => 1 / (i + 1)));
        factor = ecdf.map((e) => e / cm);
      }
      reject = stepUp(p, (i) => factor[i] * alpha);
      corrected = cumMinFromEnd(p.map((v, i) => v / factor[i]));
      break;
    }
  }
  corrected = corrected.map((v) => (v > 1 ? 1 : v));
  const rejectOut = new Array<boolean>(n);
  const correctedOut = new Array<number>(n);
  order.forEach((orig, sortedIndex) => {
    rejectOut[orig] = reject[sortedIndex];
    correctedOut[orig] = corrected[sortedIndex];
  });
  return { method, alpha, reject: rejectOut, pvalsCorrected: correctedOut, alphacSidak, alphacBonf };
}
