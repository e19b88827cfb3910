// Judge validation against human labels, the way MT-Bench (Zheng et al. 2023, §4.2) and the
// G-Eval paper check a judge: agreement with people as Cohen's kappa (sklearn; quadratic weights
// for ordinal ratings), Krippendorff's alpha (NLTK), Spearman and Kendall tau-b (scipy) and
// accuracy against the human majority, each with a 95% interval (seeded percentile bootstrap over
// items, or Wilson for accuracy). Unscored judge verdicts are counted with their reasons, not dropped.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { readJsonlRecords } from '../io/jsonl.js';
import { computeAgreement, type RatingMatrix } from '../stats/agreement.js';
import { kendalltau, spearmanr } from '../stats/correlation.js';
import type { AlphaLevel } from '../stats/krippendorff-alpha.js';
import type { Label } from '../stats/labels.js';
import { percentileInterval } from '../stats/percentile.js';
import { proportionConfint } from '../stats/proportion.js';
import type { Judge, JudgeIdentity, JudgeInput, JudgeKind, PairVerdict, Verdict } from './types.js';

export const DEFAULT_VALIDATION_RESAMPLES = 1000;
const PAIR_LABELS = ['A', 'B', 'tie'] as const;

/** One human rating: a score, a category (choice string or pairwise winner A / B / tie). */
export type HumanLabel = number | string;

export interface LabelledItem {
  /** 1-based line in the labels file. */
  line: number;
  input: JudgeInput;
  /** Every rater's label (one or more). */
  human: HumanLabel[];
}

/** A statistic with its 95% interval; `value` is null when undefined on these data (the reason says why). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  /** Items that enter the statistic. */
  n: number;
  method: 'bootstrap-percentile' | 'wilson';
  /** Bootstrap resamples whose statistic was defined (bootstrap only). */
  nValid?: number;
  reason?: string;
}

export interface ValidationReport {
  kind: JudgeKind;
  identity: JudgeIdentity;
  n: number;
  scored: number;
  unscored: number;
  /** Unscored verdicts counted by reason. */
  unscoredReasons: Record<string, number>;
  /** Items whose raters have no single most frequent label (left out of kappa and accuracy). */
  noHumanMajority: number;
  /** 'ordinal' (ratings), 'interval' (geval's continuous scores) or 'nominal' (categories). */
  scale: AlphaLevel;
  cohenKappa: Estimate & { weights: 'quadratic' | null };
  krippendorffAlpha: Estimate & { level: AlphaLevel };
  spearman: Estimate | null;
  kendallTauB: Estimate | null;
  accuracy: Estimate | null;
  confidence: number;
  resamples: number;
  seed: number;
}

export interface ValidationOptions {
  resamples?: number;
  seed?: number;
}

const label = z.union([z.number().finite(), z.string().min(1)]);
const labelRecord = z.object({
  question: z.string(),
  answer: z.string(),
  reference: z.string().optional(),
  answerB: z.string().optional(),
  criteria: z.string().optional(),
  human: z.union([label, z.array(label).min(1)]),
});

const isRatingKind = (kind: JudgeKind): boolean => kind === 'single' || kind === 'reference' || kind === 'geval';

/** Reads HUMAN.jsonl; a bad line is an InputError naming file:line and the field. */
export async function readLabels(file: string, kind: JudgeKind): Promise<LabelledItem[]> {
  const what = isRatingKind(kind) ? 'a number, or an array of numbers from several raters' : kind === 'pairwise' ? '"A", "B" or "tie", or an array of them' : 'a choice string or a score, or an array of them';
  const items: LabelledItem[] = [];
  const shape = {
    object: '{"question": string, "answer": string, "reference"?: string, "answerB"?: string, "human": label | [labels]}',
    field: (name: string) => (name === 'human' ? what : `${name} as a string`),
  };
  for await (const { line, value } of readJsonlRecords(file, labelRecord, shape)) {
    const human = Array.isArray(value.human) ? value.human : [value.human];
    const bad = (message: string): never => {
      throw new InputError(message, { file, line, field: 'human' });
    };
    if (isRatingKind(kind) && human.some((h) => typeof h !== 'number')) bad(`a ${kind} judge gives ratings: expected ${what}, got ${JSON.stringify(value.human)}`);
    if (kind === 'pairwise' && human.some((h) => !(PAIR_LABELS as readonly HumanLabel[]).includes(h))) bad(`expected ${what}, got ${JSON.stringify(value.human)}`);
    if (kind === 'classify' && new Set(human.map((h) => typeof h)).size > 1) bad(`mixes choice strings and scores (${JSON.stringify(value.human)}); give one kind of label per file`);
    if (kind === 'pairwise' && value.answerB === undefined) throw new InputError(`a pairwise judge needs "answerB" (the second answer)`, { file, line, field: 'answerB' });
    if (kind === 'reference' && value.reference === undefined) throw new InputError(`a reference judge needs "reference" (the reference answer)`, { file, line, field: 'reference' });
    const input: JudgeInput = { question: value.question, answer: value.answer };
    if (value.reference !== undefined) input.reference = value.reference;
    if (value.answerB !== undefined) input.answerB = value.answerB;
    if (value.criteria !== undefined) input.criteria = value.criteria;
    items.push({ line, input, human });
  }
  if (items.length === 0) throw new InputError('no labelled items (every line is blank)', { file });
  if (kind === 'classify' && new Set(items.map((i) => typeof i.human[0])).size > 1) {
    throw new InputError('mixes choice strings and scores across lines; give one kind of label per file', { file, field: 'human' });
  }
  return items;
}

/** The single most frequent label, or undefined when two or more share the top count. */
export function humanMajority(labels: readonly HumanLabel[]): HumanLabel | undefined {
  const counts = new Map<HumanLabel, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const best = Math.max(...counts.values());
  const top = [...counts].filter(([, c]) => c === best);
  return top.length === 1 ? top[0][0] : undefined;
}

/** The low median of the ratings (Python's statistics.median_low): a rating some rater gave, so it stays on the scale for kappa. */
export function humanMedian(labels: readonly number[]): number {
  const s = [...labels].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

/** Percentile bootstrap over items of `statistic(rows)`, drawn from assay's seeded Rng (NaN resamples left out). */
export function itemBootstrap(n: number, statistic: (rows: Int32Array) => number, resamples: number, seed: number, confidence = 0.95): { low: number | null; high: number | null; nValid: number } {
  if (resamples === 0 || n === 0) return { low: null, high: null, nValid: 0 };
  const rng = new Rng(seed);
  const rows = new Int32Array(n);
  const replicates = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) rows[i] = rng.intBelow(n);
    replicates[b] = statistic(rows);
  }
  const interval = percentileInterval(replicates, confidence);
  return interval.nValid === 0 ? { low: null, high: null, nValid: 0 } : { low: interval.low, high: interval.high, nValid: interval.nValid };
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** A correlation (or any statistic of paired values) with its bootstrap interval. */
export function pairedEstimate(x: readonly number[], y: readonly number[], statistic: (x: number[], y: number[]) => number, resamples: number, seed: number): Estimate {
  const n = x.length;
  const method = 'bootstrap-percentile' as const;
  if (n < 2) return { value: null, low: null, high: null, n, method, reason: `needs at least 2 items, got ${n}` };
  const safe = (xs: number[], ys: number[]): number => {
    if (xs.every((v) => v === xs[0]) || ys.every((v) => v === ys[0])) return Number.NaN;
    return statistic(xs, ys);
  };
  const value = finite(safe([...x], [...y]));
  if (value === null) return { value: null, low: null, high: null, n, method, reason: 'one side is constant, so the correlation is undefined' };
  const ci = itemBootstrap(n, (rows) => safe(Array.from(rows, (i) => x[i]), Array.from(rows, (i) => y[i])), resamples, seed);
  return { value, low: ci.low, high: ci.high, n, method, nValid: ci.nValid };
}

export const spearman = (x: number[], y: number[]): number => spearmanr(x, y).statistic;
export const kendallTauB = (x: number[], y: number[]): number => kendalltau(x, y).statistic;

/** A proportion with its Wilson interval. */
export function proportionEstimate(successes: number, n: number): Estimate {
  if (n === 0) return { value: null, low: null, high: null, n, method: 'wilson', reason: 'no items' };
  const ci = proportionConfint(successes, n, 0.05, 'wilson');
  return { value: successes / n, low: ci.low, high: ci.high, n, method: 'wilson' };
}

function agreementEstimate(matrix: RatingMatrix, metric: 'cohen' | 'krippendorff', level: AlphaLevel, weights: 'quadratic' | null, resamples: number, seed: number): Estimate {
  const method = 'bootstrap-percentile' as const;
  try {
    const r = computeAgreement(matrix, { metric, level: metric === 'cohen' ? 'nominal' : level, weights: metric === 'cohen' ? weights : null, bootstrap: resamples, seed });
    return { value: finite(r.value), low: r.ci ? finite(r.ci.low) : null, high: r.ci ? finite(r.ci.high) : null, n: r.n_items, method, nValid: r.ci?.n_valid ?? 0, ...(Number.isFinite(r.value) ? {} : { reason: 'undefined on these data (no variation in the labels)' }) };
  } catch (error) {
    if (error instanceof InputError) return { value: null, low: null, high: null, n: 0, method, reason: error.message };
    throw error;
  }
}

/** The judge's label for comparison with people: its score, its choice string, or its pairwise winner. */
function judgeLabel(verdict: Verdict | PairVerdict, humanIsText: boolean): HumanLabel | null {
  if (verdict.status !== 'scored') return null;
  if ('winner' in verdict) return verdict.winner;
  if (humanIsText) return verdict.choice ?? null;
  return verdict.score;
}

/** The report from verdicts already made (pure: no judge calls). */
export function summarizeValidation(kind: JudgeKind, identity: JudgeIdentity, items: readonly LabelledItem[], verdicts: ReadonlyArray<Verdict | PairVerdict>, options: ValidationOptions = {}): ValidationReport {
  const resamples = options.resamples ?? DEFAULT_VALIDATION_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const ratings = isRatingKind(kind);
  const scale: AlphaLevel = kind === 'geval' ? 'interval' : ratings ? 'ordinal' : 'nominal';
  const humanIsText = items.length > 0 && typeof items[0].human[0] === 'string';
  const unscoredReasons: Record<string, number> = {};
  let unscored = 0;
  for (const v of verdicts) {
    if (v.status === 'unscored') {
      unscored++;
      unscoredReasons[v.reason] = (unscoredReasons[v.reason] ?? 0) + 1;
    }
  }
  const judged = items.map((item, i) => judgeLabel(verdicts[i], humanIsText));
  // Consensus: the low median rating for ordinal scores, the majority label for categories.
  const consensus = items.map((item) => (ratings ? humanMedian(item.human as number[]) : humanMajority(item.human)));
  const noHumanMajority = consensus.filter((c) => c === undefined).length;
  const both = items.map((_, i) => i).filter((i) => judged[i] !== null && consensus[i] !== undefined);

  const kappaMatrix: RatingMatrix = { items: both.map(String), annotators: ['judge', 'human'], ratings: both.map((i) => [judged[i] as Label, consensus[i] as Label]) };
  const weights = ratings ? ('quadratic' as const) : null;
  const cohenKappa =
    kind === 'geval'
      ? { value: null, low: null, high: null, n: both.length, method: 'bootstrap-percentile' as const, reason: 'geval scores are continuous; see alpha (interval) and the correlations' }
      : both.length === 0
        ? { value: null, low: null, high: null, n: 0, method: 'bootstrap-percentile' as const, reason: 'no item has both a judge verdict and a human consensus' }
        : agreementEstimate(kappaMatrix, 'cohen', 'nominal', weights, resamples, seed);

  // Alpha: the judge as one more coder beside every human rater.
  const raters = Math.max(...items.map((i) => i.human.length));
  const alphaMatrix: RatingMatrix = {
    items: items.map((i) => String(i.line)),
    annotators: ['judge', ...Array.from({ length: raters }, (_, r) => `human${r + 1}`)],
    ratings: items.map((item, i) => [judged[i], ...Array.from({ length: raters }, (_, r) => item.human[r] ?? null)]),
  };
  const krippendorffAlpha = agreementEstimate(alphaMatrix, 'krippendorff', scale, null, resamples, seed);

  let spearmanEst: Estimate | null = null;
  let kendallEst: Estimate | null = null;
  let accuracy: Estimate | null = null;
  if (ratings) {
    const x = both.map((i) => judged[i] as number);
    const y = both.map((i) => consensus[i] as number);
    spearmanEst = pairedEstimate(x, y, spearman, resamples, seed);
    kendallEst = pairedEstimate(x, y, kendallTauB, resamples, seed);
  } else {
    accuracy = proportionEstimate(both.filter((i) => judged[i] === consensus[i]).length, both.length);
  }
  return {
    kind,
    identity,
    n: items.length,
    scored: items.length - unscored,
    unscored,
    unscoredReasons,
    noHumanMajority,
    scale,
    cohenKappa: { ...cohenKappa, weights },
    krippendorffAlpha: { ...krippendorffAlpha, level: scale },
    spearman: spearmanEst,
    kendallTauB: kendallEst,
    accuracy,
    confidence: 0.95,
    resamples,
    seed,
  };
}

/** Runs the judge on every labelled item and reports its agreement with the people. */
export async function validateJudge(judge: Judge, items: readonly LabelledItem[], options: ValidationOptions & { signal?: AbortSignal } = {}): Promise<ValidationReport> {
  const inputs = items.map((i) => i.input);
  const kind = judge.identity.kind;
  const verdicts = kind === 'pairwise' ? await judge.compare(inputs, { signal: options.signal }) : await judge.grade(inputs, { signal: options.signal });
  return summarizeValidation(kind, judge.identity, items, verdicts, options);
}
