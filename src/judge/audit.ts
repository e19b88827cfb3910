// Judge bias audit after MT-Bench (Zheng et al. 2023, §3.3): position bias as the share of pairs
// whose verdict changes when the two answers swap places, verbosity bias as the correlation of
// score with answer length and as the shift when an answer is padded with filler that adds no
// content (their "repetitive list" attack, here a fixed neutral paragraph), and self-consistency
// of repeated sampled verdicts. Proportions carry Wilson intervals; the rest a seeded bootstrap.
import { z } from 'zod';
import { InputError, UsageError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { readJsonlRecords } from '../io/jsonl.js';
import { type Estimate, itemBootstrap, pairedEstimate, proportionEstimate, spearman } from './validate.js';
import type { Judge, JudgeIdentity, JudgeInput, JudgeKind, PairVerdict, Verdict } from './types.js';

/** Appended (after a blank line) to an answer to test verbosity bias: longer, and no new content. */
export const NEUTRAL_PADDING =
  'To restate the answer above in other words: the answer given above is the answer to the question. ' +
  'This restatement adds no new information, facts or reasoning to what has already been said.';

export interface PositionBias {
  /** Pairs judged in both orders. */
  n: number;
  /** Order-dependent verdicts over scored pairs (MT-Bench's inconsistency). */
  inconsistent: Estimate;
  /** Raw single-order verdicts naming the answer shown first, over the decisive (non-tie) ones; 0.5 = no preference. */
  firstPosition: Estimate;
  /** Raw single-order verdicts that were ties. */
  rawTies: number;
  unscored: number;
}

export interface VerbosityBias {
  /** Rating kinds: Spearman between score and answer length in characters (Unicode code points). */
  lengthCorrelation: Estimate | null;
  /** Rating kinds: mean of score(padded) - score(original); pairwise: mean of +1 padded wins, -1 original wins, 0 tie. */
  paddingShift: Estimate;
  /** Pairwise: share of scored (original, padded) pairs the padded answer won. */
  paddedWinRate: Estimate | null;
  padding: string;
  unscored: number;
}

export interface SelfConsistency {
  repeats: number;
  temperature: number;
  /** Items every repeat scored whose repeated verdicts are all equal. */
  agreement: Estimate;
  /** Rating kinds: mean over items of the scores' standard deviation (ddof = 1), bootstrap interval. */
  meanScoreSd: Estimate | null;
  /** Items with an unscored repeat (left out). */
  incomplete: number;
}

export interface AuditReport {
  kind: JudgeKind;
  identity: JudgeIdentity;
  n: number;
  position: PositionBias | null;
  verbosity: VerbosityBias;
  consistency: SelfConsistency | null;
  confidence: number;
  resamples: number;
  seed: number;
}

export interface AuditOptions {
  /** A judge like `judge` but sampling at temperature > 0, for the repeats (none: no self-consistency). */
  repeatJudge?: Judge;
  repeats?: number;
  resamples?: number;
  seed?: number;
  signal?: AbortSignal;
}

export const DEFAULT_REPEATS = 3;

const codePoints = (s: string): number => [...s].length;

/** Position bias from swapped pairwise verdicts (orders mapped back to the original positions). */
export function positionBias(verdicts: readonly PairVerdict[]): PositionBias {
  let scored = 0;
  let inconsistent = 0;
  let first = 0;
  let decisive = 0;
  let rawTies = 0;
  for (const v of verdicts) {
    if (v.status !== 'scored') continue;
    scored++;
    if (!v.consistent) inconsistent++;
    v.orders.forEach((winner, o) => {
      if (winner === 'tie') return void rawTies++;
      decisive++;
      // Order 1 shows `answer` first (A); order 2 shows `answerB` first, which maps back to B.
      if ((o === 0 && winner === 'A') || (o === 1 && winner === 'B')) first++;
    });
  }
  return { n: verdicts.length, inconsistent: proportionEstimate(inconsistent, scored), firstPosition: proportionEstimate(first, decisive), rawTies, unscored: verdicts.length - scored };
}

function meanEstimate(values: readonly number[], resamples: number, seed: number): Estimate {
  const n = values.length;
  if (n === 0) return { value: null, low: null, high: null, n, method: 'bootstrap-percentile', reason: 'no item was scored in every condition' };
  const mean = (rows?: Int32Array): number => {
    let s = 0;
    const m = rows ? rows.length : n;
    for (let i = 0; i < m; i++) s += values[rows ? rows[i] : i];
    return s / m;
  };
  const ci = itemBootstrap(n, mean, resamples, seed);
  return { value: mean(), low: ci.low, high: ci.high, n, method: 'bootstrap-percentile', nValid: ci.nValid };
}

function sampleSd(values: readonly number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

const padded = (input: JudgeInput): string => `${input.answer}\n\n${NEUTRAL_PADDING}`;

async function verbosity(judge: Judge, items: readonly JudgeInput[], resamples: number, seed: number, signal?: AbortSignal): Promise<VerbosityBias> {
  if (judge.identity.kind === 'pairwise') {
    const verdicts = await judge.compare(
      items.map((i) => ({ ...i, answerB: padded(i) })),
      { signal },
    );
    const shifts: number[] = [];
    let wins = 0;
    for (const v of verdicts) {
      if (v.status !== 'scored') continue;
      shifts.push(v.winner === 'B' ? 1 : v.winner === 'A' ? -1 : 0);
      if (v.winner === 'B') wins++;
    }
    return { lengthCorrelation: null, paddingShift: meanEstimate(shifts, resamples, seed), paddedWinRate: proportionEstimate(wins, shifts.length), padding: NEUTRAL_PADDING, unscored: verdicts.length - shifts.length };
  }
  const original = await judge.grade(items, { signal });
  const longer = await judge.grade(
    items.map((i) => ({ ...i, answer: padded(i) })),
    { signal },
  );
  const lengths: number[] = [];
  const scores: number[] = [];
  const shifts: number[] = [];
  original.forEach((v, i) => {
    if (v.status !== 'scored') return;
    lengths.push(codePoints(items[i].answer));
    scores.push(v.score);
    const p = longer[i];
    if (p.status === 'scored') shifts.push(p.score - v.score);
  });
  const unscored = original.filter((v) => v.status !== 'scored').length + longer.filter((v) => v.status !== 'scored').length;
  return { lengthCorrelation: pairedEstimate(scores, lengths, spearman, resamples, seed), paddingShift: meanEstimate(shifts, resamples, seed), paddedWinRate: null, padding: NEUTRAL_PADDING, unscored };
}

async function consistency(judge: Judge, items: readonly JudgeInput[], repeats: number, resamples: number, seed: number, signal?: AbortSignal): Promise<SelfConsistency> {
  const temperature = Number(judge.identity.params.temperature ?? 0);
  if (!(temperature > 0)) throw new UsageError(`self-consistency needs a judge sampling at temperature > 0 (repeats at temperature 0 are the same answer, or a cache hit), got ${temperature}`);
  const pairwise = judge.identity.kind === 'pairwise';
  const runs: Array<ReadonlyArray<Verdict | PairVerdict>> = [];
  for (let r = 0; r < repeats; r++) runs.push(pairwise ? await judge.compare(items, { signal }) : await judge.grade(items, { signal }));
  let agree = 0;
  let complete = 0;
  const sds: number[] = [];
  items.forEach((_, i) => {
    const values: Array<string | number> = [];
    for (const run of runs) {
      const v = run[i];
      if (v.status !== 'scored') return;
      values.push('winner' in v ? v.winner : v.score);
    }
    complete++;
    if (values.every((x) => x === values[0])) agree++;
    if (!pairwise) sds.push(sampleSd(values as number[]));
  });
  return { repeats, temperature, agreement: proportionEstimate(agree, complete), meanScoreSd: pairwise ? null : meanEstimate(sds, resamples, seed), incomplete: items.length - complete };
}

/** Runs every audit that fits the judge's kind on `items`. */
export async function auditJudge(judge: Judge, items: readonly JudgeInput[], options: AuditOptions = {}): Promise<AuditReport> {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? DEFAULT_SEED;
  const repeats = options.repeats ?? DEFAULT_REPEATS;
  if (items.length === 0) throw new UsageError('audit: no items');
  if (!Number.isInteger(repeats) || repeats < 2) throw new UsageError(`--repeats must be an integer >= 2, got ${repeats}`);
  const kind = judge.identity.kind;
  let position: PositionBias | null = null;
  if (kind === 'pairwise') {
    if (judge.identity.params.swap === false) throw new UsageError('position bias needs both orders: audit a pairwise judge with swap on');
    position = positionBias(await judge.compare(items, { signal: options.signal }));
  }
  const verbosityBias = await verbosity(judge, items, resamples, seed, options.signal);
  const selfConsistency = options.repeatJudge === undefined ? null : await consistency(options.repeatJudge, items, repeats, resamples, seed, options.signal);
  return { kind, identity: judge.identity, n: items.length, position, verbosity: verbosityBias, consistency: selfConsistency, confidence: 0.95, resamples, seed };
}

const itemRecord = z.object({ question: z.string(), answer: z.string(), reference: z.string().optional(), answerB: z.string().optional(), criteria: z.string().optional() });

/** Reads ITEMS.jsonl (`{"question", "answer", "reference"?, "answerB"?, "criteria"?}`); a bad line is an InputError naming file:line. */
export async function readAuditItems(file: string, kind: JudgeKind): Promise<JudgeInput[]> {
  const items: JudgeInput[] = [];
  const shape = { object: '{"question": string, "answer": string, "reference"?: string, "answerB"?: string, "criteria"?: string}', field: (name: string) => `${name} as a string` };
  for await (const { line, value } of readJsonlRecords(file, itemRecord, shape)) {
    if (kind === 'pairwise' && value.answerB === undefined) throw new InputError('a pairwise judge needs "answerB" (the second answer) for the position test', { file, line, field: 'answerB' });
    if (kind === 'reference' && value.reference === undefined) throw new InputError('a reference judge needs "reference" (the reference answer)', { file, line, field: 'reference' });
    const input: JudgeInput = { question: value.question, answer: value.answer };
    if (value.reference !== undefined) input.reference = value.reference;
    if (value.answerB !== undefined) input.answerB = value.answerB;
    if (value.criteria !== undefined) input.criteria = value.criteria;
    items.push(input);
  }
  if (items.length === 0) throw new InputError('no items (every line is blank)', { file });
  return items;
}
