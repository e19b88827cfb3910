// Agreement between annotators on one rating matrix (items x annotators): Cohen's kappa
// (sklearn), Fleiss' kappa (statsmodels) or Krippendorff's alpha (NLTK), each with a percentile
// bootstrap interval over items (the usual nonparametric bootstrap for reliability
// coefficients, e.g. Zapf et al. 2016), drawn from assay's seeded Rng; the seed is in the result.
import { InputError, UsageError } from '../core/errors.js';
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { assaySignature } from '../core/signature.js';
import { cohenKappaCodes, kappaConfusion, kappaFromConfusion, type KappaWeights, KAPPA_WEIGHTS } from './cohen-kappa.js';
import { type FleissMethod, fleissKappa, FLEISS_METHODS } from './fleiss-kappa.js';
import { type AlphaLevel, ALPHA_LEVELS, alphaFromUnits, alphaUnitsFromGroups, pairableUnits } from './krippendorff-alpha.js';
import { type Label, uniqueSortedLabels } from './labels.js';
import { percentileInterval } from './percentile.js';

export type AgreementMetric = 'krippendorff' | 'fleiss' | 'cohen';
export const AGREEMENT_METRICS: readonly AgreementMetric[] = ['krippendorff', 'fleiss', 'cohen'];

/** Ratings in wide form: `ratings[i][a]` is annotator a's label for item i, null if absent. */
export interface RatingMatrix {
  items: readonly string[];
  annotators: readonly string[];
  ratings: readonly (readonly (Label | null)[])[];
}

export interface AgreementOptions {
  metric: AgreementMetric;
  /** Krippendorff's level of measurement (default nominal); fleiss and unweighted cohen are nominal, weighted cohen ordinal. */
  level?: AlphaLevel;
  /** Cohen's kappa weights (default unweighted). */
  weights?: KappaWeights | null;
  /** Fleiss' kappa chance model (default 'fleiss'). */
  fleissMethod?: FleissMethod;
  /** Bootstrap resamples of items; 0 = no interval. Default 1000. */
  bootstrap?: number;
  seed?: number;
  /** Two-sided confidence of the interval, default 0.95. */
  confidence?: number;
  /** File the ratings came from, named in errors. */
  source?: string;
}

export interface AgreementInterval {
  low: number;
  high: number;
  confidence: number;
  method: 'percentile';
  /** Resamples drawn. */
  n_boot: number;
  /** Resamples whose statistic was defined (NaN ones, e.g. a constant resample for kappa, are left out). */
  n_valid: number;
}

export interface AgreementResult {
  metric: AgreementMetric;
  level: AlphaLevel;
  weights: KappaWeights | null;
  value: number;
  /** Items that enter the statistic (for alpha: items with at least 2 ratings). */
  n_items: number;
  n_annotators: number;
  ci: AgreementInterval | null;
  seed: number;
  signature: string;
}

interface Prepared {
  nItems: number;
  /** The statistic on the items `rows` (a resample, with repeats). */
  statistic(rows?: Int32Array): number;
}

/** Computes the statistic and its bootstrap interval; bad data is an InputError naming the source. */
export function computeAgreement(matrix: RatingMatrix, options: AgreementOptions): AgreementResult {
  const opts = resolveAgreementOptions(options);
  const prepared = prepare(matrix, opts);
  const value = prepared.statistic();
  let ci: AgreementInterval | null = null;
  if (opts.bootstrap > 0) {
    const rng = new Rng(opts.seed);
    const replicates = new Float64Array(opts.bootstrap);
    const rows = new Int32Array(prepared.nItems);
    for (let b = 0; b < opts.bootstrap; b++) {
      for (let i = 0; i < rows.length; i++) rows[i] = rng.intBelow(prepared.nItems);
      replicates[b] = prepared.statistic(rows);
    }
    const interval = percentileInterval(replicates, opts.confidence);
    ci = { low: interval.low, high: interval.high, confidence: opts.confidence, method: 'percentile', n_boot: opts.bootstrap, n_valid: interval.nValid };
  }
  // Weighted kappa uses each label's position in the sorted list: an ordinal treatment.
  const level: AlphaLevel = opts.metric === 'cohen' && opts.weights !== null ? 'ordinal' : opts.level;
  const sig: Record<string, string | number> = { metric: opts.metric, level };
  if (opts.metric === 'cohen') sig.weights = opts.weights ?? 'none';
  if (opts.metric === 'fleiss') sig.method = opts.fleissMethod;
  sig.boot = opts.bootstrap;
  sig.seed = opts.seed;
  return {
    metric: opts.metric,
    level,
    weights: opts.weights,
    value,
    n_items: prepared.nItems,
    n_annotators: matrix.annotators.length,
    ci,
    seed: opts.seed,
    signature: assaySignature(sig),
  };
}

type ResolvedOptions = Required<Omit<AgreementOptions, 'source' | 'weights'>> & { weights: KappaWeights | null; source: string | undefined };

/** Fills defaults and validates; the only place agreement defaults live. */
export function resolveAgreementOptions(options: AgreementOptions): ResolvedOptions {
  const { metric } = options;
  if (!AGREEMENT_METRICS.includes(metric)) throw new UsageError(`unknown agreement metric "${String(metric)}" (valid: ${AGREEMENT_METRICS.join(', ')})`);
  const level = options.level ?? 'nominal';
  if (!ALPHA_LEVELS.includes(level)) throw new UsageError(`unknown level "${String(level)}" (valid: ${ALPHA_LEVELS.join(', ')})`);
  if (metric !== 'krippendorff' && level !== 'nominal') {
    throw new UsageError(`${metric} kappa treats labels as nominal; --level ${level} applies to krippendorff only${metric === 'cohen' ? ' (for ordered labels use cohen --weights linear|quadratic)' : ''}`);
  }
  const weights = options.weights ?? null;
  if (weights !== null && !KAPPA_WEIGHTS.includes(weights)) throw new UsageError(`unknown weights "${String(weights)}" (valid: ${KAPPA_WEIGHTS.join(', ')})`);
  if (weights !== null && metric !== 'cohen') throw new UsageError(`weights apply to cohen only, not ${metric}`);
  const fleissMethod = options.fleissMethod ?? 'fleiss';
  if (!FLEISS_METHODS.includes(fleissMethod)) throw new UsageError(`unknown fleiss method "${String(fleissMethod)}" (valid: ${FLEISS_METHODS.join(', ')})`);
  const bootstrap = options.bootstrap ?? 1000;
  if (!Number.isInteger(bootstrap) || bootstrap < 0) throw new UsageError(`bootstrap must be a whole number >= 0, got ${bootstrap}`);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`confidence must be between 0 and 1, got ${confidence}`);
  return { metric, level, weights, fleissMethod, bootstrap, seed, confidence, source: options.source };
}

function prepare(matrix: RatingMatrix, opts: ResolvedOptions): Prepared {
  const fail = (message: string): never => {
    throw new InputError(message, opts.source ? { file: opts.source } : undefined);
  };
  const { items, annotators, ratings } = matrix;
  if (ratings.length !== items.length) throw new UsageError(`rating matrix has ${ratings.length} rows for ${items.length} items`);
  const perItem = ratings.map((row) => row.filter((v): v is Label => v !== null && v !== undefined));
  if (perItem.every((r) => r.length < 2)) {
    fail(`no item has two or more ratings (${items.length} items, ${annotators.length} annotators): there is nothing to agree on`);
  }
  if (opts.metric === 'cohen') {
    if (annotators.length !== 2) fail(`cohen's kappa compares exactly 2 annotators, found ${annotators.length} (${annotators.slice(0, 5).join(', ')}${annotators.length > 5 ? ', ...' : ''}); use fleiss or krippendorff for more`);
    const y1: Label[] = [];
    const y2: Label[] = [];
    ratings.forEach((row, i) => {
      const a = row[0] ?? null;
      const b = row[1] ?? null;
      if (a === null || b === null) fail(`cohen's kappa needs both annotators' ratings of every item; item "${items[i]}" has no rating from "${annotators[a === null ? 0 : 1]}"`);
      y1.push(a as Label);
      y2.push(b as Label);
    });
    const codes = guard(() => cohenKappaCodes(y1, y2, null), fail);
    const k = codes.labels.length;
    return { nItems: y1.length, statistic: (rows) => kappaFromConfusion(kappaConfusion(codes, rows), k, opts.weights) };
  }
  if (opts.metric === 'fleiss') {
    const nRaters = perItem[0].length;
    perItem.forEach((r, i) => {
      if (r.length !== nRaters) fail(`fleiss' kappa needs the same number of ratings for every item; item "${items[0]}" has ${nRaters}, item "${items[i]}" has ${r.length} (use krippendorff for missing ratings)`);
    });
    const categories = guard(() => uniqueSortedLabels(perItem.flat()), fail);
    const index = new Map<Label, number>(categories.map((c, i) => [c, i]));
    const table = perItem.map((r) => {
      const counts = new Array<number>(categories.length).fill(0);
      for (const v of r) counts[index.get(v) as number]++;
      return counts;
    });
    return { nItems: table.length, statistic: (rows) => fleissKappa(table, opts.fleissMethod, rows) };
  }
  if (opts.level !== 'nominal') {
    perItem.forEach((r, i) => {
      const bad = r.find((v) => typeof v !== 'number');
      if (bad !== undefined) fail(`level ${opts.level} needs numeric labels; item "${items[i]}" has the label ${JSON.stringify(bad)} (use level nominal for categories)`);
    });
  }
  const units = guard(() => alphaUnitsFromGroups(perItem, opts.level), fail);
  const nUnits = pairableUnits(units);
  const weights = new Float64Array(nUnits);
  return {
    nItems: nUnits,
    statistic: (rows) => {
      if (!rows) return alphaFromUnits(units);
      weights.fill(0);
      for (let i = 0; i < rows.length; i++) weights[rows[i]] += 1;
      return alphaFromUnits(units, weights);
    },
  };
}

/** Re-raises a library UsageError about the data as an InputError naming the file. */
function guard<T>(fn: () => T, fail: (message: string) => never): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
}
