// Translation edit rate of one hypothesis against one reference, following sacrebleu 2.6.0
// `metrics/lib_ter.py` (a near-exact Tercom re-implementation): greedy shifts chosen by a
// Tercom-ranked search, then a beam-limited Levenshtein distance around the length-scaled diagonal.
// Words are compared as integer ids; the prefix-row cache is the same trie (it never changes a result).

const COST_INS = 1;
const COST_DEL = 1;
const COST_SUB = 1;
// Tercom's limits.
const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
// sacrebleu's own limits. Reaching MAX_SHIFT_CANDIDATES stops the search and drops the shift
// found in that round, so it changes results on long segments.
const MAX_CACHE_SIZE = 10000;
const MAX_SHIFT_CANDIDATES = 1000;
// Cells outside the beam; small enough that INF + a few edits stays an exact int32.
const INF = 1 << 29;

// Edit operations of the hypothesis-by-reference matrix (row i: hypothesis word i, column j:
// reference word j). DEL consumes a hypothesis word, INS a reference word.
const OP_NOP = 0;
const OP_SUB = 1;
const OP_INS = 2;
const OP_DEL = 3;
const OP_UNDEF = 4;

interface Row {
  cost: Int32Array;
  op: Uint8Array;
}

interface CacheNode {
  next: Map<number, CacheNode>;
  row: Row;
}

/** Edit distance to a fixed reference, with sacrebleu's beam and prefix-row cache. */
class BeamEditDistance {
  private readonly ref: Int32Array;
  private readonly nRef: number;
  private readonly initialRow: Row;
  private readonly cache = new Map<number, CacheNode>();
  private cacheSize = 0;

  constructor(ref: Int32Array) {
    this.ref = ref;
    this.nRef = ref.length;
    const cost = new Int32Array(this.nRef + 1);
    for (let j = 0; j <= this.nRef; j++) cost[j] = j * COST_INS;
    this.initialRow = { cost, op: new Uint8Array(this.nRef + 1).fill(OP_INS) };
  }

  /** Edit distance of `hyp` to the reference, and the operation trace when asked for. */
  distance(hyp: Int32Array, withTrace: boolean): { dist: number; trace: Uint8Array | null } {
    const nHyp = hyp.length;
    const nRef = this.nRef;
    const rows: Row[] = [this.initialRow];
    // Rows already known for a prefix of the hypothesis.
    let node = this.cache;
    for (let k = 0; k < nHyp; k++) {
      const hit = node.get(hyp[k]);
      if (hit === undefined) break;
      rows.push(hit.row);
      node = hit.next;
    }
    const start = rows.length - 1;

    const ratio = nHyp > 0 ? nRef / nHyp : 1;
    // In extreme length ratios the beam is widened so consecutive rows still overlap.
    const beam = BEAM_WIDTH < ratio / 2 ? Math.ceil(ratio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
    const ref = this.ref;
    for (let i = start + 1; i <= nHyp; i++) {
      const cost = new Int32Array(nRef + 1).fill(INF);
      const op = new Uint8Array(nRef + 1).fill(OP_UNDEF);
      const prev = rows[i - 1];
      const prevCost = prev.cost;
      const pseudoDiag = Math.floor(i * ratio);
      const minJ = Math.max(0, pseudoDiag - beam);
      const maxJ = i === nHyp ? nRef + 1 : Math.min(nRef + 1, pseudoDiag + beam);
      const word = hyp[i - 1];
      for (let j = minJ; j < maxJ; j++) {
        if (j === 0) {
          cost[0] = prevCost[0] + COST_DEL;
          op[0] = OP_DEL;
          continue;
        }
        // Tercom prefers match/substitution, then insertion, then deletion; sacrebleu flips the
        // trace afterwards, so deletion is tried before insertion here. Strict `<` keeps the first.
        let best = cost[j];
        let bestOp = op[j];
        const sub = prevCost[j - 1] + (word === ref[j - 1] ? 0 : COST_SUB);
        if (sub < best) {
          best = sub;
          bestOp = word === ref[j - 1] ? OP_NOP : OP_SUB;
        }
        const del = prevCost[j] + COST_DEL;
        if (del < best) {
          best = del;
          bestOp = OP_DEL;
        }
        const ins = cost[j - 1] + COST_INS;
        if (ins < best) {
          best = ins;
          bestOp = OP_INS;
        }
        cost[j] = best;
        op[j] = bestOp;
      }
      rows.push({ cost, op });
    }

    this.addToCache(hyp, rows, start);

    const dist = rows[nHyp].cost[nRef];
    if (!withTrace) return { dist, trace: null };
    const backwards: number[] = [];
    let i = nHyp;
    let j = nRef;
    while (i > 0 || j > 0) {
      const o = rows[i].op[j];
      backwards.push(o);
      if (o === OP_NOP || o === OP_SUB) {
        i--;
        j--;
      } else if (o === OP_INS) {
        j--;
      } else if (o === OP_DEL) {
        i--;
      } else {
        throw new Error(`TER: edit-distance trace left the beam at (${i}, ${j})`);
      }
    }
    return { dist, trace: Uint8Array.from(backwards.reverse()) };
  }

  private addToCache(hyp: Int32Array, rows: Row[], start: number): void {
    if (this.cacheSize >= MAX_CACHE_SIZE) return;
    let node = this.cache;
    for (let k = 0; k < start; k++) node = (node.get(hyp[k]) as CacheNode).next;
    for (let k = start; k < hyp.length; k++) {
      let hit = node.get(hyp[k]);
      if (hit === undefined) {
        hit = { next: new Map(), row: rows[k + 1] };
        node.set(hyp[k], hit);
        this.cacheSize++;
      }
      node = hit.next;
    }
  }
}

/** `_perform_shift`: move `words[start, start+length)` so that it lands before position `target`. */
function performShift(words: Int32Array, start: number, length: number, target: number): Int32Array {
  const n = words.length;
  const out = new Int32Array(n);
  let k = 0;
  // Python slice semantics (clamped to the array) for each of the four pieces.
  const put = (from: number, to: number): void => {
    const a = Math.min(from, n);
    const b = Math.min(to, n);
    for (let p = a; p < b; p++) out[k++] = words[p];
  };
  if (target < start) {
    put(0, target);
    put(start, start + length);
    put(target, start);
    put(start + length, n);
  } else if (target > start + length) {
    put(0, start);
    put(start + length, target);
    put(start, start + length);
    put(target, n);
  } else {
    put(0, start);
    put(start + length, length + target);
    put(start, start + length);
    put(length + target, n);
  }
  return out;
}

interface ShiftResult {
  delta: number;
  words: Int32Array;
  checked: number;
}

/** `_shift`: the best single shift by Tercom's ranking (gain, length, earliest start, earliest target). */
function bestShift(hyp: Int32Array, ref: Int32Array, ed: BeamEditDistance, checkedBefore: number): ShiftResult {
  const { dist: preScore, trace } = ed.distance(hyp, true);
  const nHyp = hyp.length;
  const nRef = ref.length;
  // Alignment of reference positions to hypothesis positions, read from the trace as if the
  // reference were rewritten into the hypothesis (sacrebleu's flipped trace).
  const align = new Int32Array(nRef);
  const hasAlign = new Uint8Array(nRef);
  const hypErr = new Uint8Array(nHyp);
  const refErr = new Uint8Array(nRef);
  let posH = -1;
  let posR = -1;
  for (const o of trace as Uint8Array) {
    if (o === OP_NOP || o === OP_SUB) {
      posH++;
      posR++;
      align[posR] = posH;
      hasAlign[posR] = 1;
      if (o === OP_SUB) {
        hypErr[posH] = 1;
        refErr[posR] = 1;
      }
    } else if (o === OP_DEL) {
      posH++;
      hypErr[posH] = 1;
    } else {
      posR++;
      align[posR] = posH;
      hasAlign[posR] = 1;
      refErr[posR] = 1;
    }
  }

  let checked = checkedBefore;
  let found = false;
  let bestDelta = 0;
  let bestLength = 0;
  let bestStart = 0;
  let bestIdx = 0;
  let bestWords = hyp;

  search: for (let startH = 0; startH < nHyp; startH++) {
    for (let startR = 0; startR < nRef; startR++) {
      if (Math.abs(startR - startH) > MAX_SHIFT_DIST) continue;
      for (let length = 1; length <= MAX_SHIFT_SIZE; length++) {
        // Matching runs words_h[startH..] == words_r[startR..], one candidate pair per length.
        if (hyp[startH + length - 1] !== ref[startR + length - 1]) break;

        let hypWrong = false;
        for (let p = startH; p < startH + length; p++) if (hypErr[p]) hypWrong = true;
        let refWrong = false;
        for (let p = startR; p < startR + length; p++) if (refErr[p]) refWrong = true;
        const target0 = align[startR];
        // Shift only if both sides are wrong there and the target is outside the moved block.
        if (hypWrong && refWrong && !(startH <= target0 && target0 < startH + length)) {
          let prevIdx = -1;
          for (let offset = -1; offset < length; offset++) {
            let idx: number;
            if (startR + offset === -1) idx = 0;
            else if (startR + offset < nRef && hasAlign[startR + offset]) idx = align[startR + offset] + 1;
            else break;
            if (idx === prevIdx) continue;
            prevIdx = idx;
            const shifted = performShift(hyp, startH, length, idx);
            const delta = preScore - ed.distance(shifted, false).dist;
            checked++;
            if (
              !found ||
              delta > bestDelta ||
              (delta === bestDelta &&
                (length > bestLength ||
                  (length === bestLength && (-startH > -bestStart || (startH === bestStart && -idx > -bestIdx)))))
            ) {
              found = true;
              bestDelta = delta;
              bestLength = length;
              bestStart = startH;
              bestIdx = idx;
              bestWords = shifted;
            }
          }
          if (checked >= MAX_SHIFT_CANDIDATES) break search;
        }
        if (startH + length === nHyp || startR + length === nRef) break;
      }
    }
  }
  return found ? { delta: bestDelta, words: bestWords, checked } : { delta: 0, words: hyp, checked };
}

/** `translation_edit_rate` over word ids: [number of edits (shifts + edit distance), reference length]. */
export function translationEditRateIds(hyp: Int32Array, ref: Int32Array): [number, number] {
  if (ref.length === 0) return [hyp.length, 0];
  const ed = new BeamEditDistance(ref);
  let shifts = 0;
  let words = hyp;
  let checked = 0;
  while (true) {
    const step = bestShift(words, ref, ed, checked);
    checked = step.checked;
    if (checked >= MAX_SHIFT_CANDIDATES) break;
    if (step.delta <= 0) break;
    shifts++;
    words = step.words;
  }
  return [shifts + ed.distance(words, false).dist, ref.length];
}

/** Maps the words of one segment to integer ids shared by its hypothesis and references. */
export class WordIds {
  private readonly ids = new Map<string, number>();

  encode(words: readonly string[]): Int32Array {
    const out = new Int32Array(words.length);
    for (let k = 0; k < words.length; k++) {
      let id = this.ids.get(words[k]);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(words[k], id);
      }
      out[k] = id;
    }
    return out;
  }
}
