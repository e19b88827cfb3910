// SQuAD v1.1 exact match and token F1 as the official `evaluate-v1.1.py`: `normalize_answer`,
// max over gold answers per question, dataset values printed as 100 * mean. Python's `lower()`,
// Unicode `\b` and `str.split()` are reproduced (JS `\s` and `\b` differ from Python's).
import { InputError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { pyLower, pySplit } from './python-text.js';
import type { CorpusMetric, MetricResult } from './types.js';

/** No options: the official script has none. */
export type SquadOptions = Record<string, never>;

export interface SquadResult extends MetricResult {
  /** Same as `f1`. */
  score: number;
  /** 100 * mean exact match. */
  exactMatch: number;
  /** 100 * mean token F1. */
  f1: number;
  signature: string;
}

/** One question's values on the script's per-question scale: EM 0/1, F1 in [0, 1]. */
export interface SquadPairScore {
  exactMatch: number;
  f1: number;
}

/** Python's `string.punctuation` (ASCII only; curly quotes and the like survive). */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

// Python 3.11 uses the Unicode 14.0 database, Node a newer one. Letters and numbers assigned
// since then (listed up to Unicode 17.0) are unassigned to Python, hence not `\w`.
const NEWER_WORD =
  '88f c5c cdc 1c89-1c8a a7cb-a7cf a7d2 a7d4 a7da-a7dc a7f1 105c0-105f3 10940-10959 10d40-10d65 10d6f-10d85 ' +
  '10ec2-10ec7 1123f-11240 11380-11389 1138b 1138e 11390-113b5 113b7 113d1 113d3 116d0-116e3 11bc0-11be0 ' +
  '11bf0-11bf9 11db0-11ddb 11de0-11de9 11f02 11f04-11f10 11f12-11f33 11f50-11f59 1342f 13441-13446 13460-143fa ' +
  '16100-1611d 16130-16139 16d40-16d6c 16d70-16d79 16ea0-16eb8 16ebb-16ed3 16ff2-16ff6 187f8-187ff 18cff ' +
  '18d09-18d1e 18d80-18df2 1b132 1b155 1ccf0-1ccf9 1d2c0-1d2d3 1df25-1df2a 1e030-1e06d 1e4d0-1e4eb 1e4f0-1e4f9 ' +
  '1e5d0-1e5ed 1e5f0-1e5fa 1e6c0-1e6de 1e6e0-1e6e2 1e6e4-1e6e5 1e6e7-1e6ed 1e6f0-1e6f4 1e6fe-1e6ff 2b739-2b73f ' +
  '2cea2-2cead 2ebf0-2ee5d 31350-33479';

/** `'a7cb-a7cc 1c89'` → `\u{a7cb}-\u{a7cc}\u{1c89}` for a character class. */
function classBody(ranges: string): string {
  return ranges
    .split(' ')
    .map((range) => range.split('-').map((cp) => `\\u{${cp}}`).join('-'))
    .join('');
}

/** Python `re` Unicode `\w`: letters, numbers and `_` (combining marks are not word characters). */
const WORD = `[[\\p{L}\\p{N}_]--[${classBody(NEWER_WORD)}]]`;
const ARTICLES = new RegExp(`(?<!${WORD})(?:a|an|the)(?!${WORD})`, 'gv');

/** `normalize_answer`: lower → drop ASCII punctuation → articles to spaces → collapse whitespace. */
export function normalizeSquadAnswer(s: string): string {
  return pySplit(pyLower(s).replace(PUNCTUATION, '').replace(ARTICLES, ' ')).join(' ');
}

function exactMatchNormalized(prediction: string, gold: string): number {
  return prediction === gold ? 1 : 0;
}

/** Token-multiset F1 of two normalized answers; 0 when no token is shared (also empty vs empty). */
function f1Normalized(prediction: string, gold: string): number {
  const predTokens = pySplit(prediction);
  const goldTokens = pySplit(gold);
  const goldCounts = new Map<string, number>();
  for (const t of goldTokens) goldCounts.set(t, (goldCounts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predTokens) {
    const left = goldCounts.get(t) ?? 0;
    if (left > 0) {
      same++;
      goldCounts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** `exact_match_score(prediction, ground_truth)`: 1 or 0. */
export function squadExactMatch(prediction: string, gold: string): number {
  return exactMatchNormalized(normalizeSquadAnswer(prediction), normalizeSquadAnswer(gold));
}

/** `f1_score(prediction, ground_truth)` in [0, 1]. */
export function squadF1(prediction: string, gold: string): number {
  return f1Normalized(normalizeSquadAnswer(prediction), normalizeSquadAnswer(gold));
}

/** One question: EM and F1 each maximised over the gold answers (`metric_max_over_ground_truths`). */
export function squadScore(prediction: string, golds: readonly string[]): SquadPairScore {
  if (golds.length === 0) throw new InputError('squad: a question has no gold answers (need at least one)');
  const pred = normalizeSquadAnswer(prediction);
  let exactMatch = 0;
  let f1 = 0;
  for (const gold of golds) {
    const g = normalizeSquadAnswer(gold);
    exactMatch = Math.max(exactMatch, exactMatchNormalized(pred, g));
    f1 = Math.max(f1, f1Normalized(pred, g));
  }
  return { exactMatch, f1 };
}

/** Statistics per question: [EM (0/1), F1 (0..1), 1]; the dataset score is 100 * sum / count. */
export const squad: CorpusMetric<SquadOptions, SquadResult> = {
  name: 'squad',

  resolveOptions(): SquadOptions {
    return {};
  },

  statsSize(): number {
    return 3;
  },

  segmentStats(hyp: string, refs: readonly string[]): number[] {
    const { exactMatch, f1 } = squadScore(hyp, refs);
    return [exactMatch, f1, 1];
  },

  scoreFromStats(stats: ArrayLike<number>, options: SquadOptions): SquadResult {
    const total = stats[2];
    // As the script: 100.0 * summed / total (an empty dataset scores 0 rather than dividing by zero).
    const exactMatch = total > 0 ? (100 * stats[0]) / total : 0;
    const f1 = total > 0 ? (100 * stats[1]) / total : 0;
    return { score: f1, exactMatch, f1, signature: squad.signature(options, 1) };
  },

  sentenceScore(hyp: string, refs: readonly string[], options: SquadOptions): SquadResult {
    return squad.scoreFromStats(squad.segmentStats(hyp, refs, options), options);
  },

  signature(): string {
    return formatSignature({ squad: 'em,f1', version: '1.1' });
  },
};
