// The shape every reference metric follows (after sacrebleu): sufficient statistics per segment
// → element-wise sum over the corpus → score from the summed statistics. Statistics are plain
// fixed-length numeric vectors, so corpus scoring, bootstrap resampling and significance tests
// can sum rows of one Float64Array without ever re-tokenizing.

/** A scored value plus the metric's own details; `score` is on the metric's usual scale. */
export interface MetricResult {
  score: number;
}

export interface CorpusMetric<Options, Result extends MetricResult> {
  /** Registry name (`bleu`, `chrf`, `ter`, `rouge`, `squad`). */
  readonly name: string;
  /** Fills defaults and validates; the only place defaults live. Throws UsageError on bad values. */
  resolveOptions(options?: Partial<Options>): Options;
  /** Length of the statistics vector for these options. */
  statsSize(options: Options): number;
  /** Sufficient statistics of one segment: one hypothesis against its references. */
  segmentStats(hyp: string, refs: readonly string[], options: Options): number[];
  /** Score from statistics summed over segments (a corpus, or a resample of one). */
  scoreFromStats(stats: ArrayLike<number>, options: Options): Result;
  /** Sentence-level score; may differ from scoreFromStats of one segment (e.g. BLEU's effective order). */
  sentenceScore(hyp: string, refs: readonly string[], options: Options): Result;
  /** One-line description of every setting that changes the number; nrefs `var` when it varies by segment. */
  signature(options: Options, nrefs: number | 'var'): string;
}

/** Element-wise sum of statistics vectors. */
export function sumStats(rows: readonly ArrayLike<number>[], size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (const row of rows) for (let j = 0; j < size; j++) out[j] += row[j];
  return out;
}

/** Corpus score: stats per segment, summed, scored. `refStreams[k][i]` is reference k of segment i. */
export function corpusScore<O, R extends MetricResult>(
  metric: CorpusMetric<O, R>,
  hyps: readonly string[],
  refStreams: readonly (readonly string[])[],
  options?: Partial<O>,
): R {
  const opts = metric.resolveOptions(options);
  const size = metric.statsSize(opts);
  const total = new Array<number>(size).fill(0);
  for (let i = 0; i < hyps.length; i++) {
    const row = metric.segmentStats(hyps[i], refStreams.map((s) => s[i]), opts);
    for (let j = 0; j < size; j++) total[j] += row[j];
  }
  return metric.scoreFromStats(total, opts);
}
