// chrF (Popović 2015) and chrF++ (Popović 2017) exactly as sacrebleu 2.6.0 `metrics/chrf.py`:
// same statistics, best reference per segment, effective-order / eps smoothing and signature.
// Only the counting differs, for speed: n-grams are hashed runs of code points (or word ids) in a
// reused table, verified symbol by symbol, and each reference count is consumed by the hypothesis'
// n-grams (Σ min(h, r) without a hypothesis counter); the numbers are identical.
import { UsageError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { mergeOptions, requireBooleans, requireNrefs, SACREBLEU_VERSION } from './options.js';
import { isPyWhitespace, pyLower, pySplit } from './python-text.js';
import type { CorpusMetric, MetricResult } from './types.js';


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
  /** References per segment, printed in the signature (`var` when it varies; default 1). */
  nrefs: number | 'var';
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
  const out = mergeOptions('chrF', DEFAULTS, options);
  const integerAtLeast = (key: 'charOrder' | 'wordOrder' | 'beta', min: number): void => {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new UsageError(`chrF option ${key} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    }
  };
  integerAtLeast('charOrder', 0);
  integerAtLeast('wordOrder', 0);
  integerAtLeast('beta', 0);
  requireNrefs('chrF', out.nrefs);
  if (out.charOrder + out.wordOrder === 0) {
    throw new UsageError('chrF needs charOrder + wordOrder >= 1 (got 0 and 0)');
  }
  requireBooleans('chrF', out, ['lowercase', 'whitespace', 'epsSmoothing']);
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

/** Growable scratch buffer, reused across segments so counting allocates nothing per n-gram. */
class Scratch {
  buf = new Int32Array(256);

  ensure(n: number): Int32Array {
    if (this.buf.length < n) this.buf = new Int32Array(Math.max(n, 2 * this.buf.length));
    return this.buf;
  }
}

/** Code points of `text` into `scratch` (Python whitespace dropped unless kept); returns the count. */
function decodeChars(text: string, keepWhitespace: boolean, scratch: Scratch): number {
  const buf = scratch.ensure(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (keepWhitespace || !isPyWhitespace(c)) buf[n++] = c;
  }
  return n;
}

const HASH_SEED = 0x2545f491;

/** One more symbol onto an n-gram hash (multiplicative mix with the high bits folded down). */
function mix(h: number, c: number): number {
  const t = Math.imul(h ^ c, 0x9e3779b1);
  return t ^ (t >>> 15);
}

function sameRun(a: Int32Array, i: number, b: Int32Array, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * Counts of a reference's n-grams (all orders), keyed by (hash, order) and verified against the
 * symbols themselves, so hash collisions never change a count. Open addressing over typed arrays
 * that are reused: a generation stamp marks the live slots.
 */
class NgramTable {
  private hashes = new Int32Array(64);
  private starts = new Int32Array(64);
  private orders = new Int32Array(64);
  private counts = new Int32Array(64);
  private stamps = new Int32Array(64);
  private gen = 0;
  private mask = 63;
  private seq: Int32Array = new Int32Array(0);

  /** Empties the table for the n-grams of `seq` (at most `entries` of them). */
  reset(seq: Int32Array, entries: number): void {
    let cap = 64;
    while (cap < 2 * entries) cap *= 2;
    if (cap > this.hashes.length) {
      this.hashes = new Int32Array(cap);
      this.starts = new Int32Array(cap);
      this.orders = new Int32Array(cap);
      this.counts = new Int32Array(cap);
      this.stamps = new Int32Array(cap);
      this.gen = 0;
    }
    this.mask = cap - 1;
    if (++this.gen === 0x7fffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
    this.seq = seq;
  }

  /** Counts the reference n-gram `seq[start, start+n)` whose hash is `h`. */
  add(start: number, n: number, h: number): void {
    const { stamps, hashes, orders, starts, seq, gen, mask } = this;
    let i = h & mask;
    while (stamps[i] === gen) {
      if (hashes[i] === h && orders[i] === n && sameRun(seq, starts[i], seq, start, n)) {
        this.counts[i]++;
        return;
      }
      i = (i + 1) & mask;
    }
    stamps[i] = gen;
    hashes[i] = h;
    starts[i] = start;
    orders[i] = n;
    this.counts[i] = 1;
  }

  /** Consumes one reference occurrence of `other[start, start+n)`; false when none is left. */
  take(other: Int32Array, start: number, n: number, h: number): boolean {
    const { stamps, hashes, orders, starts, seq, gen, mask } = this;
    let i = h & mask;
    while (stamps[i] === gen) {
      if (hashes[i] === h && orders[i] === n && sameRun(seq, starts[i], other, start, n)) {
        if (this.counts[i] === 0) return false;
        this.counts[i]--;
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }
}

/** A preprocessed segment side: code points for char n-grams, word ids for word n-grams. */
interface Side {
  chars: Int32Array;
  nChars: number;
  words: Int32Array;
}

const hypChars = new Scratch();
const refChars = new Scratch();
const hypHash = new Scratch();
const refHash = new Scratch();
const charTable = new NgramTable();
const wordTable = new NgramTable();

function prepare(text: string, opts: ChrfOptions, chars: Scratch, wordIds: Map<string, number> | null): Side {
  const s = opts.lowercase ? pyLower(text) : text;
  const nChars = decodeChars(s, opts.whitespace, chars);
  let words = EMPTY;
  if (wordIds !== null) {
    const list = chrfWords(s);
    words = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) {
      let id = wordIds.get(list[k]);
      if (id === undefined) {
        id = wordIds.size;
        wordIds.set(list[k], id);
      }
      words[k] = id;
    }
  }
  return { chars: chars.buf, nChars, words };
}

const EMPTY = new Int32Array(0);

/**
 * [hyp, ref, matches] for orders 1..maxOrder of `hyp` against `ref` (sequences of symbols) into
 * `out` from index `at`. sacrebleu reports 0 hypothesis n-grams for an order the reference lacks.
 */
function matchOrders(
  hyp: Int32Array,
  nHyp: number,
  ref: Int32Array,
  nRef: number,
  maxOrder: number,
  table: NgramTable,
  out: number[],
  at: number,
): void {
  let entries = 0;
  for (let n = 1; n <= maxOrder && n <= nRef; n++) entries += nRef - n + 1;
  table.reset(ref, entries);
  const rh = refHash.ensure(nRef);
  rh.fill(HASH_SEED, 0, nRef);
  for (let n = 1; n <= maxOrder && n <= nRef; n++) {
    for (let i = 0; i + n <= nRef; i++) {
      rh[i] = mix(rh[i], ref[i + n - 1]);
      table.add(i, n, rh[i]);
    }
  }
  const hh = hypHash.ensure(nHyp);
  hh.fill(HASH_SEED, 0, nHyp);
  for (let n = 1; n <= maxOrder; n++) {
    const k = at + 3 * (n - 1);
    const refTotal = Math.max(0, nRef - n + 1);
    let matches = 0;
    if (refTotal > 0) {
      for (let i = 0; i + n <= nHyp; i++) {
        hh[i] = mix(hh[i], hyp[i + n - 1]);
        if (table.take(hyp, i, n, hh[i])) matches++;
      }
    }
    out[k] = refTotal > 0 ? Math.max(0, nHyp - n + 1) : 0;
    out[k + 1] = refTotal;
    out[k + 2] = matches;
  }
}

function statsAgainst(hyp: Side, ref: Side, opts: ChrfOptions): number[] {
  const out = new Array<number>(3 * (opts.charOrder + opts.wordOrder));
  matchOrders(hyp.chars, hyp.nChars, ref.chars, ref.nChars, opts.charOrder, charTable, out, 0);
  if (opts.wordOrder > 0) {
    matchOrders(hyp.words, hyp.words.length, ref.words, ref.words.length, opts.wordOrder, wordTable, out, 3 * opts.charOrder);
  }
  return out;
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

/** sacrebleu drops missing (null) references of a segment; at least one must remain. */
function presentRefs(refs: readonly (string | null | undefined)[]): readonly string[] {
  const out = refs.every((r) => typeof r === 'string') ? (refs as readonly string[]) : refs.filter((r) => typeof r === 'string');
  if (out.length === 0) throw new UsageError('chrF needs at least one reference per segment (got none)');
  return out;
}

function segmentStats(hyp: string, refsIn: readonly (string | null | undefined)[], opts: ChrfOptions): number[] {
  const refs = presentRefs(refsIn);
  const wordIds = opts.wordOrder > 0 ? new Map<string, number>() : null;
  const h = prepare(hyp, opts, hypChars, wordIds);
  if (refs.length === 1) return statsAgainst(h, prepare(refs[0], opts, refChars, wordIds), opts);
  // Several references: keep the one with the best sentence-level F (the first on ties).
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const stats = statsAgainst(h, prepare(ref, opts, refChars, wordIds), opts);
    const f = chrfFScore(stats, opts);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

function chrfSignature(opts: ChrfOptions, nrefs: number | 'var'): string {
  return formatSignature({
    nrefs: nrefs === -1 ? 'var' : nrefs,
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
    return scoreFromStats(segmentStats(hyp, refs, opts), { ...opts, nrefs: presentRefs(refs).length });
  },
  signature: chrfSignature,
};
