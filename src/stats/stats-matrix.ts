// Per-segment sufficient statistics as one row-major n × k Float64Array, built once from a
// CorpusMetric (sacrebleu's `_extract_corpus_statistics`), so that bootstrap and significance
// resampling sum rows and call `scoreFromStats` without ever re-tokenizing.
import { InputError, UsageError } from '../core/errors.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';

export interface StatsMatrix {
  /** Number of segments (rows). */
  readonly n: number;
  /** Statistics per segment (columns). */
  readonly k: number;
  /** Row-major values: segment i's statistic j is `data[i * k + j]`. */
  readonly data: Float64Array;
}

/** Scores a vector of summed statistics (a corpus, a resample, a jackknife sample). */
export type StatsScorer = (sums: Float64Array) => number;

/**
 * Statistics of every segment: `refStreams[r][i]` is reference r of segment i (sacrebleu's
 * layout). `options` must already be resolved (`metric.resolveOptions`).
 */
export function buildStatsMatrix<O, R extends MetricResult>(
  metric: CorpusMetric<O, R>,
  hyps: readonly string[],
  refStreams: readonly (readonly string[])[],
  options: O,
): StatsMatrix {
  if (refStreams.length === 0) throw new UsageError(`${metric.name}: at least one reference stream is required`);
  for (let r = 0; r < refStreams.length; r++) {
    if (refStreams[r].length !== hyps.length) {
      throw new InputError(`${metric.name}: reference stream ${r + 1} has ${refStreams[r].length} segments but there are ${hyps.length} hypotheses`);
    }
  }
  const k = metric.statsSize(options);
  const n = hyps.length;
  const data = new Float64Array(n * k);
  const refs = new Array<string>(refStreams.length);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < refStreams.length; r++) refs[r] = refStreams[r][i];
    const row = metric.segmentStats(hyps[i], refs, options);
    if (row.length !== k) throw new Error(`${metric.name}: segmentStats gave ${row.length} values, statsSize says ${k}`);
    data.set(row, i * k);
  }
  return { n, k, data };
}

/** A matrix from explicit rows (each of length k); for tests and metrics computed elsewhere. */
export function statsMatrixFromRows(rows: readonly ArrayLike<number>[], k: number): StatsMatrix {
  const data = new Float64Array(rows.length * k);
  rows.forEach((row, i) => {
    if (row.length !== k) throw new InputError(`row ${i + 1} has ${row.length} statistics, expected ${k}`);
    for (let j = 0; j < k; j++) data[i * k + j] = row[j];
  });
  return { n: rows.length, k, data };
}

/** Element-wise sum of all rows (the corpus statistics), summed in segment order. */
export function columnSums(matrix: StatsMatrix): Float64Array {
  const { n, k, data } = matrix;
  const out = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let j = 0; j < k; j++) out[j] += data[base + j];
  }
  return out;
}

/** Scorer of a CorpusMetric with fixed resolved options. */
export function metricScorer<O, R extends MetricResult>(metric: CorpusMetric<O, R>, options: O): StatsScorer {
  return (sums) => metric.scoreFromStats(sums, options).score;
}

/** Checks that matrices describe the same segments with the same statistics (paired data). */
export function assertPaired(matrices: readonly StatsMatrix[], names: readonly string[]): void {
  const first = matrices[0];
  matrices.forEach((m, s) => {
    if (m.n !== first.n) throw new InputError(`${names[s]} has ${m.n} segments but ${names[0]} has ${first.n}`);
    if (m.k !== first.k) throw new InputError(`${names[s]} has ${m.k} statistics per segment but ${names[0]} has ${first.k}`);
  });
}
