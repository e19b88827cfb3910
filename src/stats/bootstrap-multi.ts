// Several statistics of ONE statistics matrix bootstrapped in a single pass: each resample's
// column sums are computed once and every scorer reads them (e.g. ROUGE's precision, recall and
// F for each type). Same intervals as calling bootstrapInterval per scorer with the same seed.
import { Rng } from '../core/rng.js';
import { UsageError } from '../core/errors.js';
import {
  bcaBounds,
  type BootstrapInterval,
  type BootstrapOptions,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  jackknifeScores,
  percentileBounds,
  resampleScores,
} from './bootstrap.js';
import { columnSums, type StatsMatrix, type StatsScorer } from './stats-matrix.js';

export function bootstrapIntervals(matrix: StatsMatrix, scorers: readonly StatsScorer[], options: BootstrapOptions = {}): BootstrapInterval[] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const method = options.method ?? 'bca';
  const seed = options.seed ?? 12345;
  const { n } = matrix;
  if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (n < 1) throw new UsageError('bootstrap: no segments to resample');
  if (method === 'bca' && n < 2) throw new UsageError('bootstrap: BCa needs at least 2 segments (the jackknife leaves one out)');

  // One resampling pass (bootstrap.ts's fast weighted column sums, same random stream as
  // bootstrapInterval with this seed); every scorer reads each resample's sums.
  const distributions = scorers.map(() => new Float64Array(resamples));
  let r = 0;
  const all: StatsScorer = (sums) => {
    for (let s = 0; s < scorers.length; s++) distributions[s][r] = scorers[s](sums);
    return distributions[0][r++];
  };
  resampleScores([matrix], [all], resamples, new Rng(seed));

  const totals = columnSums(matrix);
  return scorers.map((scorer, s) => {
    const distribution = distributions[s];
    const estimate = scorer(totals);
    let mean = 0;
    for (const x of distribution) mean += x;
    mean /= resamples;
    let ss = 0;
    for (const x of distribution) ss += (x - mean) ** 2;
    const common = { estimate, confidence, method, resamples, seed, n, standardError: Math.sqrt(ss / (resamples - 1)), bootstrapMean: mean };
    if (method === 'percentile') {
      const [low, high] = percentileBounds(distribution, confidence);
      return { ...common, low, high };
    }
    return { ...common, ...bcaBounds(distribution, estimate, jackknifeScores(matrix, scorer), confidence) };
  });
}
