// Cohen's kappa exactly as scikit-learn 1.2.1 `cohen_kappa_score(y1, y2, labels, weights)`:
// confusion matrix over `labels` (default: sorted distinct labels of both raters; ratings outside
// an explicit list are dropped), expected = outer(column sums, row sums) / n, and
// kappa = 1 - sum(w * observed) / sum(w * expected), where linear / quadratic weights use the
// *position* of a label in the list, never its value. Both raters constant gives 0/0 = NaN.
import { UsageError } from '../core/errors.js';
import { type Label, uniqueSortedLabels } from './labels.js';

export type KappaWeights = 'linear' | 'quadratic';
export const KAPPA_WEIGHTS: readonly KappaWeights[] = ['linear', 'quadratic'];

export interface CohenKappaOptions {
  /** null / undefined: unweighted kappa. */
  weights?: KappaWeights | null;
  /** Category list (sklearn `labels`): order defines the weight index; ratings not in it are dropped. */
  labels?: readonly Label[] | null;
}

/** Ratings of both raters as indices into `labels`; -1 where sklearn drops the pair. */
export interface KappaCodes {
  labels: Label[];
  a: Int32Array;
  b: Int32Array;
}

/** Sufficient statistics: each item's pair of category indices (sklearn's confusion-matrix input). */
export function cohenKappaCodes(y1: readonly Label[], y2: readonly Label[], labelsOption?: readonly Label[] | null): KappaCodes {
  if (y1.length !== y2.length) throw new UsageError(`cohen kappa: the raters gave ${y1.length} and ${y2.length} ratings; they must rate the same items`);
  if (y1.length === 0) throw new UsageError('cohen kappa: no ratings');
  let labels: Label[];
  if (labelsOption == null) {
    labels = uniqueSortedLabels([...y1, ...y2]);
  } else {
    if (labelsOption.length === 0) throw new UsageError('cohen kappa: `labels` must contain at least one label');
    labels = [...labelsOption];
  }
  const index = new Map<Label, number>();
  labels.forEach((label, i) => {
    if (!index.has(label)) index.set(label, i);
  });
  const a = new Int32Array(y1.length);
  const b = new Int32Array(y1.length);
  let anyInY1 = false;
  for (let i = 0; i < y1.length; i++) {
    const ia = index.get(y1[i]) ?? -1;
    const ib = index.get(y2[i]) ?? -1;
    if (ia >= 0) anyInY1 = true;
    const keep = ia >= 0 && ib >= 0;
    a[i] = keep ? ia : -1;
    b[i] = keep ? ib : -1;
  }
  if (!anyInY1) throw new UsageError('cohen kappa: at least one label in `labels` must occur in the first rater\'s ratings');
  return { labels, a, b };
}

/** Confusion matrix (rows: rater 1, columns: rater 2) of the items `rows` (default: all), row-major. */
export function kappaConfusion(codes: KappaCodes, rows?: ArrayLike<number>): Float64Array {
  const k = codes.labels.length;
  const confusion = new Float64Array(k * k);
  const n = rows ? rows.length : codes.a.length;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    const ia = codes.a[i];
    if (ia >= 0) confusion[ia * k + codes.b[i]] += 1;
  }
  return confusion;
}

/** Kappa from a k x k confusion matrix (row-major), with sklearn's weight matrices. */
export function kappaFromConfusion(confusion: ArrayLike<number>, k: number, weights: KappaWeights | null = null): number {
  const sum0 = new Float64Array(k); // column sums
  const sum1 = new Float64Array(k); // row sums
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = confusion[i * k + j];
      sum0[j] += c;
      sum1[i] += c;
    }
  }
  let total = 0;
  for (let j = 0; j < k; j++) total += sum0[j];
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = i - j;
      const w = weights === null ? (d === 0 ? 0 : 1) : weights === 'linear' ? Math.abs(d) : d * d;
      if (w === 0) continue;
      observed += w * confusion[i * k + j];
      // numpy's expected[i][j] = sum0[i] * sum1[j] / total (outer of column sums with row sums).
      expected += w * ((sum0[i] * sum1[j]) / total);
    }
  }
  return 1 - observed / expected;
}

/** sklearn `cohen_kappa_score(y1, y2, labels=options.labels, weights=options.weights)`. */
export function cohenKappa(y1: readonly Label[], y2: readonly Label[], options: CohenKappaOptions = {}): number {
  const codes = cohenKappaCodes(y1, y2, options.labels);
  return kappaFromConfusion(kappaConfusion(codes), codes.labels.length, options.weights ?? null);
}
