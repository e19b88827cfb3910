// Fleiss' kappa exactly as statsmodels 0.13.5 `fleiss_kappa(table, method)` ('fleiss': chance
// agreement from the category margins; 'randolph': free-marginal, 1 / number of categories) and
// `aggregate_raters(data, n_cat)` to build the subjects x categories table from raw ratings.
import { UsageError } from '../core/errors.js';
import { type Label, uniqueSortedLabels } from './labels.js';

export type FleissMethod = 'fleiss' | 'randolph';
export const FLEISS_METHODS: readonly FleissMethod[] = ['fleiss', 'randolph'];

/**
 * Kappa of a subjects x categories count table (every row sums to the number of raters).
 * `rows` selects (and may repeat) subjects, for resampling; default all.
 */
export function fleissKappa(table: readonly (readonly number[])[], method: FleissMethod = 'fleiss', rows?: ArrayLike<number>): number {
  const nSub = rows ? rows.length : table.length;
  if (nSub === 0) throw new UsageError('fleiss kappa: the table has no subjects');
  const nCat = table[0].length;
  if (nCat === 0) throw new UsageError('fleiss kappa: the table has no categories');
  const catTotals = new Float64Array(nCat);
  const raters = new Float64Array(nSub);
  const squares = new Float64Array(nSub);
  let nRat = 0;
  for (let r = 0; r < nSub; r++) {
    const row = table[rows ? rows[r] : r];
    if (row.length !== nCat) throw new UsageError(`fleiss kappa: table row ${r + 1} has ${row.length} categories, row 1 has ${nCat}`);
    let sum = 0;
    let sq = 0;
    for (let c = 0; c < nCat; c++) {
      const x = row[c];
      if (!(x >= 0) || !Number.isFinite(x)) throw new UsageError(`fleiss kappa: table row ${r + 1} has a bad count ${x}`);
      sum += x;
      sq += x * x;
      catTotals[c] += x;
    }
    raters[r] = sum;
    squares[r] = sq;
    if (sum > nRat) nRat = sum;
  }
  for (let r = 0; r < nSub; r++) {
    if (raters[r] !== nRat) {
      throw new UsageError(`fleiss kappa: every subject needs the same number of ratings; subject ${r + 1} has ${raters[r]}, the most is ${nRat}`);
    }
  }
  const nTotal = nSub * nRat;
  let pMean = 0;
  for (let r = 0; r < nSub; r++) pMean += (squares[r] - nRat) / (nRat * (nRat - 1));
  pMean /= nSub;
  let pExp: number;
  if (method === 'fleiss') {
    pExp = 0;
    for (let c = 0; c < nCat; c++) {
      const p = catTotals[c] / nTotal;
      pExp += p * p;
    }
  } else {
    pExp = 1 / nCat;
  }
  return (pMean - pExp) / (1 - pExp);
}

export interface AggregatedRatings {
  /** subjects x categories counts. */
  table: number[][];
  /** The category of each column: the sorted distinct ratings, or 0..nCategories-1 when given. */
  categories: Label[];
}

/**
 * statsmodels `aggregate_raters(raw, n_cat)`: raw is subjects x raters. Without `nCategories` the
 * categories are the sorted distinct values; with it, ratings must be integers in [0, nCategories).
 */
export function aggregateRaters(raw: readonly (readonly Label[])[], nCategories?: number): AggregatedRatings {
  let categories: Label[];
  let indexOf: (v: Label, r: number) => number;
  if (nCategories === undefined) {
    categories = uniqueSortedLabels(raw.flat());
    const index = new Map<Label, number>(categories.map((c, i) => [c, i]));
    indexOf = (v) => index.get(v) ?? -1;
  } else {
    if (!Number.isInteger(nCategories) || nCategories < 1) throw new UsageError(`aggregateRaters: nCategories must be a positive integer, got ${nCategories}`);
    categories = Array.from({ length: nCategories }, (_, i) => i);
    indexOf = (v, r) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= nCategories) {
        throw new UsageError(`aggregateRaters: subject ${r + 1} has rating ${JSON.stringify(v)}; with nCategories ${nCategories} ratings must be integers 0..${nCategories - 1}`);
      }
      return v;
    };
  }
  const table = raw.map((row, r) => {
    const counts = new Array<number>(categories.length).fill(0);
    for (const v of row) counts[indexOf(v, r)]++;
    return counts;
  });
  return { table, categories };
}
