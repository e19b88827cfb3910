// BLEU (Papineni et al., 2002) exactly as sacrebleu 2.6.0 `sacrebleu.metrics.BLEU` computes it
// (`metrics/bleu.py`): same statistics vector, smoothing, tie rules and signature string. Unlike
// sacrebleu, a segment with no reference or streams of unequal length are errors, not crashes or
// silent truncation, and `force` changes nothing because assay never prints the "tokenized period" warning.
import { InputError, UsageError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { unknownNameMessage } from '../core/suggest.js';
import { clipAgainstTable, loadReferences, table } from './bleu-ngrams.js';
import { mergeOptions, SACREBLEU_VERSION } from './options.js';
import { pyLower, pyRstrip } from './python-text.js';
import { tokenizers } from './tokenizers/index.js';
import type { CorpusMetric, MetricResult } from './types.js';


/** Smoothing methods with their default parameter (Chen & Cherry, 2014); null = takes none. */
export const BLEU_SMOOTH_DEFAULTS = { none: null, floor: 0.1, 'add-k': 1, exp: null } as const;
export type BleuSmoothMethod = keyof typeof BLEU_SMOOTH_DEFAULTS;

export interface BleuOptions {
  /** Tokenizer name from the tokenizer registry (`13a`, `intl`, `char`, `zh`, `none`). */
  tokenize: string;
  smoothMethod: BleuSmoothMethod;
  /** `floor` / `add-k` parameter; resolved to the method's default, null for `exp` and `none`. */
  smoothValue: number | null;
  lowercase: boolean;
  /** Accepted for parity with sacrebleu, where it only silences a warning. */
  force: boolean;
  /** Average only the orders up to the last one with any hypothesis n-grams (for sentence BLEU). */
  effectiveOrder: boolean;
  maxNgramOrder: number;
  /**
   * References per segment, printed in the signature (`var` when it varies); like chrF and TER.
   * `bleuCorpusScore` and `sentenceScore` fill it in from the references they are given.
   */
  nrefs: number | 'var';
}

export interface BleuResult extends MetricResult {
  /** BLEU on the 0-100 scale. */
  score: number;
  /** Matched n-grams per order, as sacrebleu reports them (with `add-k`, k added for n >= 2). */
  counts: number[];
  /** Hypothesis n-grams per order, as sacrebleu reports them (with `add-k`, k added for n >= 2). */
  totals: number[];
  /** Precisions per order in percent (after smoothing). */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  sysLen: number;
  refLen: number;
  /** sysLen / refLen, 0 when refLen is 0. */
  ratio: number;
  /** Summed matches per order, unsmoothed. */
  rawCounts: number[];
  /** Summed hypothesis n-grams per order, unsmoothed. */
  rawTotals: number[];
  /** sacrebleu's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  signature: string;
}

/**
 * A segment's references, ready to match hypotheses against: tokens numbered 1..L in order of
 * first appearance (`vocab`), each n-gram packed into one exact integer (the sum of its token
 * numbers times powers of `base`), and its largest count in any one reference (sacrebleu's
 * max-merge). When a packed value could pass 2^53 (huge segments, high orders) the n-grams keep
 * string keys instead.
 */
export type BleuReference =
  | {
      readonly kind: 'packed';
      readonly vocab: ReadonlyMap<string, number>;
      readonly base: number;
      readonly keys: readonly number[];
      readonly counts: readonly number[];
      /** Token count of each (non-null) reference. */
      readonly lengths: readonly number[];
    }
  | { readonly kind: 'strings'; readonly ngrams: ReadonlyMap<string, number>; readonly lengths: readonly number[] };

/** Reference streams after tokenization, reusable across systems (sacrebleu's reference cache). */
export interface PreparedBleuReferences {
  readonly segments: readonly BleuReference[];
  /** The settings the references were tokenized with; scoring with others is refused. */
  readonly tokenize: string;
  readonly lowercase: boolean;
  readonly maxNgramOrder: number;
  /** References per segment after dropping null ones; `var` when it differs between segments. */
  readonly nrefs: number | 'var';
}

/** A reference slot: null/undefined marks a missing reference in a multi-reference stream. */
export type MaybeRef = string | null | undefined;

const DEFAULTS: BleuOptions = {
  tokenize: '13a',
  smoothMethod: 'exp',
  smoothValue: null,
  lowercase: false,
  force: false,
  effectiveOrder: false,
  maxNgramOrder: 4,
  nrefs: 1,
};

function resolveOptions(options: Partial<BleuOptions> = {}): BleuOptions {
  const merged = mergeOptions('bleu', DEFAULTS, options);
  if (typeof merged.tokenize !== 'string' || !tokenizers.has(merged.tokenize)) {
    throw new UsageError(`bleu option "tokenize": ${unknownNameMessage('tokenizer', String(merged.tokenize), tokenizers.names())}`);
  }
  if (!Object.hasOwn(BLEU_SMOOTH_DEFAULTS, merged.smoothMethod)) {
    throw new UsageError(
      `bleu option "smoothMethod": ${unknownNameMessage('smoothing method', String(merged.smoothMethod), Object.keys(BLEU_SMOOTH_DEFAULTS))}`,
    );
  }
  const smoothDefault = BLEU_SMOOTH_DEFAULTS[merged.smoothMethod];
  if (smoothDefault === null) {
    merged.smoothValue = null;
  } else if (merged.smoothValue === null) {
    merged.smoothValue = smoothDefault;
  } else if (typeof merged.smoothValue !== 'number' || !Number.isFinite(merged.smoothValue)) {
    throw new UsageError(`bleu option "smoothValue": expected a finite number or null, got ${String(merged.smoothValue)}`);
  }
  for (const key of ['lowercase', 'force', 'effectiveOrder'] as const) {
    if (typeof merged[key] !== 'boolean') throw new UsageError(`bleu option "${key}": expected true or false, got ${String(merged[key])}`);
  }
  if (!Number.isInteger(merged.maxNgramOrder) || merged.maxNgramOrder < 1) {
    throw new UsageError(`bleu option "maxNgramOrder": expected an integer >= 1, got ${String(merged.maxNgramOrder)}`);
  }
  if (merged.nrefs !== 'var' && (!Number.isInteger(merged.nrefs) || merged.nrefs < 1)) {
    throw new UsageError(`bleu option "nrefs": expected an integer >= 1 or "var", got ${String(merged.nrefs)}`);
  }
  return merged;
}

/** sacrebleu's `_preprocess_segment` then `line.split()`: lowercase, rstrip, tokenize. */
function segmentTokens(line: string, options: BleuOptions): string[] {
  const text = options.lowercase ? pyLower(line) : line;
  return tokenizers.get(options.tokenize).tokens(pyRstrip(text));
}

function stringCounts(tokens: readonly string[], order: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    let key = tokens[i];
    const last = Math.min(tokens.length, i + order);
    for (let j = i; j < last; j++) {
      if (j > i) key += ' ' + tokens[j];
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** Each non-null reference's tokens. */
function referenceTokens(refs: readonly MaybeRef[], options: BleuOptions): string[][] {
  const tokenLists: string[][] = [];
  for (const ref of refs) if (ref !== null && ref !== undefined) tokenLists.push(segmentTokens(ref, options));
  if (tokenLists.length === 0) throw new InputError('bleu: segment has no reference (every reference is null)');
  return tokenLists;
}

function stringReference(tokenLists: readonly string[][], order: number): BleuReference {
  const ngrams = stringCounts(tokenLists[0], order);
  for (let k = 1; k < tokenLists.length; k++) {
    for (const [key, count] of stringCounts(tokenLists[k], order)) if (count > (ngrams.get(key) ?? 0)) ngrams.set(key, count);
  }
  return { kind: 'strings', ngrams, lengths: tokenLists.map((t) => t.length) };
}

/** Tokenizes one segment's references (nulls dropped) and counts their n-grams, for reuse. */
export function prepareReference(refs: readonly MaybeRef[], options: BleuOptions): BleuReference {
  const tokenLists = referenceTokens(refs, options);
  const loaded = loadReferences(tokenLists, options.maxNgramOrder);
  if (loaded === null) return stringReference(tokenLists, options.maxNgramOrder);
  const { keys, counts } = table.entries();
  return { kind: 'packed', vocab: loaded.vocab, base: loaded.base, keys, counts, lengths: tokenLists.map((t) => t.length) };
}

/** Reference length closest to the hypothesis length; the shorter one wins a tie (sacrebleu). */
export function closestRefLength(hypLen: number, refLengths: readonly number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLengths) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

/** Statistics with the lengths and totals filled in and no matches yet. */
function emptyStats(len: number, refLengths: readonly number[], order: number): number[] {
  const stats = new Array<number>(2 + 2 * order).fill(0);
  stats[0] = len;
  stats[1] = closestRefLength(len, refLengths);
  for (let n = 1; n <= order; n++) stats[1 + order + n] = Math.max(0, len - n + 1);
  return stats;
}

/** Clipped matches through string keys (the fallback for segments too large to pack). */
function clipAgainstStrings(tokens: readonly string[], ngrams: ReadonlyMap<string, number>, order: number, stats: number[]): void {
  const used = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    let key = tokens[i];
    const last = Math.min(tokens.length, i + order);
    for (let j = i; j < last; j++) {
      if (j > i) key += ' ' + tokens[j];
      const available = ngrams.get(key);
      if (available === undefined) break; // reference n-grams are prefix-closed
      const taken = used.get(key) ?? 0;
      if (taken < available) {
        used.set(key, taken + 1);
        stats[2 + j - i]++;
      }
    }
  }
}

/**
 * Statistics [sysLen, refLen, matches 1..N, totals 1..N] of a hypothesis against prepared
 * references. Clipped matches: each occurrence takes one unit of the reference count until it
 * runs out, which sums to min(hyp count, ref count) per distinct n-gram (sacrebleu's rule).
 */
export function statsAgainst(hyp: string, ref: BleuReference, options: BleuOptions): number[] {
  const order = options.maxNgramOrder;
  const tokens = segmentTokens(hyp, options);
  const stats = emptyStats(tokens.length, ref.lengths, order);
  if (ref.kind === 'strings') {
    clipAgainstStrings(tokens, ref.ngrams, order, stats);
  } else {
    table.begin(ref.keys.length);
    table.load(ref.keys, ref.counts);
    clipAgainstTable(tokens, ref.vocab, ref.base, order, stats);
  }
  return stats;
}

/** Statistics of one segment, matching straight against the loaded table (nothing kept). */
function segmentStats(hyp: string, refs: readonly MaybeRef[], options: BleuOptions): number[] {
  const order = options.maxNgramOrder;
  const tokenLists = referenceTokens(refs, options);
  const loaded = loadReferences(tokenLists, order);
  if (loaded === null) return statsAgainst(hyp, stringReference(tokenLists, order), options);
  const tokens = segmentTokens(hyp, options);
  const stats = emptyStats(tokens.length, tokenLists.map((t) => t.length), order);
  clipAgainstTable(tokens, loaded.vocab, loaded.base, order, stats);
  return stats;
}

/** sacrebleu's `my_log`: log, with log(0) floored to -9999999999. */
function floorLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** sacrebleu's `BLEU.compute_bleu` on summed statistics. */
function scoreFromStats(stats: ArrayLike<number>, options: BleuOptions): BleuResult {
  const order = options.maxNgramOrder;
  const sysLen = Math.trunc(stats[0]);
  const refLen = Math.trunc(stats[1]);
  const rawCounts: number[] = [];
  const rawTotals: number[] = [];
  for (let n = 0; n < order; n++) {
    rawCounts.push(stats[2 + n]);
    rawTotals.push(stats[2 + order + n]);
  }
  const counts = rawCounts.slice();
  const totals = rawTotals.slice();
  const precisions = new Array<number>(order).fill(0);
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
  const result = (score: number): BleuResult => ({
    score,
    counts,
    totals,
    precisions,
    bp,
    sysLen,
    refLen,
    ratio: refLen ? sysLen / refLen : 0,
    rawCounts,
    rawTotals,
    signature: signature(options, options.nrefs),
  });

  // No match at all: score 0 with zero precisions and unsmoothed counts (sacrebleu #141).
  if (!counts.some((c) => c !== 0)) return result(0.0);

  const smoothValue = options.smoothValue ?? 0;
  let smoothMteval = 1.0;
  let effOrder = order;
  for (let n = 1; n <= order; n++) {
    if (options.smoothMethod === 'add-k' && n > 1) {
      counts[n - 1] += smoothValue;
      totals[n - 1] += smoothValue;
    }
    if (totals[n - 1] === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (counts[n - 1] === 0) {
      if (options.smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * totals[n - 1]);
      } else if (options.smoothMethod === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / totals[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * counts[n - 1]) / totals[n - 1];
    }
  }
  let logSum = 0;
  for (let n = 0; n < effOrder; n++) logSum += floorLog(precisions[n]);
  return result(bp * Math.exp(logSum / effOrder));
}

/** Python's `f'{x:.2f}'`: like toFixed(2) but exact ties round half to even. */
function pyFixed2(x: number): string {
  const fixed = x.toFixed(2);
  // A double is an exact tie at the third decimal only when its exact expansion is ...d5000...;
  // 25 extra digits are far more than any double at least 0.005 needs to show a deviation.
  const exact = Math.abs(x).toFixed(27);
  const dot = exact.indexOf('.');
  if (!/^50*$/.test(exact.slice(dot + 3))) return fixed;
  const truncated = `${x < 0 ? '-' : ''}${exact.slice(0, dot + 3)}`;
  return Number(exact[dot + 2]) % 2 === 0 ? truncated : fixed;
}

/** sacrebleu's BLEU signature; `nrefs` -1 or `var` prints as `var`. */
function signature(options: BleuOptions, nrefs: number | 'var'): string {
  const smoothDefault = BLEU_SMOOTH_DEFAULTS[options.smoothMethod];
  const smooth =
    smoothDefault === null ? options.smoothMethod : `${options.smoothMethod}[${pyFixed2(options.smoothValue ?? smoothDefault)}]`;
  return formatSignature({
    nrefs: nrefs === -1 ? 'var' : nrefs,
    case: options.lowercase ? 'lc' : 'mixed',
    eff: options.effectiveOrder ? 'yes' : 'no',
    tok: tokenizers.get(options.tokenize).signature,
    smooth,
    version: SACREBLEU_VERSION,
  });
}

function nonNullCount(refs: readonly MaybeRef[]): number {
  let n = 0;
  for (const ref of refs) if (ref !== null && ref !== undefined) n++;
  return n;
}

/** sacrebleu `sentence_score`: one hypothesis against its references (null ones dropped). */
function sentenceScore(hyp: string, refs: readonly MaybeRef[], options: BleuOptions): BleuResult {
  return scoreFromStats(segmentStats(hyp, refs, options), { ...options, nrefs: nonNullCount(refs) });
}

/** BLEU as a CorpusMetric: statistics [sysLen, refLen, matches 1..N, totals 1..N] (sacrebleu's order). */
export const bleu = {
  name: 'bleu',
  resolveOptions,
  statsSize: (options: BleuOptions): number => 2 + 2 * options.maxNgramOrder,
  segmentStats,
  scoreFromStats,
  sentenceScore,
  signature,
} satisfies CorpusMetric<BleuOptions, BleuResult>;

/**
 * Tokenizes reference streams once (`refStreams[k][i]` = reference k of segment i, null = missing),
 * so several systems can be scored against them without re-tokenizing.
 */
export function prepareBleuReferences(
  refStreams: readonly (readonly MaybeRef[])[],
  options: BleuOptions,
  segmentCount?: number,
): PreparedBleuReferences {
  const segments: BleuReference[] = [];
  const nrefs = forEachSegment(refStreams, segmentCount ?? refStreams[0]?.length ?? 0, (refs) => {
    segments.push(prepareReference(refs, options));
  });
  const { tokenize, lowercase, maxNgramOrder } = options;
  return { segments, nrefs, tokenize, lowercase, maxNgramOrder };
}

/** Checks the streams, calls `visit` with each segment's references, returns the signature's nrefs. */
function forEachSegment(
  refStreams: readonly (readonly MaybeRef[])[],
  n: number,
  visit: (refs: readonly MaybeRef[], i: number) => void,
): number | 'var' {
  if (refStreams.length === 0) throw new InputError('bleu: no reference stream given');
  refStreams.forEach((stream, k) => {
    if (stream.length !== n) {
      throw new InputError(`bleu: reference stream ${k + 1} has ${stream.length} segments, expected ${n} (one per hypothesis)`);
    }
  });
  const counts = new Set<number>();
  const refs: MaybeRef[] = new Array<MaybeRef>(refStreams.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < refStreams.length; k++) refs[k] = refStreams[k][i];
    const count = nonNullCount(refs);
    if (count === 0) throw new InputError(`bleu: segment ${i + 1} has no reference (every stream is null there)`);
    counts.add(count);
    visit(refs, i);
  }
  return counts.size === 1 ? [...counts][0] : 'var';
}

function isPrepared(refs: PreparedBleuReferences | readonly (readonly MaybeRef[])[]): refs is PreparedBleuReferences {
  return !Array.isArray(refs);
}

/** Per-segment statistics rows of a corpus (for resampling), with the signature's nrefs. */
export function bleuCorpusStats(
  hyps: readonly string[],
  refs: PreparedBleuReferences | readonly (readonly MaybeRef[])[],
  options: BleuOptions,
): { stats: number[][]; nrefs: number | 'var' } {
  if (!isPrepared(refs)) {
    const stats: number[][] = [];
    const nrefs = forEachSegment(refs, hyps.length, (segmentRefs, i) => {
      stats.push(segmentStats(hyps[i], segmentRefs, options));
    });
    return { stats, nrefs };
  }
  for (const key of ['tokenize', 'lowercase', 'maxNgramOrder'] as const) {
    if (refs[key] !== options[key]) {
      throw new UsageError(`bleu: references were prepared with ${key}=${String(refs[key])}, cannot score with ${key}=${String(options[key])}`);
    }
  }
  if (refs.segments.length !== hyps.length) {
    throw new InputError(`bleu: ${hyps.length} hypotheses but ${refs.segments.length} reference segments`);
  }
  return { stats: hyps.map((hyp, i) => statsAgainst(hyp, refs.segments[i], options)), nrefs: refs.nrefs };
}

/** sacrebleu `BLEU(**options).corpus_score(hyps, refStreams)`. */
export function bleuCorpusScore(
  hyps: readonly string[],
  refs: PreparedBleuReferences | readonly (readonly MaybeRef[])[],
  options: Partial<BleuOptions> = {},
): BleuResult {
  const opts = resolveOptions(options);
  if (hyps.length === 0) throw new InputError('bleu: no hypotheses to score');
  const { stats, nrefs } = bleuCorpusStats(hyps, refs, opts);
  const size = 2 + 2 * opts.maxNgramOrder;
  const total = new Array<number>(size).fill(0);
  for (const row of stats) for (let j = 0; j < size; j++) total[j] += row[j];
  return scoreFromStats(total, { ...opts, nrefs });
}

/** `sacrebleu.sentence_bleu(hyp, refs, ...)`: like `bleu.sentenceScore`, effective order on by default. */
export function sentenceBleu(hyp: string, refs: readonly MaybeRef[], options: Partial<BleuOptions> = {}): BleuResult {
  return sentenceScore(hyp, refs, resolveOptions({ ...options, effectiveOrder: options.effectiveOrder ?? true }));
}
