// Bootstrap confidence intervals over segments (Efron & Tibshirani 1993, ch. 13-14): percentile
// and BCa, computed as scipy 1.10 `stats.bootstrap(method='percentile'|'BCa')` does (bias from
// the "mean" percentile of the estimate, acceleration from the jackknife, numpy "linear"
// percentiles). Resamples sum rows of a statistics matrix and rescore, never re-tokenize; the RNG
// is assay's seeded xoshiro128**, so intervals match scipy's only within Monte-Carlo error.
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { UsageError } from '../core/errors.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';
import { normalCdf, normalQuantile } from './distributions.js';
import { quantileSorted } from './percentile.js';
import { columnSums, metricScorer, type StatsMatrix, type StatsScorer } from './stats-matrix.js';

export type BootstrapMethod = 'bca' | 'percentile';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  confidence?: number;
  /** Interval method (default 'bca'). */
  method?: BootstrapMethod;
  /** Seed of the xoshiro128** generator (default 12345); reported in the result. */
  seed?: number;
}

export interface BootstrapInterval {
  /** The statistic on the full data. */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  method: BootstrapMethod;
  resamples: number;
  seed: number;
  /** Segments (or items) resampled. */
  n: number;
  /** Standard deviation of the bootstrap distribution (ddof = 1), scipy's `standard_error`. */
  standardError: number;
  /** Mean of the bootstrap distribution. */
  bootstrapMean: number;
  /** BCa only: bias correction z0 and jackknife acceleration a. */
  bias?: number;
  acceleration?: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
/** Below this bound x * n (x < 2^32) is exact in a double, so Lemire's method needs no BigInt. */
const LEMIRE_MAX_N = 2 ** 21;

/**
 * Fills `out` with uniform indices in [0, n), one 32-bit draw each (Lemire 2019: multiply-shift,
 * rejecting the few draws whose low part would bias the result); `rng.intBelow` for n >= 2^21.
 */
export function sampleIndices(rng: Rng, n: number, out: Int32Array): void {
  const len = out.length;
  if (n >= LEMIRE_MAX_N) {
    for (let t = 0; t < len; t++) out[t] = rng.intBelow(n);
    return;
  }
  const threshold = TWO_POW_32 % n;
  for (let t = 0; t < len; t++) {
    let m = rng.nextUint32() * n;
    while (m >>> 0 < threshold) m = rng.nextUint32() * n;
    out[t] = Math.floor(m * INV_TWO_POW_32);
  }
}

/** Copies `m.data` rounded to float32 (sacrebleu converts statistics to float32 before resampling). */
export function toFloat32Values(m: StatsMatrix): StatsMatrix {
  return { n: m.n, k: m.k, data: Float64Array.from(m.data, Math.fround) };
}

/**
 * Columns packed several to a double: non-negative integer statistics whose resampled sums need
 * few bits (BLEU's and chrF's counts) share one 53-bit integer lane, so one multiply-add sums
 * two or more of them exactly. Other columns get a lane of their own.
 */
interface Lane {
  values: Float64Array;
  /** Whether the lane holds integer fields to split; otherwise it is one column as is. */
  packed: boolean;
  /** Column index and power-of-two scale of each field, highest scale first. */
  fields: { column: number; scale: number }[];
}

function packLanes(width: number, columnAt: (c: number) => Float64Array, n: number): Lane[] {
  const lanes: Lane[] = [];
  let open: { columns: number[]; shifts: number[]; bits: number } | undefined;
  const flush = (): void => {
    if (open === undefined) return;
    const values = new Float64Array(n);
    const { shifts } = open;
    const fields = open.columns.map((column, f) => ({ column, scale: 2 ** shifts[f] }));
    for (const { column, scale } of fields) {
      const col = columnAt(column);
      for (let i = 0; i < n; i++) values[i] += col[i] * scale;
    }
    lanes.push({ values, packed: true, fields: fields.reverse() });
    open = undefined;
  };
  for (let c = 0; c < width; c++) {
    const col = columnAt(c);
    let max = 0;
    let integral = true;
    for (let i = 0; i < n && integral; i++) {
      const x = col[i];
      if (!Number.isInteger(x) || x < 0) integral = false;
      else if (x > max) max = x;
    }
    // A resample sum is at most n * max (the draw counts add up to n).
    let bits = 1;
    while (integral && 2 ** bits <= n * max) bits++;
    if (!integral || bits > 26) {
      flush();
      lanes.push({ values: col, packed: false, fields: [{ column: c, scale: 1 }] });
      continue;
    }
    if (open !== undefined && open.bits + bits > 53) flush();
    open ??= { columns: [], shifts: [], bits: 0 };
    open.columns.push(c);
    open.shifts.push(open.bits);
    open.bits += bits;
  }
  flush();
  return lanes;
}

/** sampleIndices for n < 2^21 that only counts how often each index was drawn (same stream). */
function countDraws(rng: Rng, n: number, draws: Float64Array): void {
  const threshold = TWO_POW_32 % n;
  for (let t = 0; t < n; t++) {
    let m = rng.nextUint32() * n;
    while (m >>> 0 < threshold) m = rng.nextUint32() * n;
    draws[Math.floor(m * INV_TWO_POW_32)]++;
  }
}

/** Σ weights[i] · values[i] with four running sums (a small hot function V8 optimizes well). */
function weightedSum(weights: Float64Array, values: Float64Array, n: number): number {
  const n4 = n - (n % 4);
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let i = 0; i < n4; i += 4) {
    a0 += weights[i] * values[i];
    a1 += weights[i + 1] * values[i + 1];
    a2 += weights[i + 2] * values[i + 2];
    a3 += weights[i + 3] * values[i + 3];
  }
  for (let i = n4; i < n; i++) a0 += weights[i] * values[i];
  return a0 + a1 + (a2 + a3);
}

/**
 * Bootstrap distributions of several paired statistics matrices (same n and k) under ONE
 * shared sequence of resamples: resample r draws n segment indices once and every matrix sums
 * the same rows. Returns `scores[s][r]` = scorers[s] of matrix s's resample r.
 *
 * A resample's sums are Σ_i c_i · row_i with c_i how often segment i was drawn: counting the
 * draws first and then reading each statistic's column in order (four running sums in registers)
 * is several times faster than gathering rows at random, and small integer statistics are summed
 * two or more per double (exactly). Same sums in exact arithmetic, hence the same doubles for
 * integer statistics.
 */
export function resampleScores(
  matrices: readonly StatsMatrix[],
  scorers: readonly StatsScorer[],
  resamples: number,
  rng: Rng,
): Float64Array[] {
  const count = matrices.length;
  const { n, k } = matrices[0];
  const width = count * k;
  // Column c = s * k + j holds statistic j of matrix s.
  // Column c = s * k + j holds statistic j of matrix s. Columns are extracted one at a time
  // (packed lanes keep only their sums), so a million-segment matrix is not copied whole.
  const columnAt = (c: number): Float64Array => {
    const src = matrices[Math.floor(c / k)].data;
    const j = c % k;
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = src[i * k + j];
    return col;
  };
  const lanes = packLanes(width, columnAt, n);
  const acc = new Float64Array(width);
  const views = matrices.map((_, s) => acc.subarray(s * k, (s + 1) * k));
  const scores = matrices.map(() => new Float64Array(resamples));
  const draws = new Float64Array(n);
  const indices = n >= LEMIRE_MAX_N ? new Int32Array(n) : undefined;
  for (let r = 0; r < resamples; r++) {
    if (indices === undefined) countDraws(rng, n, draws);
    else {
      sampleIndices(rng, n, indices);
      for (let t = 0; t < n; t++) draws[indices[t]]++;
    }
    for (const lane of lanes) {
      let sum = weightedSum(draws, lane.values, n);
      if (!lane.packed) {
        acc[lane.fields[0].column] = sum;
        continue;
      }
      // Exact integer arithmetic below 2^53: peel the fields off from the highest.
      for (const { column, scale } of lane.fields) {
        const field = Math.floor(sum / scale);
        acc[column] = field;
        sum -= field * scale;
      }
    }
    draws.fill(0);
    for (let s = 0; s < count; s++) scores[s][r] = scorers[s](views[s]);
  }
  return scores;
}

/** Leave-one-out values: the statistic of the corpus without segment i, for every i. */
export function jackknifeScores(matrix: StatsMatrix, scorer: StatsScorer): Float64Array {
  const { n, k, data } = matrix;
  const total = columnSums(matrix);
  const sums = new Float64Array(k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) sums[j] = total[j] - data[i * k + j];
    out[i] = scorer(sums);
  }
  return out;
}

/**
 * Jackknife acceleration a = Σ U³ / (6 (Σ U²)^(3/2)) with U_i = (n-1)(mean - θ_(i)), as scipy's
 * `_bca_interval`. 0 when every jackknife value is equal (scipy: NaN, giving no interval).
 */
export function jackknifeAcceleration(jackknife: ArrayLike<number>): number {
  const n = jackknife.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += jackknife[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const u = (n - 1) * (mean - jackknife[i]);
    num += u * u * u;
    den += u * u;
  }
  num /= n ** 3;
  den /= n ** 2;
  if (den === 0) return 0;
  return num / (6 * den ** 1.5);
}

/** Bias correction z0 = Φ⁻¹((#{θ* < θ̂} + #{θ* <= θ̂}) / 2B) (scipy's `_percentile_of_score`). */
export function biasCorrection(distribution: ArrayLike<number>, estimate: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (let i = 0; i < distribution.length; i++) {
    if (distribution[i] < estimate) below++;
    if (distribution[i] <= estimate) atOrBelow++;
  }
  return normalQuantile((below + atOrBelow) / (2 * distribution.length));
}

/** BCa's adjusted percentile levels (alpha1, alpha2) for tail alpha = (1 - confidence) / 2. */
export function bcaLevels(bias: number, acceleration: number, confidence: number): [number, number] {
  const zAlpha = normalQuantile((1 - confidence) / 2);
  const level = (z: number): number => {
    const num = bias + z;
    return normalCdf(bias + num / (1 - acceleration * num));
  };
  return [level(zAlpha), level(-zAlpha)];
}

/** Ascending copy. */
function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Percentile interval of a bootstrap distribution (numpy "linear" percentiles). */
export function percentileBounds(distribution: ArrayLike<number>, confidence: number): [number, number] {
  const s = sorted(distribution);
  const tail = (1 - confidence) / 2;
  return [quantileSorted(s, tail), quantileSorted(s, 1 - tail)];
}

/** BCa interval from a bootstrap distribution, the full-data estimate and the jackknife values. */
export function bcaBounds(
  distribution: ArrayLike<number>,
  estimate: number,
  jackknife: ArrayLike<number>,
  confidence: number,
): { low: number; high: number; bias: number; acceleration: number } {
  const bias = biasCorrection(distribution, estimate);
  const acceleration = jackknifeAcceleration(jackknife);
  const [a1, a2] = bcaLevels(bias, acceleration, confidence);
  const s = sorted(distribution);
  // scipy returns NaN (with a warning) when a level is undefined, e.g. every resample above θ̂.
  const at = (q: number): number => (Number.isNaN(q) ? Number.NaN : quantileSorted(s, q));
  return { low: at(a1), high: at(a2), bias, acceleration };
}

function resolve(options: BootstrapOptions, n: number): Required<BootstrapOptions> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const method = options.method ?? 'bca';
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(resamples) || resamples < 2) throw new UsageError(`bootstrap: resamples must be an integer >= 2, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (method !== 'bca' && method !== 'percentile') throw new UsageError(`bootstrap: method must be "bca" or "percentile", got "${String(method)}"`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`bootstrap: seed must be an integer in [0, 2^32), got ${seed}`);
  if (n < 1) throw new UsageError('bootstrap: no segments to resample');
  if (method === 'bca' && n < 2) throw new UsageError('bootstrap: BCa needs at least 2 segments (the jackknife leaves one out)');
  return { resamples, confidence, method, seed };
}

/** Bootstrap CI of any statistic that is a function of column sums of `matrix`. */
export function bootstrapInterval(matrix: StatsMatrix, scorer: StatsScorer, options: BootstrapOptions = {}): BootstrapInterval {
  const opts = resolve(options, matrix.n);
  const estimate = scorer(columnSums(matrix));
  const [distribution] = resampleScores([matrix], [scorer], opts.resamples, new Rng(opts.seed));
  let mean = 0;
  for (const x of distribution) mean += x;
  mean /= distribution.length;
  let ss = 0;
  for (const x of distribution) ss += (x - mean) ** 2;
  const common = {
    estimate,
    confidence: opts.confidence,
    method: opts.method,
    resamples: opts.resamples,
    seed: opts.seed,
    n: matrix.n,
    standardError: Math.sqrt(ss / (distribution.length - 1)),
    bootstrapMean: mean,
  };
  if (opts.method === 'percentile') {
    const [low, high] = percentileBounds(distribution, opts.confidence);
    return { ...common, low, high };
  }
  return { ...common, ...bcaBounds(distribution, estimate, jackknifeScores(matrix, scorer), opts.confidence) };
}

/** Bootstrap CI of a corpus metric over segments (statistics from `buildStatsMatrix`). */
export function bootstrapMetric<O, R extends MetricResult>(
  metric: CorpusMetric<O, R>,
  matrix: StatsMatrix,
  metricOptions: O,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapInterval(matrix, metricScorer(metric, metricOptions), options);
}

/** Bootstrap CI of the mean of per-item values (accuracy, per-sample scores, ...). */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval {
  // Rows [x, 1]: a resample's mean is its value sum over its row count, as for jackknife samples.
  const data = new Float64Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    data[2 * i] = values[i];
    data[2 * i + 1] = 1;
  }
  return bootstrapInterval({ n: values.length, k: 2, data }, meanOfSums, options);
}

function meanOfSums(sums: Float64Array): number {
  return sums[0] / sums[1];
}
