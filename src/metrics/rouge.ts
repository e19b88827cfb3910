// ROUGE-N / ROUGE-L / ROUGE-Lsum exactly as Google's rouge-score 0.1.2 `RougeScorer(types,
// use_stemmer)` with its default tokenizer and NLTK's Porter stemmer; `split_summaries=True`
// (NLTK sentence splitting) is not offered. Tokens are interned to integers and stems cached.
import { InputError, UsageError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { porterStem } from './porter.js';
import type { CorpusMetric, MetricResult } from './types.js';

export const ROUGE_SCORE_VERSION = '0.1.2';

/** `rouge1`..`rouge9` (n-gram overlap), `rougeL` (LCS) or `rougeLsum` (summary-level LCS over lines). */
export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';

export interface RougeOptions {
  rougeTypes: RougeType[];
  useStemmer: boolean;
  /** rouge-score's NLTK sentence splitting for rougeLsum; only `false` (split on "\n") is supported. */
  splitSummaries: false;
}

/** rouge-score's `Score` tuple. */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeResult extends MetricResult {
  /** fmeasure of the first requested type. */
  score: number;
  types: Record<string, RougeScore>;
  signature: string;
}

// The four types Hugging Face `evaluate`'s rouge reports by default (rouge-score itself has no default).
const DEFAULT_TYPES: RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];
const VALID_TYPES = 'rouge1..rouge9, rougeL or rougeLsum';

// ---------------------------------------------------------------------------------------------
// Tokenizer

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_LIMIT = 1 << 18;

function cachedStem(word: string): string {
  let stem = STEM_CACHE.get(word);
  if (stem === undefined) {
    stem = porterStem(word);
    if (STEM_CACHE.size >= STEM_CACHE_LIMIT) STEM_CACHE.clear();
    STEM_CACHE.set(word, stem);
  }
  return stem;
}

/**
 * rouge-score's default tokenizer: lower-case, every run of characters outside [a-z0-9] becomes a
 * space (so non-ASCII letters separate words), split, Porter-stem tokens longer than 3 characters.
 */
export function rougeTokenize(text: string, useStemmer: boolean): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  let start = -1;
  // One pass over UTF-16 units: a run of [a-z0-9] is a token (any other unit, including both
  // halves of an astral character, is a separator — the same as rouge-score's regex on code points).
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const raw = lower.slice(start, i);
      // Stems of [a-z0-9] words are non-empty [a-z0-9]: rouge-score's final validity filter drops nothing.
      out.push(useStemmer && raw.length > 3 ? cachedStem(raw) : raw);
      start = -1;
    }
  }
  return out;
}

/** Maps token strings to dense integer ids, shared by every text of one scoring call. */
class Vocabulary {
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.ids.get(tokens[i]);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Scores

/** rouge-score's `scoring.fmeasure`: 0 when precision + recall is 0. */
function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function makeScore(precision: number, recall: number): RougeScore {
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

const ZERO: RougeScore = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

/** n-gram counts keyed by an exact number when vocabulary^n fits in 2^53, else by a string. */
function countNgrams(ids: Int32Array, n: number, vocab: number): Map<number | string, number> {
  const counts = new Map<number | string, number>();
  const numeric = Math.pow(Math.max(vocab, 2), n) <= Number.MAX_SAFE_INTEGER;
  for (let i = 0; i + n <= ids.length; i++) {
    let key: number | string;
    if (numeric) {
      key = 0;
      for (let k = 0; k < n; k++) key = key * vocab + ids[i + k];
    } else {
      key = Array.prototype.join.call(ids.subarray(i, i + n), ',');
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `_score_ngrams`: clipped overlap over target n-grams; denominators floored at 1. */
function scoreNgrams(target: Int32Array, prediction: Int32Array, n: number, vocab: number): RougeScore {
  const targetCounts = countNgrams(target, n, vocab);
  const predictionCounts = countNgrams(prediction, n, vocab);
  let overlap = 0;
  for (const [key, count] of targetCounts) overlap += Math.min(count, predictionCounts.get(key) ?? 0);
  const targetTotal = Math.max(target.length - n + 1, 0);
  const predictionTotal = Math.max(prediction.length - n + 1, 0);
  return makeScore(overlap / Math.max(predictionTotal, 1), overlap / Math.max(targetTotal, 1));
}

function lcsLength(a: Int32Array, b: Int32Array): number {
  let prev = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      if (ai === b[j - 1]) row[j] = prev[j - 1] + 1;
      else row[j] = prev[j] > row[j - 1] ? prev[j] : row[j - 1];
    }
    const swap = prev;
    prev = row;
    row = swap;
  }
  return prev[b.length];
}

/** `_score_lcs`. */
function scoreLcs(target: Int32Array, prediction: Int32Array): RougeScore {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  const lcs = lcsLength(target, prediction);
  return makeScore(lcs / prediction.length, lcs / target.length);
}

let scratch = new Int32Array(1024);

/** A reused LCS table buffer (every cell read is written first, row 0 and column 0 are zeroed). */
function scratchTable(size: number): Int32Array {
  if (scratch.length < size) scratch = new Int32Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/**
 * `lcs_ind`: full LCS table, then `_backtrack_norec` from the end (moving left only when the left
 * cell is strictly larger), marking the matched positions of `ref` in `marks`.
 */
function markLcs(ref: Int32Array, can: Int32Array, marks: Uint8Array): void {
  const cols = can.length + 1;
  const table = scratchTable((ref.length + 1) * cols);
  table.fill(0, 0, cols);
  for (let i = 1; i <= ref.length; i++) {
    const ri = ref[i - 1];
    const up = (i - 1) * cols;
    const here = i * cols;
    table[here] = 0;
    for (let j = 1; j <= can.length; j++) {
      if (ri === can[j - 1]) table[here + j] = table[up + j - 1] + 1;
      else table[here + j] = table[up + j] > table[here + j - 1] ? table[up + j] : table[here + j - 1];
    }
  }
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      marks[i - 1] = 1;
      i--;
      j--;
    } else if (table[i * cols + j - 1] > table[(i - 1) * cols + j]) {
      j--;
    } else {
      i--;
    }
  }
}

/** `_summary_level_lcs`: union LCS of each reference line against all candidate lines, clipped by token counts. */
function scoreSummaryLcs(refSents: Int32Array[], canSents: Int32Array[], vocab: number): RougeScore {
  if (refSents.length === 0 || canSents.length === 0) return ZERO;
  let m = 0;
  let n = 0;
  const refCounts = new Int32Array(vocab);
  const canCounts = new Int32Array(vocab);
  for (const s of refSents) {
    m += s.length;
    for (const t of s) refCounts[t]++;
  }
  for (const s of canSents) {
    n += s.length;
    for (const t of s) canCounts[t]++;
  }
  if (m === 0 || n === 0) return ZERO;

  let hits = 0;
  for (const ref of refSents) {
    const marks = new Uint8Array(ref.length);
    for (const can of canSents) markLcs(ref, can, marks);
    for (let i = 0; i < ref.length; i++) {
      if (marks[i] === 0) continue;
      const t = ref[i];
      if (canCounts[t] > 0 && refCounts[t] > 0) {
        hits++;
        canCounts[t]--;
        refCounts[t]--;
      }
    }
  }
  return makeScore(hits / n, hits / m);
}

/** rougeLsum's `get_sents` with `split_summaries=False`: lines split on "\n", empty ones dropped. */
function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** A text tokenized once, in the forms the requested types need. */
interface Prepared {
  tokens: Int32Array;
  lines: Int32Array[];
}

function prepare(text: string, options: RougeOptions, vocab: Vocabulary, needTokens: boolean, needLines: boolean): Prepared {
  if (!needLines) return { tokens: vocab.encode(rougeTokenize(text, options.useStemmer)), lines: [] };
  const lines = splitLines(text).map((line) => vocab.encode(rougeTokenize(line, options.useStemmer)));
  if (!needTokens) return { tokens: new Int32Array(0), lines };
  // "\n" separates tokens, so the whole text's tokens are its lines' tokens end to end.
  const tokens = new Int32Array(lines.reduce((n, line) => n + line.length, 0));
  let at = 0;
  for (const line of lines) {
    tokens.set(line, at);
    at += line.length;
  }
  return { tokens, lines };
}

function needs(options: RougeOptions): { tokens: boolean; lines: boolean } {
  return {
    tokens: options.rougeTypes.some((t) => t !== 'rougeLsum'),
    lines: options.rougeTypes.includes('rougeLsum'),
  };
}

function scorePrepared(target: Prepared, prediction: Prepared, options: RougeOptions, vocab: number): Record<string, RougeScore> {
  const out: Record<string, RougeScore> = {};
  for (const type of options.rougeTypes) {
    if (type === 'rougeL') out[type] = scoreLcs(target.tokens, prediction.tokens);
    else if (type === 'rougeLsum') out[type] = scoreSummaryLcs(target.lines, prediction.lines, vocab);
    else out[type] = scoreNgrams(target.tokens, prediction.tokens, Number(type.slice(5)), vocab);
  }
  return out;
}

/** `RougeScorer(types, use_stemmer).score(target, prediction)` (note the argument order). */
export function rougeScore(target: string, prediction: string, options?: Partial<RougeOptions>): Record<string, RougeScore> {
  return rougeScoreMulti([target], prediction, options);
}

/**
 * `RougeScorer.score_multi(targets, prediction)`: per type, the Score of the target with the
 * highest fmeasure (the first one on ties, as numpy's argmax).
 */
export function rougeScoreMulti(targets: readonly string[], prediction: string, options?: Partial<RougeOptions>): Record<string, RougeScore> {
  return scoreMulti(targets, prediction, rouge.resolveOptions(options));
}

function scoreMulti(targets: readonly string[], prediction: string, opts: RougeOptions): Record<string, RougeScore> {
  if (targets.length === 0) throw new UsageError('rouge: score_multi needs at least one target text');
  const need = needs(opts);
  const vocab = new Vocabulary();
  const pred = prepare(prediction, opts, vocab, need.tokens, need.lines);
  const prepared = targets.map((t) => prepare(t, opts, vocab, need.tokens, need.lines));
  let best: Record<string, RougeScore> | undefined;
  for (const target of prepared) {
    const scores = scorePrepared(target, pred, opts, vocab.size);
    if (best === undefined) {
      best = scores;
      continue;
    }
    for (const type of opts.rougeTypes) if (scores[type].fmeasure > best[type].fmeasure) best[type] = scores[type];
  }
  return best as Record<string, RougeScore>;
}

// ---------------------------------------------------------------------------------------------
// CorpusMetric: per pair [precision, recall, fmeasure] per type, then a count of 1; the corpus
// score is the mean of the per-pair scores.

function checkType(type: unknown): RougeType {
  if (typeof type === 'string') {
    if (type === 'rougeL' || type === 'rougeLsum' || /^rouge[1-9]$/.test(type)) return type as RougeType;
    if (type === 'rouge0') throw new UsageError(`rouge: rougeN requires a positive n, got "rouge0" (valid: ${VALID_TYPES})`);
  }
  throw new UsageError(`rouge: invalid rouge type ${JSON.stringify(type)} (valid: ${VALID_TYPES})`);
}

export const rouge: CorpusMetric<RougeOptions, RougeResult> = {
  name: 'rouge',

  resolveOptions(options: Partial<RougeOptions> = {}): RougeOptions {
    const rawTypes: unknown = options.rougeTypes ?? DEFAULT_TYPES;
    if (!Array.isArray(rawTypes) || rawTypes.length === 0) {
      throw new UsageError(`rouge: rougeTypes must be a non-empty list of ${VALID_TYPES}`);
    }
    // rouge-score returns a dict keyed by type, so a repeated type is one entry.
    const rougeTypes = [...new Set(rawTypes.map(checkType))];
    const useStemmer: unknown = options.useStemmer ?? false;
    if (typeof useStemmer !== 'boolean') throw new UsageError(`rouge: useStemmer must be true or false, got ${JSON.stringify(useStemmer)}`);
    const split: unknown = options.splitSummaries ?? false;
    if (split !== false) {
      throw new UsageError('rouge: splitSummaries must be false (rougeLsum splits summaries on "\\n"; put one sentence per line)');
    }
    return { rougeTypes, useStemmer, splitSummaries: false };
  },

  statsSize(options: RougeOptions): number {
    return 3 * options.rougeTypes.length + 1;
  },

  segmentStats(hyp: string, refs: readonly string[], options: RougeOptions): number[] {
    if (refs.length === 0) throw new InputError('rouge: a segment has no reference text (need at least one)');
    const scores = scoreMulti(refs, hyp, options);
    const stats: number[] = [];
    for (const type of options.rougeTypes) stats.push(scores[type].precision, scores[type].recall, scores[type].fmeasure);
    stats.push(1);
    return stats;
  },

  scoreFromStats(stats: ArrayLike<number>, options: RougeOptions): RougeResult {
    const k = options.rougeTypes.length;
    const count = stats[3 * k];
    const types: Record<string, RougeScore> = {};
    options.rougeTypes.forEach((type, i) => {
      // An empty corpus scores 0, not NaN.
      const mean = (j: number): number => (count > 0 ? stats[3 * i + j] / count : 0);
      types[type] = { precision: mean(0), recall: mean(1), fmeasure: mean(2) };
    });
    return { score: types[options.rougeTypes[0]].fmeasure, types, signature: rouge.signature(options, 1) };
  },

  sentenceScore(hyp: string, refs: readonly string[], options: RougeOptions): RougeResult {
    return rouge.scoreFromStats(rouge.segmentStats(hyp, refs, options), options);
  },

  signature(options: RougeOptions, _nrefs: number): string {
    return formatSignature({
      rouge: options.rougeTypes.join(','),
      stem: options.useStemmer,
      tok: 'rouge-score',
      version: ROUGE_SCORE_VERSION,
    });
  },
};
