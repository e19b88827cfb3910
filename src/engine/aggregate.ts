// Corpus-level aggregation of per-document metric items, with the formulas of lm-evaluation-harness
// (lm_eval/api/metrics.py, v0.4: mean, median, perplexity, weighted_perplexity, bits_per_byte,
// bleu/chrf/ter via sacrebleu defaults, sklearn f1 / matthews_corrcoef, brier_score). Uncertainty:
// `mean` gets the harness's mean_stderr and a t interval (cluster-robust with clusters); every other
// aggregation a seeded percentile bootstrap (the harness bootstraps only some, with unseeded-by-user
// Python `random`, and reports weighted_perplexity / bits_per_byte without a standard error).
import { InputError, UsageError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { Registry } from '../core/registry.js';
import { bleu } from '../metrics/bleu.js';
import { chrf } from '../metrics/chrf.js';
import { ter } from '../metrics/ter.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';
import { bootstrapInterval, percentileBounds, sampleIndices } from '../stats/bootstrap.js';
import { clusteredMeanCi, meanCi, numpySum } from '../stats/mean-ci.js';
import { proportionConfint } from '../stats/proportion.js';
import { buildStatsMatrix, columnSums, metricScorer, type StatsMatrix, type StatsScorer } from '../stats/stats-matrix.js';
import type { MetricItem } from './task-metrics.js';

export interface AggregateOptions {
  seed: number;
  /** Bootstrap resamples (default 1000); 0 turns every standard error and interval off, as the harness's bootstrap_iters=0. */
  bootstrapIters?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** One cluster key per item: clustered standard errors for `mean`, cluster bootstrap otherwise. */
  clusters?: readonly (string | number)[] | null;
  /**
   * The interval of a `mean`: `analytic` (default: Wilson for 0/1 items, t otherwise, clustered
   * t with clusters) or `bootstrap` (seeded percentile bootstrap over items or clusters). The
   * standard error is the harness's (or the clustered one) either way.
   */
  meanInterval?: 'analytic' | 'bootstrap';
}

export interface AggregateValue {
  value: number;
  n: number;
  stderr: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** "wilson" (a mean of 0/1 items), "t", "clustered-t", "bootstrap-percentile", "cluster-bootstrap-percentile", or "none" (n = 1, one cluster, bootstrapIters 0). */
  method: string;
  /** The bootstrap seed; null when nothing was resampled. */
  seed: number | null;
}

export type AggregationFn = (items: readonly MetricItem[]) => number;

export const DEFAULT_BOOTSTRAP_ITERS = 1000;

// ---------------------------------------------------------------------------------------------
// Item shapes

function numbers(items: readonly MetricItem[], aggregation: string): number[] {
  return items.map((item, i) => {
    if (typeof item !== 'number') throw new InputError(`aggregation "${aggregation}": item ${i + 1} is ${JSON.stringify(item)}, expected a number`);
    return item;
  });
}

function numberPairs(items: readonly MetricItem[], aggregation: string): [number, number][] {
  return items.map((item, i) => {
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'number' || typeof item[1] !== 'number') {
      throw new InputError(`aggregation "${aggregation}": item ${i + 1} is ${JSON.stringify(item)}, expected a pair of numbers`);
    }
    return [item[0], item[1]];
  });
}

/** Python `sum(xs)` (3.11: left to right, no compensation). */
function pySum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The harness's `mean`: sum(arr) / len(arr). */
function harnessMean(xs: readonly number[]): number {
  return pySum(xs) / xs.length;
}

/** sum(a) / sum(b) over [a, b] pairs (the harness's weighted_mean). */
function weightedMean(pairs: readonly [number, number][]): number {
  return pySum(pairs.map((p) => p[0])) / pySum(pairs.map((p) => p[1]));
}

/**
 * The harness's `_sacreformat`: references (a string or a list per item) become reference streams;
 * like its `zip(*refs)`, every item keeps only as many references as the item with fewest.
 */
function sacreformat(items: readonly MetricItem[], aggregation: string): { preds: string[]; streams: string[][] } {
  const refs: string[][] = [];
  const preds: string[] = [];
  items.forEach((item, i) => {
    const bad = (): never => {
      throw new InputError(`aggregation "${aggregation}": item ${i + 1} is ${JSON.stringify(item)}, expected [reference or [references], prediction]`);
    };
    if (!Array.isArray(item) || item.length !== 2) return bad();
    const [ref, pred] = item as [unknown, unknown];
    if (typeof ref === 'string') refs.push([ref]);
    else if (Array.isArray(ref) && ref.length > 0 && ref.every((r) => typeof r === 'string')) refs.push(ref as string[]);
    else bad();
    if (typeof pred === 'string') preds.push(pred);
    else if (Array.isArray(pred) && pred.length === 1 && typeof pred[0] === 'string') preds.push(pred[0]);
    else bad();
  });
  const count = Math.min(...refs.map((r) => r.length));
  const streams = Array.from({ length: count }, (_, k) => refs.map((r) => r[k]));
  return { preds, streams };
}

/** Labels of (gold, pred) pairs as sklearn's LabelEncoder sorts them. */
function labelsOf(pairs: readonly [number, number][]): number[] {
  return [...new Set(pairs.flat())].sort((a, b) => a - b);
}

/** sklearn f1_score(golds, preds) (average='binary', pos_label=1): 2pr/(p+r), 0 when undefined. */
function f1FromCounts(tp: number, fp: number, fn: number): number {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const denom = precision + recall === 0 ? 1 : precision + recall;
  return (2 * precision * recall) / denom;
}

function checkBinary(pairs: readonly [number, number][]): void {
  const labels = labelsOf(pairs);
  if (labels.length > 2) {
    throw new InputError(`aggregation "f1": the (gold, prediction) labels are multiclass (${labels.join(', ')}); sklearn's binary f1 needs at most two labels`);
  }
  if (labels.length === 2 && !labels.includes(1)) {
    throw new InputError(`aggregation "f1": pos_label 1 is not among the labels (${labels.join(', ')})`);
  }
}

/** Rows [tp, fp, fn] for the positive label 1. */
function f1Matrix(pairs: readonly [number, number][]): StatsMatrix {
  const data = new Float64Array(pairs.length * 3);
  pairs.forEach(([gold, pred], i) => {
    if (pred === 1 && gold === 1) data[3 * i] = 1;
    else if (pred === 1) data[3 * i + 1] = 1;
    else if (gold === 1) data[3 * i + 2] = 1;
  });
  return { n: pairs.length, k: 3, data };
}

const f1Scorer: StatsScorer = (s) => f1FromCounts(s[0], s[1], s[2]);

/** Rows = one-hot confusion-matrix cells (K x K over the sorted labels). */
function mccMatrix(pairs: readonly [number, number][]): StatsMatrix {
  const labels = labelsOf(pairs);
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length * labels.length;
  const data = new Float64Array(pairs.length * k);
  pairs.forEach(([gold, pred], i) => {
    data[i * k + (index.get(gold) as number) * labels.length + (index.get(pred) as number)] = 1;
  });
  return { n: pairs.length, k, data };
}

/** sklearn matthews_corrcoef from a flattened confusion matrix C[true][pred]. */
function mccScorer(s: Float64Array): number {
  const size = Math.round(Math.sqrt(s.length));
  const t = new Float64Array(size);
  const p = new Float64Array(size);
  let correct = 0;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      t[a] += s[a * size + b];
      p[b] += s[a * size + b];
    }
    correct += s[a * size + a];
  }
  const n = numpySum(p);
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let a = 0; a < size; a++) {
    tp += t[a] * p[a];
    pp += p[a] * p[a];
    tt += t[a] * t[a];
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

function ratioMatrix(pairs: readonly [number, number][]): StatsMatrix {
  return { n: pairs.length, k: 2, data: Float64Array.from(pairs.flat()) };
}

// ---------------------------------------------------------------------------------------------
// Built-ins: the value (harness formula) and how the uncertainty is obtained

/** How an aggregation's uncertainty is computed: t interval, bootstrap of summed statistics, or bootstrap of the items. */
type Plan =
  | { kind: 'mean' }
  /** `value`, when given, is the aggregation's value computed from the same statistics (saves a second pass). */
  | { kind: 'matrix'; matrix: StatsMatrix; scorer: StatsScorer; value?: number }
  | { kind: 'median'; values: number[] }
  | { kind: 'items' };

interface Builtin {
  fn: AggregationFn;
  plan(items: readonly MetricItem[]): Plan;
}

function corpusBuiltin(name: string, metric: CorpusMetric<unknown, MetricResult>): Builtin {
  const prepare = (items: readonly MetricItem[]): { matrix: StatsMatrix; scorer: StatsScorer } => {
    const { preds, streams } = sacreformat(items, name);
    const options = metric.resolveOptions({});
    return { matrix: buildStatsMatrix(metric, preds, streams, options), scorer: metricScorer(metric, options) };
  };
  return {
    fn: (items) => {
      const { matrix, scorer } = prepare(items);
      return scorer(columnSums(matrix));
    },
    plan: (items) => {
      const { matrix, scorer } = prepare(items);
      return { kind: 'matrix', matrix, scorer, value: scorer(columnSums(matrix)) };
    },
  };
}

const perplexityScorer: StatsScorer = (s) => Math.exp(-(s[0] / s[1]));

const BUILTINS: Record<string, Builtin> = {
  mean: { fn: (items) => harnessMean(numbers(items, 'mean')), plan: () => ({ kind: 'mean' }) },
  median: {
    fn: (items) => {
      const sorted = [...numbers(items, 'median')].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    },
    plan: (items) => ({ kind: 'median', values: numbers(items, 'median') }),
  },
  perplexity: {
    fn: (items) => Math.exp(-harnessMean(numbers(items, 'perplexity'))),
    plan: (items) => ({ kind: 'matrix', matrix: ratioMatrix(numbers(items, 'perplexity').map((x): [number, number] => [x, 1])), scorer: perplexityScorer }),
  },
  weighted_perplexity: {
    fn: (items) => Math.exp(-weightedMean(numberPairs(items, 'weighted_perplexity'))),
    plan: (items) => ({ kind: 'matrix', matrix: ratioMatrix(numberPairs(items, 'weighted_perplexity')), scorer: perplexityScorer }),
  },
  bits_per_byte: {
    fn: (items) => -weightedMean(numberPairs(items, 'bits_per_byte')) / Math.LN2,
    plan: (items) => ({ kind: 'matrix', matrix: ratioMatrix(numberPairs(items, 'bits_per_byte')), scorer: (s) => -(s[0] / s[1]) / Math.LN2 }),
  },
  bleu: corpusBuiltin('bleu', bleu as CorpusMetric<unknown, MetricResult>),
  chrf: corpusBuiltin('chrf', chrf as CorpusMetric<unknown, MetricResult>),
  ter: corpusBuiltin('ter', ter as CorpusMetric<unknown, MetricResult>),
  // Pairs (gold, pred) from multiple_choice: sklearn's binary f1. Numbers (assay's SQuAD token F1 of
  // generate_until): their mean, as SQuAD's script averages per-question F1.
  f1: {
    fn: (items) => {
      if (items.length > 0 && typeof items[0] === 'number') return harnessMean(numbers(items, 'f1'));
      const pairs = numberPairs(items, 'f1');
      checkBinary(pairs);
      return f1Scorer(columnSums(f1Matrix(pairs)));
    },
    plan: (items) => (items.length > 0 && typeof items[0] === 'number' ? { kind: 'mean' } : { kind: 'matrix', matrix: f1Matrix(numberPairs(items, 'f1')), scorer: f1Scorer }),
  },
  matthews_corrcoef: {
    fn: (items) => mccScorer(columnSums(mccMatrix(numberPairs(items, 'matthews_corrcoef')))),
    plan: (items) => ({ kind: 'matrix', matrix: mccMatrix(numberPairs(items, 'matthews_corrcoef')), scorer: mccScorer }),
  },
  // Items are each document's Σ (p - onehot)²; the harness takes np.mean of them.
  brier_score: { fn: (items) => numpySum(numbers(items, 'brier_score')) / items.length, plan: () => ({ kind: 'mean' }) },
};

const PLANS = new Map<AggregationFn, Builtin['plan']>(Object.values(BUILTINS).map((b) => [b.fn, b.plan]));

export const aggregationRegistry = new Registry<AggregationFn>(
  'aggregation',
  Object.fromEntries(Object.entries(BUILTINS).map(([name, b]) => [name, b.fn])),
);

// ---------------------------------------------------------------------------------------------
// Uncertainty

/** Item indexes of each cluster, in order of first appearance (or one unit per item). */
function units(n: number, clusters: readonly (string | number)[] | null): number[][] {
  if (clusters === null) return Array.from({ length: n }, (_, i) => [i]);
  const groups = new Map<string | number, number[]>();
  clusters.forEach((c, i) => {
    const g = groups.get(c);
    if (g) g.push(i);
    else groups.set(c, [i]);
  });
  return [...groups.values()];
}

function unitMatrix(matrix: StatsMatrix, groups: readonly number[][]): StatsMatrix {
  if (groups.length === matrix.n) return matrix;
  const { k } = matrix;
  const data = new Float64Array(groups.length * k);
  groups.forEach((members, u) => {
    for (const i of members) for (let j = 0; j < k; j++) data[u * k + j] += matrix.data[i * k + j];
  });
  return { n: groups.length, k, data };
}

function sampleSd(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Bootstrap by resampling units of items and re-running the aggregation (median, plug-ins). */
function itemBootstrap(fn: AggregationFn, items: readonly MetricItem[], groups: readonly number[][], resamples: number, confidence: number, seed: number) {
  const rng = new Rng(seed);
  const draw = new Int32Array(groups.length);
  const replicates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    sampleIndices(rng, groups.length, draw);
    const sample: MetricItem[] = [];
    for (const u of draw) for (const i of groups[u]) sample.push(items[i]);
    const x = fn(sample);
    if (Number.isFinite(x)) replicates.push(x);
  }
  if (replicates.length < 2) return { stderr: null, low: null, high: null };
  const [low, high] = percentileBounds(replicates, confidence);
  return { stderr: sampleSd(replicates), low, high };
}

/**
 * Bootstrap of the harness's (upper) median without sorting every resample: items are ranked once,
 * a resample counts how often each rank was drawn, and a walk over the counts finds the element at
 * position floor(size / 2). Same draws as `itemBootstrap`, hence the same replicates.
 */
function medianBootstrap(values: readonly number[], groups: readonly number[][], resamples: number, confidence: number, seed: number) {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const rank = new Int32Array(values.length);
  order.forEach((item, r) => (rank[item] = r));
  const counts = new Int32Array(values.length);
  const rng = new Rng(seed);
  const draw = new Int32Array(groups.length);
  const replicates = new Float64Array(resamples);
  const singletons = groups.length === values.length;
  for (let r = 0; r < resamples; r++) {
    sampleIndices(rng, groups.length, draw);
    counts.fill(0);
    let size = 0;
    if (singletons) {
      for (let t = 0; t < draw.length; t++) counts[rank[draw[t]]]++;
      size = draw.length;
    } else {
      for (const u of draw) {
        for (const i of groups[u]) counts[rank[i]]++;
        size += groups[u].length;
      }
    }
    const target = Math.floor(size / 2);
    let seen = 0;
    let at = 0;
    while (seen + counts[at] <= target) seen += counts[at++];
    replicates[r] = values[order[at]];
  }
  const [low, high] = percentileBounds(replicates, confidence);
  return { stderr: sampleSd(replicates), low, high };
}

/**
 * Aggregates one metric's items (harness formula for the value) with its standard error and
 * confidence interval. No items → InputError (there is nothing to report, not a zero).
 */
export function aggregateItems(aggregation: string, items: readonly MetricItem[], options: AggregateOptions): AggregateValue {
  const fn = aggregationRegistry.get(aggregation);
  const n = items.length;
  if (n === 0) throw new InputError(`aggregation "${aggregation}": no items to aggregate (every document failed or the task has none)`);
  const resamples = options.bootstrapIters ?? DEFAULT_BOOTSTRAP_ITERS;
  const confidence = options.confidence ?? 0.95;
  const clusters = options.clusters ?? null;
  const { seed } = options;
  if (!Number.isSafeInteger(resamples) || resamples < 0 || resamples === 1) throw new UsageError(`aggregate: bootstrapIters must be 0 (no uncertainty) or an integer >= 2, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`aggregate: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`aggregate: seed must be an integer in [0, 2^32), got ${seed}`);
  if (clusters !== null && clusters.length !== n) throw new UsageError(`aggregate: clusters must have one key per item (${n}), got ${clusters.length}`);

  const groups = units(n, clusters);
  const uncertain = resamples > 0 && groups.length >= 2;
  const planOf = PLANS.get(fn);
  const plan: Plan | null = uncertain ? (planOf?.(items) ?? { kind: 'items' }) : null;
  const value = plan?.kind === 'matrix' && plan.value !== undefined ? plan.value : fn(items);
  if (plan === null) return { value, n, stderr: null, ciLow: null, ciHigh: null, method: 'none', seed: null };

  if (plan.kind === 'mean') {
    const values = numbers(items, aggregation);
    // A NaN or infinite item makes the mean so; there is no standard error to give.
    if (!values.every(Number.isFinite)) return { value, n, stderr: null, ciLow: null, ciHigh: null, method: 'none', seed: null };
    const bootstrapCi = () => itemBootstrap(fn, items, groups, resamples, confidence, seed);
    const bootMethod = clusters === null ? 'bootstrap-percentile' : 'cluster-bootstrap-percentile';
    if (clusters !== null) {
      const ci = clusteredMeanCi(values, clusters, { confidenceLevel: confidence });
      if (options.meanInterval === 'bootstrap') {
        const boot = bootstrapCi();
        return { value, n, stderr: ci.standardError, ciLow: boot.low, ciHigh: boot.high, method: bootMethod, seed };
      }
      return { value, n, stderr: ci.standardError, ciLow: ci.low, ciHigh: ci.high, method: 'clustered-t', seed: null };
    }
    // The harness's mean_stderr: sample_stddev (ddof 1, Python sums) / sqrt(n).
    const mu = harnessMean(values);
    const stderr = Math.sqrt(pySum(values.map((x) => (x - mu) ** 2)) / (n - 1)) / Math.sqrt(n);
    if (options.meanInterval === 'bootstrap') {
      const boot = bootstrapCi();
      return { value, n, stderr, ciLow: boot.low, ciHigh: boot.high, method: bootMethod, seed };
    }
    if (values.every((x) => x === 0 || x === 1)) {
      // Accuracies: the Wilson score interval stays inside [0, 1] and covers well at small n
      // or near 0 and 1, where mean ± t·SE does not (statsmodels proportion_confint 'wilson').
      const count = values.reduce((sum: number, x) => sum + x, 0);
      const ci = proportionConfint(count, n, 1 - confidence, 'wilson');
      return { value, n, stderr, ciLow: ci.low, ciHigh: ci.high, method: 'wilson', seed: null };
    }
    const ci = meanCi(values, confidence);
    return { value, n, stderr, ciLow: ci.low, ciHigh: ci.high, method: 't', seed: null };
  }
  const method = clusters === null ? 'bootstrap-percentile' : 'cluster-bootstrap-percentile';
  if (plan.kind === 'matrix') {
    const boot = bootstrapInterval(unitMatrix(plan.matrix, groups), plan.scorer, { resamples, confidence, method: 'percentile', seed });
    return { value, n, stderr: boot.standardError, ciLow: boot.low, ciHigh: boot.high, method, seed };
  }
  const boot = plan.kind === 'median' ? medianBootstrap(plan.values, groups, resamples, confidence, seed) : itemBootstrap(fn, items, groups, resamples, confidence, seed);
  return { value, n, stderr: boot.stderr, ciLow: boot.low, ciHigh: boot.high, method, seed };
}

/** Adds a plug-in aggregation; its uncertainty is a bootstrap over the items. */
export function registerAggregation(name: string, fn: AggregationFn, options: { replace?: boolean } = {}): void {
  aggregationRegistry.register(name, fn, options);
}
