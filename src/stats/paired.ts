// Paired significance tests for corpus metrics, following sacrebleu 2.6.0 `significance.py`
// (`PairedTest`): paired bootstrap resampling (Koehn 2004, as Moses'
// bootstrap-hypothesis-difference-significance.pl) and paired approximate randomization (Riezler &
// Maxwell 2005, as MultEval). Same statistics, comparisons, p-values and CI indices; the RNG is
// assay's seeded xoshiro128** instead of numpy's PCG64, so p-values and means agree within
// Monte-Carlo error only. Deliberate differences: every system and the baseline share one
// resample pass (sacrebleu redraws the identical index matrix per comparison), a seed of 0 is a
// seed (sacrebleu treats it as "unseeded"), and resampled sums accumulate in float64 (numpy
// accumulates the float32 statistics in float32; identical for integer statistics below 2^24).
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { UsageError } from '../core/errors.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';
import { resampleScores, toFloat32Values } from './bootstrap.js';
import { assertPaired, columnSums, metricScorer, type StatsMatrix, type StatsScorer } from './stats-matrix.js';

/** `bs` = paired bootstrap resampling, `ar` = paired approximate randomization (sacrebleu's names). */
export type PairedMethod = 'bs' | 'ar';

/** sacrebleu's defaults: 1000 bootstrap resamples, 10000 AR trials. */
export const PAIRED_DEFAULT_SAMPLES: Readonly<Record<PairedMethod, number>> = { bs: 1000, ar: 10000 };

export interface PairedTestOptions {
  method: PairedMethod;
  /** Bootstrap resamples (bs) or randomization trials (ar); default from PAIRED_DEFAULT_SAMPLES. */
  samples?: number;
  /** AR only: bootstrap resamples for each system's mean and CI; 0 or absent = none (sacrebleu's -1). */
  arConfidence?: number;
  /** Seed of every resampling (default 12345, sacrebleu's too). */
  seed?: number;
}

export interface NamedStats {
  name: string;
  stats: StatsMatrix;
}

export interface PairedEntry {
  name: string;
  /** The metric on the full corpus. */
  score: number;
  /** Against the baseline; null for the baseline itself. */
  pValue: number | null;
  /** Mean of the bootstrap scores and half the width of their 95 % interval; null without a bootstrap. */
  mean: number | null;
  ci: number | null;
}

export interface PairedTestResult {
  method: PairedMethod;
  /** Resamples (bs) or trials (ar). */
  samples: number;
  /** Bootstrap resamples behind `mean` / `ci` (= samples for bs, arConfidence or 0 for ar). */
  confidenceSamples: number;
  seed: number;
  /** Segments per system. */
  segments: number;
  baseline: PairedEntry;
  systems: PairedEntry[];
}

/**
 * sacrebleu's `estimate_ci`: mean of the scores and half the distance between the sorted scores
 * at indices n//40 and n-1-n//40 (a 95 % interval).
 */
export function estimateCi(scores: ArrayLike<number>): { mean: number; ci: number } {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  const lower = Math.floor(n / 40);
  const upper = n - lower - 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { mean: sum / n, ci: 0.5 * (sorted[upper] - sorted[lower]) };
}

/** sacrebleu's `_compute_p_value`: (#{stats > observed} + 1) / (N + 1), after MultEval. */
export function pValueAbove(stats: ArrayLike<number>, observed: number): number {
  let c = 0;
  for (let i = 0; i < stats.length; i++) if (stats[i] > observed) c++;
  return (c + 1) / (stats.length + 1);
}

function checkOptions(systems: readonly NamedStats[], options: PairedTestOptions): { samples: number; arConfidence: number; seed: number } {
  if (options.method !== 'bs' && options.method !== 'ar') {
    throw new UsageError(`paired test: method must be "bs" (paired bootstrap) or "ar" (approximate randomization), got "${String(options.method)}"`);
  }
  if (systems.length < 2) throw new UsageError(`paired test: need a baseline and at least one system, got ${systems.length} system(s)`);
  const samples = options.samples ?? PAIRED_DEFAULT_SAMPLES[options.method];
  if (!Number.isSafeInteger(samples) || samples < 1) throw new UsageError(`paired test: the number of ${options.method === 'bs' ? 'resamples' : 'trials'} must be an integer >= 1, got ${samples}`);
  const arConfidence = options.arConfidence ?? 0;
  if (!Number.isSafeInteger(arConfidence) || arConfidence < 0) throw new UsageError(`paired test: arConfidence must be an integer >= 0, got ${arConfidence}`);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`paired test: seed must be an integer in [0, 2^32), got ${seed}`);
  assertPaired(
    systems.map((s) => s.stats),
    systems.map((s) => s.name),
  );
  if (systems[0].stats.n === 0) throw new UsageError('paired test: the systems have no segments');
  return { samples, arConfidence, seed };
}

/**
 * Runs sacrebleu's paired test: `systems[0]` is the baseline, every other system is compared
 * with it. `scorer` turns summed statistics into the metric's score.
 */
export function pairedTest(scorer: StatsScorer, systems: readonly NamedStats[], options: PairedTestOptions): PairedTestResult {
  const { samples, arConfidence, seed } = checkOptions(systems, options);
  const scores = systems.map((s) => scorer(columnSums(s.stats)));
  const entries: PairedEntry[] = systems.map((s, i) => ({ name: s.name, score: scores[i], pValue: null, mean: null, ci: null }));
  let confidenceSamples = 0;

  if (options.method === 'bs') {
    confidenceSamples = samples;
    // One index matrix for every system and the baseline, as sacrebleu's fixed seed gives.
    const resampled = resampleScores(
      systems.map((s) => toFloat32Values(s.stats)),
      systems.map(() => scorer),
      samples,
      new Rng(seed),
    );
    const base = resampled[0];
    systems.forEach((_, s) => {
      Object.assign(entries[s], estimateCi(resampled[s]));
      if (s === 0) return;
      const diffs = new Float64Array(samples);
      let meanDiff = 0;
      for (let r = 0; r < samples; r++) {
        diffs[r] = Math.abs(resampled[s][r] - base[r]);
        meanDiff += diffs[r];
      }
      meanDiff /= samples;
      for (let r = 0; r < samples; r++) diffs[r] -= meanDiff;
      entries[s].pValue = pValueAbove(diffs, Math.abs(scores[0] - scores[s]));
    });
  } else {
    if (arConfidence > 0) {
      confidenceSamples = arConfidence;
      const [base] = resampleScores([toFloat32Values(systems[0].stats)], [scorer], arConfidence, new Rng(seed));
      Object.assign(entries[0], estimateCi(base));
    }
    for (let s = 1; s < systems.length; s++) {
      // Per comparison a fresh generator: trial coins first, then the CI resamples (sacrebleu's order).
      const rng = new Rng(seed);
      const stats = randomizationStats(scorer, systems[0].stats, systems[s].stats, samples, rng);
      entries[s].pValue = pValueAbove(stats, Math.abs(scores[0] - scores[s]));
      if (arConfidence > 0) {
        const [sys] = resampleScores([toFloat32Values(systems[s].stats)], [scorer], arConfidence, rng);
        Object.assign(entries[s], estimateCi(sys));
      }
    }
  }
  return { method: options.method, samples, confidenceSamples, seed, segments: systems[0].stats.n, baseline: entries[0], systems: entries.slice(1) };
}

/**
 * |score(A_t) - score(B_t)| for each trial t, where a fair coin per segment puts the baseline's
 * statistics in pseudo-system A (and the system's in B) or the other way round.
 * A_t = Σ sys + Σ_{coin=1} (bl - sys) and B_t = Σ bl + Σ sys - A_t, so only the segments whose
 * coin came up 1 are visited, 32 coins per generator draw.
 */
export function randomizationStats(scorer: StatsScorer, baseline: StatsMatrix, system: StatsMatrix, trials: number, rng: Rng): Float64Array {
  const { n, k } = baseline;
  const delta = new Float64Array(n * k);
  for (let x = 0; x < n * k; x++) delta[x] = baseline.data[x] - system.data[x];
  const sysTotal = columnSums(system);
  const bothTotal = columnSums(baseline);
  for (let j = 0; j < k; j++) bothTotal[j] += sysTotal[j];
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  const out = new Float64Array(trials);
  for (let t = 0; t < trials; t++) {
    a.set(sysTotal);
    for (let block = 0; block < n; block += 32) {
      // Coins for segments past n in the last block are drawn and ignored.
      let bits = rng.nextUint32();
      if (n - block < 32) bits &= 2 ** (n - block) - 1;
      while (bits !== 0) {
        const low = bits & -bits;
        const base = (block + 31 - Math.clz32(low)) * k;
        for (let j = 0; j < k; j++) a[j] += delta[base + j];
        bits ^= low;
      }
    }
    for (let j = 0; j < k; j++) b[j] = bothTotal[j] - a[j];
    out[t] = Math.abs(scorer(a) - scorer(b));
  }
  return out;
}

/** `pairedTest` for a CorpusMetric with resolved options. */
export function pairedMetricTest<O, R extends MetricResult>(
  metric: CorpusMetric<O, R>,
  metricOptions: O,
  systems: readonly NamedStats[],
  options: PairedTestOptions,
): PairedTestResult {
  return pairedTest(metricScorer(metric, metricOptions), systems, options);
}
