// chrF (Popović 2015) and chrF++ (Popović 2017) exactly as sacrebleu 2.6.0 `metrics/chrf.py`:
// same statistics, best reference per segment, effective-order / eps smoothing and signature.
// Only the counting differs: each reference's n-gram counts are consumed by the hypothesis'
// n-grams (Σ min(h, r) without building a hypothesis counter), which gives identical numbers.
import { UsageError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { unknownNameMessage } from '../core/suggest.js';
import { pyLower, pyRemoveWhitespace, pySplit } from './python-text.js';
import type { CorpusMetric, MetricResult } from './types.js';

/** The sacrebleu release whose numbers and signature this metric reproduces. */
export const SACREBLEU_VERSION = '2.6.0';

export interface ChrfOptions {
  /** Character n-gram order (sacrebleu `char_order`, default 6). */
  charOrder: number;
  /** Word n-gram order; 2 gives chrF++ (`word_order`, default 0). */
  wordOrder: number;
  /** Recall weight β of the F-score (default 2). */
  beta: number;
  /** Compare case-insensitively (Python `str.lower()`). */
  lowercase: boolean;
  /** Keep whitespace inside character n-grams. */
  whitespace: boolean;
  /** chrF++.py / Moses / NLTK eps smoothing instead of sacrebleu's effective order. */
  epsSmoothing: boolean;
  /** Number of reference streams, printed in the signature (corpus scoring sets it; default 1). */
  nrefs: number;
}

export interface ChrfResult extends MetricResult {
  /** `chrF2`, `chrF2++`, … as sacrebleu names the score. */
  name: string;
  /** Summed statistics: per order (chars 1..charOrder, then words 1..wordOrder) [hyp, ref, matches]. */
  stats: number[];
  signature: string;
}

const DEFAULTS: ChrfOptions = {
  charOrder: 6,
  wordOrder: 0,
  beta: 2,
  lowercase: false,
  whitespace: false,
  epsSmoothing: false,
  nrefs: 1,
};

function resolveChrfOptions(options: Partial<ChrfOptions> = {}): ChrfOptions {
  for (const key of Object.keys(options)) {
    if (!(key in DEFAULTS)) throw new UsageError(unknownNameMessage('chrF option', key, Object.keys(DEFAULTS)));
  }
  const out: ChrfOptions = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options) as [keyof ChrfOptions, unknown][]) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  const nonNegativeInt = (key: 'charOrder' | 'wordOrder' | 'beta' | 'nrefs', min: number): void => {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new UsageError(`chrF option ${key} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    }
  };
  nonNegativeInt('charOrder', 0);
  nonNegativeInt('wordOrder', 0);
  nonNegativeInt('beta', 0);
  nonNegativeInt('nrefs', 1);
  if (out.charOrder + out.wordOrder === 0) {
    throw new UsageError('chrF needs charOrder + wordOrder >= 1 (got 0 and 0)');
  }
  for (const key of ['lowercase', 'whitespace', 'epsSmoothing'] as const) {
    if (typeof out[key] !== 'boolean') {
      throw new UsageError(`chrF option ${key} must be true or false (got ${JSON.stringify(out[key])})`);
    }
  }
  return out;
}

// chrF's `_remove_punctuation` strips one character of `string.punctuation` from the end of a
// word, or else from its start (so "(hi)" becomes "(hi" and ")"). All of them are ASCII.
const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function isSingleCodePoint(w: string): boolean {
  if (w.length === 1) return true;
  if (w.length !== 2) return false;
  const c = w.charCodeAt(0);
  return c >= 0xd800 && c <= 0xdbff;
}

/** Words for chrF++: `str.split()` with a leading or trailing punctuation mark split off. */
export function chrfWords(text: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(text)) {
    if (isSingleCodePoint(w)) {
      out.push(w);
    } else if (PUNCT.has(w[w.length - 1])) {
      out.push(w.slice(0, -1), w[w.length - 1]);
    } else if (PUNCT.has(w[0])) {
      out.push(w[0], w.slice(1));
    } else {
      out.push(w);
    }
  }
  return out;
}

/** A string viewed as code points: n-gram i..i+n is `text.slice(at(i), at(i+n))`. */
interface CodePoints {
  text: string;
  /** Number of code points. */
  length: number;
  /** Start offset (UTF-16) of each code point plus the end; null when every code point is one unit. */
  offsets: Int32Array | null;
}

const SURROGATE = /[\ud800-\udfff]/;

function codePoints(text: string): CodePoints {
  if (!SURROGATE.test(text)) return { text, length: text.length, offsets: null };
  const offsets = new Int32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    offsets[n++] = i;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  offsets[n] = text.length;
  return { text, length: n, offsets };
}

/** One side of a segment after preprocessing: characters for char n-grams, words for word n-grams. */
interface Side {
  chars: CodePoints;
  words: string[];
}

function prepare(text: string, opts: ChrfOptions): Side {
  const s = opts.lowercase ? pyLower(text) : text;
  return {
    chars: codePoints(opts.whitespace ? s : pyRemoveWhitespace(s)),
    words: opts.wordOrder > 0 ? chrfWords(s) : [],
  };
}

/**
 * A reference's n-grams of every order in one table: key → slot, and a count per slot that the
 * hypothesis consumes. Char n-grams of different orders never share a key (different lengths in
 * code points); word n-grams live in their own table because with `whitespace` a char n-gram may
 * contain a space.
 */
class RefCounts {
  readonly charSlots = new Map<string, number>();
  readonly wordSlots = new Map<string, number>();
  counts: Int32Array;
  /** Number of reference n-grams per order (chars then words). */
  readonly totals: number[];

  constructor(ref: Side, opts: ChrfOptions) {
    const { chars, words } = ref;
    let size = 0;
    this.totals = [];
    for (let n = 1; n <= opts.charOrder; n++) this.totals.push(Math.max(0, chars.length - n + 1));
    for (let n = 1; n <= opts.wordOrder; n++) this.totals.push(Math.max(0, words.length - n + 1));
    for (const t of this.totals) size += t;
    this.counts = new Int32Array(size);
    let next = 0;
    const { text, offsets } = chars;
    for (let n = 1; n <= opts.charOrder; n++) {
      for (let i = 0; i + n <= chars.length; i++) {
        const key = offsets === null ? text.substring(i, i + n) : text.substring(offsets[i], offsets[i + n]);
        const slot = this.charSlots.get(key);
        if (slot === undefined) {
          this.charSlots.set(key, next);
          this.counts[next++] = 1;
        } else {
          this.counts[slot]++;
        }
      }
    }
    for (let n = 1; n <= opts.wordOrder; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        const key = n === 1 ? words[i] : words.slice(i, i + n).join(' ');
        const slot = this.wordSlots.get(key);
        if (slot === undefined) {
          this.wordSlots.set(key, next);
          this.counts[next++] = 1;
        } else {
          this.counts[slot]++;
        }
      }
    }
  }

  /** [hyp, ref, matches] per order of `hyp` against this reference; consumes the counts. */
  matchInto(hyp: Side, opts: ChrfOptions, out: number[]): void {
    const counts = this.counts;
    const { text, offsets, length } = hyp.chars;
    for (let n = 1; n <= opts.charOrder; n++) {
      const refTotal = this.totals[n - 1];
      let matches = 0;
      if (refTotal > 0) {
        for (let i = 0; i + n <= length; i++) {
          const key = offsets === null ? text.substring(i, i + n) : text.substring(offsets[i], offsets[i + n]);
          const slot = this.charSlots.get(key);
          if (slot !== undefined && counts[slot] > 0) {
            counts[slot]--;
            matches++;
          }
        }
      }
      const k = 3 * (n - 1);
      // sacrebleu reports no hypothesis n-grams for an order the reference lacks.
      out[k] = refTotal > 0 ? Math.max(0, length - n + 1) : 0;
      out[k + 1] = refTotal;
      out[k + 2] = matches;
    }
    const words = hyp.words;
    for (let n = 1; n <= opts.wordOrder; n++) {
      const refTotal = this.totals[opts.charOrder + n - 1];
      let matches = 0;
      if (refTotal > 0) {
        for (let i = 0; i + n <= words.length; i++) {
          const key = n === 1 ? words[i] : words.slice(i, i + n).join(' ');
          const slot = this.wordSlots.get(key);
          if (slot !== undefined && counts[slot] > 0) {
            counts[slot]--;
            matches++;
          }
        }
      }
      const k = 3 * (opts.charOrder + n - 1);
      out[k] = refTotal > 0 ? Math.max(0, words.length - n + 1) : 0;
      out[k + 1] = refTotal;
      out[k + 2] = matches;
    }
  }
}

/** sacrebleu's `_compute_f_score`: the chrF score (0-100) of summed statistics. */
export function chrfFScore(stats: ArrayLike<number>, opts: ChrfOptions): number {
  const eps = 1e-16;
  const order = opts.charOrder + opts.wordOrder;
  const factor = opts.beta * opts.beta;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i];
    const nRef = stats[3 * i + 1];
    const nMatch = stats[3 * i + 2];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder++;
    }
  }
  if (opts.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec === 0) return 0;
  return 100 * (((1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec));
}

function segmentStats(hyp: string, refs: readonly string[], opts: ChrfOptions): number[] {
  if (refs.length === 0) throw new UsageError('chrF needs at least one reference per segment (got none)');
  const size = 3 * (opts.charOrder + opts.wordOrder);
  const h = prepare(hyp, opts);
  if (refs.length === 1) {
    const out = new Array<number>(size);
    new RefCounts(prepare(refs[0], opts), opts).matchInto(h, opts, out);
    return out;
  }
  // Several references: keep the one with the best sentence-level F (the first on ties).
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const out = new Array<number>(size);
    new RefCounts(prepare(ref, opts), opts).matchInto(h, opts, out);
    const f = chrfFScore(out, opts);
    if (f > bestF) {
      bestF = f;
      best = out;
    }
  }
  return best;
}

function chrfSignature(opts: ChrfOptions, nrefs: number): string {
  return formatSignature({
    nrefs,
    case: opts.lowercase ? 'lc' : 'mixed',
    eff: !opts.epsSmoothing,
    nc: opts.charOrder,
    nw: opts.wordOrder,
    space: opts.whitespace,
    version: SACREBLEU_VERSION,
  });
}

function scoreFromStats(stats: ArrayLike<number>, opts: ChrfOptions): ChrfResult {
  return {
    score: chrfFScore(stats, opts),
    name: `chrF${opts.beta}${'+'.repeat(opts.wordOrder)}`,
    stats: Array.from(stats),
    signature: chrfSignature(opts, opts.nrefs),
  };
}

/** chrF / chrF++ as sacrebleu's `CHRF`; corpus score = F of the statistics summed over segments. */
export const chrf: CorpusMetric<ChrfOptions, ChrfResult> = {
  name: 'chrf',
  resolveOptions: resolveChrfOptions,
  statsSize: (opts) => 3 * (opts.charOrder + opts.wordOrder),
  segmentStats,
  scoreFromStats,
  sentenceScore(hyp, refs, opts) {
    return scoreFromStats(segmentStats(hyp, refs, opts), { ...opts, nrefs: refs.length });
  },
  signature: chrfSignature,
};
